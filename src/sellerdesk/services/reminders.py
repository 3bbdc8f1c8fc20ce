"""Sending reminders and the morning digest, each once, by e-mail and webhooks.

Configuration (a ``[reminders]`` section; webhook URLs carry secrets, so they come from the
environment variable each webhook names)::

    [reminders]
    points = ["4h", "1h"]            # before each target
    targets = ["safe_by", "deadline"] # the team's safe-by time and Amazon's 24-hour deadline
    digest_hour = 8                   # each store's local hour for the morning digest
    email_to = ["lead@acme.example"]  # sent through the store's mailbox SMTP settings

    [[reminders.webhooks]]
    format = "slack"                  # generic | slack | feishu | lark | dingtalk | wecom
    url_env = "ACME_SLACK_WEBHOOK"
    store = "acme-us"                 # optional: only this store's reminders

Seller Support cases whose follow-up is due (``case_follow_up_days`` after they were opened or last
changed status) are reminded the same way, once per case and due time.

"Once" is a unique key per reminder and channel in ``reminders_sent``: the key is claimed in
its own transaction before sending and released when the send fails, so a failed send is
tried again at the next run and a successful one never repeats, even with two runners.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select

from sellerdesk.adapters.db.tables import Message, MessageExclusion, ReminderSent, Store, Thread
from sellerdesk.adapters.smtp import SmtpMailSender
from sellerdesk.adapters.webhook import HttpWebhookSender
from sellerdesk.config import Config, resolve_secret
from sellerdesk.core.reminders import (
    TARGETS,
    WEBHOOK_FORMATS,
    ThreadClock,
    digest_due,
    due_reminders,
    parse_point,
    webhook_payload,
)
from sellerdesk.core.sla import due_at
from sellerdesk.core.working_hours import safe_by
from sellerdesk.errors import ConfigError, SellerdeskError, StoreError
from sellerdesk.services.after_sales_reminders import after_sales_due
from sellerdesk.services.calendar import build_calendar
from sellerdesk.services.cases import due_follow_ups
from sellerdesk.services.database import Database
from sellerdesk.services.response_metrics import Scope, response_metrics

OPEN_STATES = ("new", "open", "waiting_on_buyer", "on_hold")


@dataclass(frozen=True)
class Channel:
    """Where reminders go: ``email`` (to addresses) or ``webhook`` (a URL and its payload format)."""

    kind: str
    name: str  # part of the sent key, and how errors name the channel
    format: str = "generic"
    url: str | None = None
    email_to: tuple[str, ...] = ()
    store: str | None = None  # None: every store


@dataclass(frozen=True)
class ReminderSettings:
    """The ``[reminders]`` section, read and checked."""

    points: tuple[timedelta, ...] = (timedelta(hours=4), timedelta(hours=1))
    targets: tuple[str, ...] = TARGETS
    digest_hour: int = 8
    channels: tuple[Channel, ...] = field(default_factory=tuple)


def reminder_settings(config: Config) -> ReminderSettings:
    """Read ``[reminders]`` from *config* (defaults when absent; no channel means nothing is sent).

    Raises:
        ConfigError: a bad point, target, hour or webhook format, or a webhook URL variable that is unset.
    """
    section: Mapping[str, Any] = config.extra.get("reminders", {})
    try:
        points = tuple(parse_point(str(p)) for p in section.get("points", ["4h", "1h"]))
    except SellerdeskError as exc:
        raise ConfigError(f"[reminders] points in {config.source}: {exc}") from exc
    targets = tuple(section.get("targets", TARGETS))
    if any(t not in TARGETS for t in targets):
        raise ConfigError(f"[reminders] targets in {config.source} must be among {', '.join(TARGETS)}")
    hour = section.get("digest_hour", 8)
    if not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ConfigError(f"[reminders] digest_hour in {config.source} must be an hour from 0 to 23")
    channels: list[Channel] = []
    if section.get("email_to"):
        channels.append(Channel("email", "email", email_to=tuple(section["email_to"])))
    for number, hook in enumerate(section.get("webhooks", []), start=1):
        fmt = hook.get("format", "generic")
        if fmt not in WEBHOOK_FORMATS:
            raise ConfigError(f"[[reminders.webhooks]] #{number} in {config.source}: format {fmt!r} is not one "
                              f"of {', '.join(WEBHOOK_FORMATS)}")
        url = resolve_secret(hook.get("url_env"), what=f"[[reminders.webhooks]] #{number} URL")
        channels.append(Channel("webhook", f"webhook{number}-{fmt}", format=fmt, url=url, store=hook.get("store")))
    return ReminderSettings(points=points, targets=targets, digest_hour=hour, channels=tuple(channels))


def thread_clocks(db: Database, config: Config, *, now: datetime) -> list[ThreadClock]:
    """Every unanswered thread of the configured stores with its oldest unanswered buyer message's targets."""
    clocks: list[ThreadClock] = []
    with db.reading() as store:
        for shop in config.stores:
            calendar = build_calendar(shop, years=(now.year - 1, now.year, now.year + 1))
            oldest = (select(Thread.id, Thread.subject, func.min(Message.received_at))
                      .join(Store, Store.id == Thread.store_id).join(Message, Message.thread_id == Thread.id)
                      .outerjoin(MessageExclusion, MessageExclusion.message_id == Message.id)
                      .where(Store.name == shop.name, Thread.state.in_(OPEN_STATES), Message.direction == "in",
                             Message.kind == "buyer_message", MessageExclusion.id.is_(None),
                             or_(Thread.last_outbound_at.is_(None), Message.received_at > Thread.last_outbound_at))
                      .group_by(Thread.id, Thread.subject))
            for thread_id, subject, received in store.session.execute(oldest):
                received = received if received.tzinfo else received.replace(tzinfo=UTC)
                deadline = due_at(received)
                clocks.append(ThreadClock(thread_id, shop.name, received, safe_by(deadline, calendar), deadline,
                                          subject))
    return clocks


def _claim(db: Database, key: str, *, store_name: str | None, now: datetime) -> bool:
    try:
        with db.transaction() as store:
            shop = store.find_store(store_name) if store_name else None
            store.session.add(ReminderSent(key=key, store_id=shop.id if shop else None, sent_at=now))
    except StoreError:
        return False  # the unique key exists: sent already (or being sent by another runner)
    return True


def _release(db: Database, key: str) -> None:
    with db.transaction() as store:
        store.session.execute(delete(ReminderSent).where(ReminderSent.key == key))


def _sent_keys(db: Database) -> set[str]:
    with db.reading() as store:
        return set(store.session.scalars(select(ReminderSent.key)))


Deliver = Callable[[Channel, str, str, Sequence[str]], None]


def send_reminders(db: Database, config: Config, *, now: datetime, settings: ReminderSettings | None = None,
                   deliver: Deliver | None = None) -> list[dict[str, Any]]:
    """Send every reminder, digest and Seller Support case follow-up due at *now* on every channel, once;
    return what was sent or failed.

    *deliver* sends one message (``channel, store, title, lines``); default :func:`deliver_by_config`.
    """
    chosen = settings or reminder_settings(config)
    send = deliver or deliver_by_config(config)
    sent_keys = _sent_keys(db)
    clocks = thread_clocks(db, config, now=now)
    with db.reading() as store:
        follow_ups = due_follow_ups(store, now=now)
    fallback = config.stores[0].name if config.stores else ""  # a case recorded without a store
    results: list[dict[str, Any]] = []
    for channel in chosen.channels:
        # Keys are per channel: a reminder the e-mail took is still due on a webhook that failed.
        sent = {key.rsplit("|", 1)[0] for key in sent_keys if key.endswith(f"|{channel.name}")}
        outgoing = [(r.key, r.store, "Reply due soon", [r.text()])
                    for r in due_reminders(clocks, now=now, points=chosen.points, targets=chosen.targets, sent=sent)]
        for shop in config.stores:
            key = digest_due(shop.name, local_now=now.astimezone(ZoneInfo(shop.timezone)),
                             hour=chosen.digest_hour, sent=sent)
            if key is not None:
                outgoing.append((key, shop.name, f"Morning digest {shop.name}",
                                 digest_lines(db, config, shop.name, now=now)))
        outgoing += [(f.key, f.store or fallback, "Case follow-up due", [f.line]) for f in follow_ups
                     if f.key not in sent]
        for key, store_name, title, lines in outgoing:
            if channel.store in (None, store_name):
                results += _send_once(db, channel, key=key, store_name=store_name, title=title, lines=lines,
                                      now=now, send=send)
    return results


def _send_once(db: Database, channel: Channel, *, key: str, store_name: str, title: str, lines: Sequence[str],
               now: datetime, send: Deliver) -> list[dict[str, Any]]:
    channel_key = f"{key}|{channel.name}"
    if not _claim(db, channel_key, store_name=store_name, now=now):
        return []
    try:
        send(channel, store_name, title, lines)
    except SellerdeskError as exc:
        _release(db, channel_key)
        return [{"key": key, "channel": channel.name, "state": "failed", "error": str(exc)}]
    return [{"key": key, "channel": channel.name, "state": "sent"}]


def digest_lines(db: Database, config: Config, store_name: str, *, now: datetime) -> list[str]:
    """The lines of a store's morning digest: open threads, overdue ones, the last 7 days' figures, the
    Seller Support cases due for a follow-up, and the after-sales work due
    (:mod:`sellerdesk.services.after_sales_reminders`)."""
    clocks = [c for c in thread_clocks(db, config, now=now) if c.store == store_name]
    overdue = sum(1 for c in clocks if c.deadline <= now)
    with db.reading() as store:
        week = response_metrics(store, start=now - timedelta(days=7), end=now, scope=Scope(store=store_name))
        after_sales = after_sales_due(store, store_name=store_name, now=now,
                                      zone=ZoneInfo(config.store(store_name).timezone)).lines()
        cases_due = sum(1 for f in due_follow_ups(store, now=now) if f.store == store_name)
    share = "no answered messages" if week.within_24h_share is None else f"{week.within_24h_share:.0%} within 24 h"
    lines = [f"{len(clocks)} threads waiting for an answer, {overdue} past Amazon's deadline",
             f"last 7 days: {week.measured} messages measured, {share}"]
    if cases_due:
        lines.append(f"{cases_due} Seller Support cases due for a follow-up (sellerdesk cases list --due)")
    soonest = sorted(clocks, key=lambda c: c.deadline)[:10]
    lines += [f"thread {c.thread_id}: due {c.deadline.isoformat()}" for c in soonest]
    return lines + after_sales


def deliver_by_config(config: Config, *, webhooks: HttpWebhookSender | None = None) -> Deliver:
    """The default delivery: webhooks by httpx, e-mail through the store's mailbox SMTP settings."""
    poster = webhooks or HttpWebhookSender()

    def deliver(channel: Channel, store_name: str, title: str, lines: Sequence[str]) -> None:
        if channel.kind == "webhook":
            assert channel.url is not None
            poster.post(channel.url, webhook_payload(channel.format, title=title, lines=lines), label=channel.name)
            return
        mailbox = next((m for m in config.mailboxes if m.store == store_name and m.from_address), None)
        if mailbox is None:
            raise ConfigError(f"store {store_name} has no mailbox with from_address to send reminder e-mails from")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = mailbox.from_address, ", ".join(channel.email_to), title
        mail.set_content("\n".join(lines))
        with SmtpMailSender.for_mailbox(mailbox) as sender:
            sender.send(mail)

    return deliver


def reminders_job(db: Database, config: Config, *, report: Callable[[dict[str, Any]], None],
                  clock: Callable[[], datetime] | None = None, deliver: Deliver | None = None) -> Callable[[], None]:
    """The background job for a :class:`~sellerdesk.services.jobs.JobRunner` (e.g. every minute)."""
    now_of = clock or (lambda: datetime.now(UTC))
    settings = reminder_settings(config)

    def job() -> None:
        for result in send_reminders(db, config, now=now_of(), settings=settings, deliver=deliver):
            report(result)

    return job
