"""The Seller Support case tracker: compose and record cases, link them, follow them up, summarise them.

Functions take the caller's transaction (:class:`~sellerdesk.adapters.db.store.SqlStore`); the
shells open it. A case is found by Amazon's case ID or by the tracker's own number. Opening a case on
the same topic and ASIN, order or shipment as a case still open gives a duplicate warning (Amazon asks
for one case per issue), never a refusal.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Case, CaseEvent, CaseLink, Store
from sellerdesk.config import Config
from sellerdesk.core.case_topics import TOPICS
from sellerdesk.core.cases import Policy, compose_case, parse_policy_catalogue, summarise_history
from sellerdesk.errors import ConfigError, InputError, NotFoundError
from sellerdesk.services.calendar import public_holidays

STATUSES = ("open", "waiting_on_amazon", "waiting_on_seller", "transferred", "resolved", "closed")
"""A case's statuses; ``transferred`` is set on a case that moved to another team under a new case."""
FINISHED = frozenset({"transferred", "resolved", "closed"})
FOLLOW_UP = timedelta(days=2)
"""When to look again at a case that waits on Amazon (Seller Support answers most cases within a day or two);
``case_follow_up_days`` in the configuration changes it."""
SELLER_SUPPORT_HOLIDAYS = "US"
"""Seller Support's US teams are off on US public holidays (the timing advice skips them)."""


def follow_up_interval(config: Config) -> timedelta:
    """How long after opening or a status change a case is due for a follow-up (``case_follow_up_days``).

    Raises:
        ConfigError: the setting is not a whole number of days from 1 to 60.
    """
    days = config.case_follow_up_days
    if not 1 <= days <= 60:
        raise ConfigError(f"case_follow_up_days in {config.source} is {days}; use a number of days from 1 to 60")
    return timedelta(days=days)


def us_holidays(now: datetime) -> frozenset[date]:
    """US public holidays of the year of *now* and the next (the timing advice looks a few days ahead)."""
    found, _ = public_holidays(SELLER_SUPPORT_HOLIDAYS, years=(now.year, now.year + 1))
    return found


def load_policies(config: Config) -> dict[str, Policy]:
    """The policy catalogue named by ``case_policies`` (a TOML file); empty when the key is unset.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or an entry lacks id, title or link.
    """
    path = config.case_policies
    if not path:
        return {}
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        return parse_policy_catalogue(data, source=str(path))
    except OSError as exc:
        raise ConfigError(f"case_policies: cannot read {path}: {exc.strerror}; fix the path in "
                          f"{config.source}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"case_policies: {path} is not valid TOML: {exc}") from exc
    except InputError as exc:
        raise ConfigError(str(exc)) from exc


def compose(store: SqlStore, *, config: Config, topic: str, form: Mapping[str, Any], now: datetime,
            store_name: str | None = None) -> dict[str, Any]:
    """Compose a case and look for open duplicates; nothing is written.

    Returns the composed case (``subject``, ``text``, ``verdict``, ``findings``, ``timing``,
    ``references``) with ``duplicates``: the open cases on the same topic sharing a reference.
    """
    composed = compose_case(topic, form, now=now, policies=load_policies(config), holidays=us_holidays(now))
    known = store.find_store(store_name) if store_name else None
    store_id = known.id if known is not None else None
    record = composed.to_dict()
    record["duplicates"] = [_brief(case) for case in find_duplicates(
        store, topic=topic, references=composed.references, store_id=store_id)]
    if record["duplicates"]:
        ids = ", ".join(str(d["case_id"] or f"#{d['id']}") for d in record["duplicates"])
        record["duplicate_warning"] = (f"An open case on the same topic and reference exists ({ids}); add to it "
                                       "instead of opening another, or link the new one to it.")
    return record


def open_case(store: SqlStore, *, config: Config, topic: str, form: Mapping[str, Any], now: datetime, actor: str,
              amazon_case_id: str | None = None, store_name: str | None = None) -> dict[str, Any]:
    """Compose a case and record it in the tracker (status ``open``, follow-up after :func:`follow_up_interval`).

    Returns what :func:`compose` returns plus ``id``, the tracker's number of the case.

    Raises:
        InputError: a malformed form, an unknown topic or policy, or an Amazon case ID already tracked.
    """
    record = compose(store, config=config, topic=topic, form=form, now=now, store_name=store_name)
    if amazon_case_id and _find(store, amazon_case_id) is not None:
        raise InputError(f"case ID {amazon_case_id} is already tracked; see `sellerdesk cases show {amazon_case_id}`")
    case = Case(store_id=_store_id(store, store_name, now), amazon_case_id=amazon_case_id or None, topic=topic,
                subject=record["subject"], text=record["text"], status="open", refs=list(record["references"]),
                opened_by=actor, opened_at=now, updated_at=now,
                follow_up_at=now + follow_up_interval(config))
    store.session.add(case)
    store.session.flush()
    _event(store, case, "opened", now=now, actor=actor, status="open",
           detail=f"Opened: {record['subject']}")
    record["id"] = case.id
    record["case_id"] = case.amazon_case_id
    return record


def find_duplicates(store: SqlStore, *, topic: str, references: tuple[str, ...] | list[str],
                    store_id: int | None = None) -> list[Case]:
    """Open cases (not transferred, resolved or closed) on *topic* sharing at least one of *references*."""
    if not references:
        return []
    wanted = set(references)
    query = select(Case).where(Case.topic == topic, Case.status.not_in(FINISHED)).order_by(Case.id)
    if store_id is not None:
        query = query.where(or_(Case.store_id == store_id, Case.store_id.is_(None)))
    return [case for case in store.session.scalars(query) if wanted & set(case.refs or ())]


def set_status(store: SqlStore, *, case: str, status: str, now: datetime, actor: str,
               note: str | None = None, amazon_case_id: str | None = None,
               follow_up: timedelta = FOLLOW_UP) -> dict[str, Any]:
    """Change a case's status (and record Amazon's case ID if it was not known); the follow-up is due
    *follow_up* later (:func:`follow_up_interval`), none once the case is finished.

    Raises:
        InputError: an unknown status.  NotFoundError: no such case.
    """
    if status not in STATUSES:
        raise InputError(f"unknown case status {status!r}; use one of {', '.join(STATUSES)}")
    row = get_case(store, case)
    before = row.status
    row.status = status
    row.updated_at = now
    row.follow_up_at = None if status in FINISHED else now + follow_up
    if amazon_case_id:
        row.amazon_case_id = amazon_case_id
    _event(store, row, "status", now=now, actor=actor, status=status,
           detail=note or f"Status {before.replace('_', ' ')} -> {status.replace('_', ' ')}.")
    return _brief(row)


def link(store: SqlStore, *, from_case: str, to_case: str, reason: str, now: datetime, actor: str) -> dict[str, Any]:
    """Record that *from_case* moved to another team as *to_case*; the older case becomes ``transferred``.

    Raises:
        InputError: the two are the same case or already in one chain.  NotFoundError: no such case.
    """
    older, newer = get_case(store, from_case), get_case(store, to_case)
    if newer.id in {c.id for c in chain(store, older)}:
        raise InputError(f"case {to_case} is already in the chain of case {from_case}; link a case only once")
    store.session.add(CaseLink(from_id=older.id, to_id=newer.id, reason=reason, at=now))
    older.status, older.updated_at, older.follow_up_at = "transferred", now, None
    _event(store, older, "link", now=now, actor=actor, status="transferred",
           detail=f"Moved to case {_label(newer)}: {reason}")
    _event(store, newer, "link", now=now, actor=actor, status=None,
           detail=f"Continues case {_label(older)}: {reason}")
    return {"from": _brief(older), "to": _brief(newer), "reason": reason}


def chain(store: SqlStore, case: Case) -> list[Case]:
    """The linked cases from the first to the last, through *case* (following moves both ways)."""
    seen = {case.id}
    before: list[Case] = []
    current = case
    while (previous := store.session.scalars(
            select(Case).join(CaseLink, CaseLink.from_id == Case.id).where(CaseLink.to_id == current.id)
            .order_by(CaseLink.at, CaseLink.id)).first()) is not None and previous.id not in seen:
        seen.add(previous.id)
        before.insert(0, previous)
        current = previous
    after: list[Case] = []
    current = case
    while (following := store.session.scalars(
            select(Case).join(CaseLink, CaseLink.to_id == Case.id).where(CaseLink.from_id == current.id)
            .order_by(CaseLink.at, CaseLink.id)).first()) is not None and following.id not in seen:
        seen.add(following.id)
        after.append(following)
        current = following
    return [*before, case, *after]


def list_cases(store: SqlStore, *, status: str | None = None, due_at: datetime | None = None,
               store_ids: Collection[int] | None = None) -> list[dict[str, Any]]:
    """Cases, newest first; only those in *status*, or (``due_at``) those whose follow-up is due by then.

    *store_ids* limits the list to those stores' cases and the cases recorded without a store.
    """
    query = select(Case).order_by(Case.opened_at.desc(), Case.id.desc())
    if store_ids is not None:
        query = query.where(or_(Case.store_id.in_(list(store_ids)), Case.store_id.is_(None)))
    if status is not None:
        query = query.where(Case.status == status)
    if due_at is not None:
        query = query.where(Case.follow_up_at.is_not(None), Case.follow_up_at <= due_at)
    return [_brief(case) for case in store.session.scalars(query)]


@dataclass(frozen=True)
class FollowUp:
    """A case whose follow-up is due: the reminder's key (one per case and due time), its store, one line."""

    key: str
    case_id: int
    store: str | None
    line: str


def due_follow_ups(store: SqlStore, *, now: datetime) -> list[FollowUp]:
    """The unfinished cases whose follow-up is due at *now*, oldest due first.

    A status change moves the due time and so gives a new key: each due follow-up is reminded once.
    """
    query = (select(Case, Store.name).outerjoin(Store, Store.id == Case.store_id)
             .where(Case.follow_up_at.is_not(None), Case.follow_up_at <= now, Case.status.not_in(FINISHED))
             .order_by(Case.follow_up_at, Case.id))
    found = []
    for case, store_name in store.session.execute(query):
        due = case.follow_up_at
        assert due is not None  # the query's condition
        found.append(FollowUp(key=f"case:{case.id}:follow-up:{due.isoformat()}", case_id=case.id, store=store_name,
                              line=f"case {_label(case)} ({case.status.replace('_', ' ')}): follow-up due since "
                                   f"{due:%Y-%m-%d %H:%M} UTC - {case.subject}"))
    return found


def show(store: SqlStore, case: str) -> dict[str, Any]:
    """One case in full: its fields, text, events and the chain of linked cases."""
    row = get_case(store, case)
    record = _brief(row)
    record.update(text=row.text, references=list(row.refs or ()), opened_by=row.opened_by,
                  events=[_event_dict(e) for e in _events(store, row)],
                  chain=[_label(c) for c in chain(store, row)])
    return record


def summary(store: SqlStore, case: str) -> str:
    """The history of a case and the cases linked to it, restated for the next message to Seller Support."""
    row = get_case(store, case)
    return summarise_history([
        {"case_id": _label(c), "topic": c.topic, "status": c.status, "opened_at": c.opened_at,
         "events": [_event_dict(e) for e in _events(store, c)]} for c in chain(store, row)])


def get_case(store: SqlStore, case: str) -> Case:
    """The case with Amazon case ID *case*, else with tracker number *case* (``#12`` or ``12``).

    Raises:
        NotFoundError: neither exists.
    """
    found = _find(store, case)
    if found is None:
        raise NotFoundError(f"no case {case!r} in the tracker; `sellerdesk cases list` shows the cases")
    return found


def _find(store: SqlStore, case: str) -> Case | None:
    found = store.session.scalars(select(Case).where(Case.amazon_case_id == case)).first()
    number = case.removeprefix("#")
    if found is None and number.isdigit():
        found = store.session.get(Case, int(number))
    return found


def _store_id(store: SqlStore, name: str | None, now: datetime) -> int | None:
    return store.ensure_store_named(name, now=now).id if name else None


def _event(store: SqlStore, case: Case, kind: str, *, now: datetime, actor: str, status: str | None,
           detail: str) -> None:
    store.session.add(CaseEvent(case_row_id=case.id, kind=kind, status=status, detail=detail, actor=actor, at=now))
    store.session.flush()


def _events(store: SqlStore, case: Case) -> list[CaseEvent]:
    return list(store.session.scalars(select(CaseEvent).where(CaseEvent.case_row_id == case.id)
                                      .order_by(CaseEvent.at, CaseEvent.id)))


def _event_dict(event: CaseEvent) -> dict[str, Any]:
    return {"at": event.at, "kind": event.kind, "status": event.status, "detail": event.detail, "actor": event.actor}


def _label(case: Case) -> str:
    return case.amazon_case_id or f"#{case.id}"


def _brief(case: Case) -> dict[str, Any]:
    return {"id": case.id, "case_id": case.amazon_case_id, "topic": case.topic,
            "topic_title": TOPICS[case.topic].title if case.topic in TOPICS else case.topic,
            "subject": case.subject, "status": case.status, "opened_at": case.opened_at,
            "updated_at": case.updated_at, "follow_up_at": case.follow_up_at}
