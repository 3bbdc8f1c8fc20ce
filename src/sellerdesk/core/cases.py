"""Messages to Amazon Seller Support: read a case form, compose the subject and text, advise on timing.

Pure: the policy catalogue comes in already decoded and the current time as an argument. A form that
lacks a fact its topic needs still composes (the line is left out) and yields a
``case_missing_element`` finding naming the fact; the composed text then goes through the compliance
guard (kind ``case``), whose findings are added.

    >>> from datetime import datetime, UTC
    >>> case = compose_case("lost_buy_box", {"request": "Please review why ASIN B0C1234567 lost the Buy Box."},
    ...                     now=datetime(2026, 11, 23, 17, 0, tzinfo=UTC))
    >>> [f.excerpt for f in case.findings if f.rule == "case_missing_element"][:1]
    ['ASIN(s)']
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from sellerdesk.core.case_topics import DATE, EVIDENCE, LIST, MONEY, NUMBER, TOPIC_KEYS, TOPICS, Fact, Topic
from sellerdesk.core.compliance import CheckContext, Finding, check
from sellerdesk.core.compliance.findings import WARN, verdict_of
from sellerdesk.core.compliance.records import parse_time
from sellerdesk.errors import InputError

SEATTLE = ZoneInfo("America/Los_Angeles")
MORNING = (time(8, 0), time(12, 0))
"""Seattle-time hours in which Seller Support's US teams start on the day's queue."""


@dataclass(frozen=True)
class Policy:
    """A policy the seller cites, from the catalogue they maintain: title, Amazon's ID, link."""

    id: str
    title: str
    link: str


@dataclass(frozen=True)
class Evidence:
    """A file attached to a case and when it was taken (screenshots, invoices, proof of delivery)."""

    file: str
    taken_at: datetime | None


@dataclass(frozen=True)
class ComposedCase:
    """A composed message to Seller Support: its subject and text, the findings and the timing advice."""

    topic: str
    subject: str
    text: str
    findings: list[Finding]
    advice: str
    references: tuple[str, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """``block``, ``warn`` or ``pass`` over all findings."""
        return verdict_of(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The case as ``sellerdesk cases new`` prints it."""
        return {"topic": self.topic, "subject": self.subject, "text": self.text, "verdict": self.verdict,
                "findings": [f.to_dict() for f in self.findings], "timing": self.advice,
                "references": list(self.references)}


def topic_of(key: str) -> Topic:
    """The topic called *key*; :class:`InputError` naming the choices otherwise."""
    try:
        return TOPICS[key]
    except KeyError:
        raise InputError(f"unknown case topic {key!r}; use one of {', '.join(TOPIC_KEYS)}") from None


def parse_policy_catalogue(data: Mapping[str, Any], *, source: str = "<policies>") -> dict[str, Policy]:
    """Read a decoded catalogue ``{"policies": [{"id", "title", "link"}, ...]}`` into policies by ID.

    Raises:
        InputError: an entry lacks a field or repeats an ID (the message names the entry).
    """
    entries = data.get("policies", [])
    if not isinstance(entries, list):
        raise InputError(f"{source}: 'policies' must be a list of tables with id, title and link")
    catalogue: dict[str, Policy] = {}
    for index, entry in enumerate(entries):
        values = [entry.get(name) if isinstance(entry, Mapping) else None for name in ("id", "title", "link")]
        if not all(isinstance(value, str) and value.strip() for value in values):
            raise InputError(f"{source}: policies[{index}] needs the strings id, title and link")
        policy = Policy(*(str(value).strip() for value in values))
        if policy.id in catalogue:
            raise InputError(f"{source}: policy id {policy.id!r} appears twice; keep one entry")
        catalogue[policy.id] = policy
    return catalogue


def parse_form(topic: Topic, form: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values by fact key, checked for shape; empty values are dropped.

    Raises:
        InputError: a key the topic does not know, or a value of the wrong shape (the message names it).
    """
    if not isinstance(form, Mapping):
        raise InputError("the case form must be a JSON object of facts, e.g. {\"request\": \"...\"}")
    known = {fact.key: fact for fact in topic.facts}
    values: dict[str, Any] = {}
    for key, raw in form.items():
        if key not in known:
            raise InputError(f"form field {key!r} is not a fact of topic {topic.key!r}; "
                             f"use {', '.join(known)}")
        value = _read(known[key], raw)
        if value not in (None, "", [], ()):
            values[key] = value
    return values


def _read(fact: Fact, raw: Any) -> Any:
    where = f"form field {fact.key!r}"
    if raw is None:
        return None
    if fact.shape == LIST:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise InputError(f"{where} must be a list of strings: {fact.hint}")
        return tuple(item.strip() for item in items if item.strip())
    if fact.shape == NUMBER:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise InputError(f"{where} must be a whole number: {fact.hint}")
        return raw
    if fact.shape == MONEY:
        return _money(raw, where, fact)
    if fact.shape == EVIDENCE:
        if not isinstance(raw, list):
            raise InputError(f"{where} must be a list: {fact.hint}")
        return tuple(_evidence(item, f"{where}[{index}]") for index, item in enumerate(raw))
    if not isinstance(raw, str):
        raise InputError(f"{where} must be a string: {fact.hint}")
    if fact.shape == DATE and raw.strip():
        try:
            datetime.fromisoformat(raw.strip())
        except ValueError:
            raise InputError(f"{where}: {raw!r} is not a date; write e.g. \"2026-11-18\"") from None
    return raw.strip()


def _money(raw: Any, where: str, fact: Fact) -> tuple[Decimal, str]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("currency"), str) \
            or len(raw["currency"].strip()) != 3 or isinstance(raw.get("amount"), bool):
        raise InputError(f"{where} must be an object with amount and a three-letter currency: {fact.hint}")
    try:
        amount = Decimal(str(raw.get("amount")))
    except InvalidOperation:
        raise InputError(f"{where}: amount {raw.get('amount')!r} is not a number; write e.g. \"412.80\"") from None
    if not amount.is_finite() or amount < 0:
        raise InputError(f"{where}: amount must be zero or more")
    return amount, raw["currency"].strip().upper()


def _evidence(item: Any, where: str) -> Evidence:
    if isinstance(item, str):
        return Evidence(item.strip(), None)
    if not isinstance(item, Mapping) or not isinstance(item.get("file"), str) or not item["file"].strip():
        raise InputError(f"{where} must be {{\"file\": \"name.pdf\", \"taken_at\": \"ISO 8601\"}}")
    return Evidence(item["file"].strip(), parse_time(item.get("taken_at"), f"{where}.taken_at"))


def format_money(value: tuple[Decimal, str]) -> str:
    """``USD 1,234.50``: the currency code, then the amount with two decimals."""
    amount, currency = value
    return f"{currency} {amount.quantize(Decimal('0.01')):,}"


def compose_subject(topic: Topic, values: Mapping[str, Any], *, policy: Policy | None = None) -> str:
    """The subject line: ``[Action Required]`` and the estimated loss for money topics, the main reference,
    and the cited policy's title."""
    parts = [topic.title]
    for key in ("shipment_ids", "asins", "order_ids"):
        if values.get(key):
            extra = f" (+{len(values[key]) - 1})" if len(values[key]) > 1 else ""
            parts.append(f"{topic.fact(key).label.split('(')[0].strip()} {values[key][0]}{extra}")
            break
    if topic.money and values.get("estimated_loss"):
        parts.append(f"estimated loss {format_money(values['estimated_loss'])}")
    if policy is not None:
        parts.append(policy.title)
    subject = " - ".join(parts)
    return f"[Action Required] {subject}" if topic.money else subject


def render_text(topic: Topic, values: Mapping[str, Any], *, policy: Policy | None = None) -> str:
    """The case text: the request in one sentence, the facts, the evidence list, the fix and the prevention.

    Appeals follow fact, evidence, remediation, prevention. Facts that are missing are left out.
    """
    blocks = ["Hello Seller Support,", values.get("request", "")]
    facts = [f"- {fact.label}: {_plain(values[fact.key])}" for fact in topic.facts
             if fact.key in values and fact.shape != EVIDENCE
             and fact.key not in ("request", "details", "root_cause", "fix", "prevention", "policy")]
    story = values.get("root_cause") or values.get("details")
    if topic.appeal:
        blocks += [_section("Root cause", story), _section("Facts", "\n".join(facts))]
    else:
        blocks += [_section("Facts", "\n".join(filter(None, ["\n".join(facts), story])))]
    blocks.append(_section("Evidence (attached)", "\n".join(_evidence_line(e) for e in values.get("evidence", ()))))
    blocks.append(_section("Corrective action taken" if topic.appeal else "What we have already done",
                           values.get("fix")))
    blocks.append(_section("Preventive measures", values.get("prevention")))
    if policy is not None:
        blocks.append(_section("Policy", f"{policy.title} ({policy.id}): {policy.link}"))
    blocks.append("Thank you for your help.")
    return "\n\n".join(block for block in blocks if block)


def _section(title: str, body: str | None) -> str:
    return f"{title}:\n{body}" if body else ""


def _plain(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], Decimal):
        return format_money(value)
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def _evidence_line(evidence: Evidence) -> str:
    when = f"{evidence.taken_at:%Y-%m-%d %H:%M UTC%z}" if evidence.taken_at else "time not given"
    return f"- {evidence.file} ({when})"


def form_findings(topic: Topic, values: Mapping[str, Any]) -> list[Finding]:
    """``case_missing_element`` warnings: each required fact the form lacks (the guard finds undated evidence)."""
    return [Finding("case_missing_element", WARN, None, None, fact.label,
                    f"A {topic.title.lower()} case needs the {fact.label.lower()}; without it Seller Support "
                    "asks for it and the case waits.",
                    f"Add form field {fact.key!r}: {fact.hint}.")
            for fact in topic.facts if fact.key in topic.required and fact.key not in values]


def references_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    """The case's references for duplicate detection: ``asin:B0...``, ``order:...``, ``shipment:...``."""
    prefixes = {"asins": "asin", "order_ids": "order", "shipment_ids": "shipment"}
    return tuple(sorted({f"{prefix}:{item.upper()}" for key, prefix in prefixes.items()
                         for item in values.get(key, ())}))


def compose_case(topic_key: str, form: Mapping[str, Any], *, now: datetime,
                 policies: Mapping[str, Policy] | None = None, sent_by_person: bool = True,
                 holidays: Collection[date] = ()) -> ComposedCase:
    """Compose a case from a form: subject, text, form and compliance findings, and the timing advice.

    Args:
        topic_key: one of :data:`~sellerdesk.core.case_topics.TOPIC_KEYS`.
        form: the facts by key (see the topic's facts), as decoded from JSON.
        now: the current time (timezone-aware), for the timing advice.
        policies: the seller's policy catalogue; ``form["policy"]`` must name one of its IDs.
        sent_by_person: False when a rule sends it (the guard then treats it as automatic).
        holidays: US public holidays (Seller Support's US teams are off) for the timing advice.

    Raises:
        InputError: unknown topic, a malformed form field, or a policy ID not in the catalogue.
    """
    topic = topic_of(topic_key)
    values = parse_form(topic, form)
    policy = None
    if "policy" in values:
        policy = (policies or {}).get(values["policy"])
        if policy is None:
            raise InputError(f"policy {values['policy']!r} is not in your policy catalogue; add it there "
                             "(id, title, link from Seller Central Help) or leave 'policy' out")
    subject = compose_subject(topic, values, policy=policy)
    text = render_text(topic, values, policy=policy)
    guard = check(text, kind="case", context=CheckContext(subject=subject, replied_at=now,
                                                          automatic=not sent_by_person))
    # The guard guesses the needed elements from keywords; with the topic known, the form's findings replace
    # those whole-message guesses (an FBA shipment case needs no order ID, whatever the word "shipment" suggests).
    kept = [f for f in guard.findings if not (f.rule == "case_missing_element" and f.start is None)]
    findings = form_findings(topic, values) + kept
    return ComposedCase(topic.key, subject, text, findings, send_time_advice(now, holidays=holidays),
                        references_of(values), values)


def _working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def send_time_advice(now: datetime, *, holidays: Collection[date] = ()) -> str:
    """Advice on when to send: a working-day morning in Seattle (DST-aware); it never blocks sending.

    Args:
        now: the current time (timezone-aware).
        holidays: days (Seattle dates) that are not working days, e.g. US public holidays.
    """
    local = now.astimezone(SEATTLE)
    if _working_day(local.date(), holidays) and MORNING[0] <= local.time() < MORNING[1]:
        return f"Good time to send: {local:%A %H:%M} in Seattle, a working-day morning."
    best = next_morning(now, holidays=holidays)
    holiday = " (a US public holiday)" if local.date() in holidays else ""
    return (f"It is {local:%A %H:%M} in Seattle{holiday}; cases sent on a working-day morning there are picked up "
            f"sooner. Next such morning starts {best:%A %Y-%m-%d %H:%M %Z} ({best.astimezone(now.tzinfo):%H:%M} "
            "your time). You can still send now.")


def next_morning(now: datetime, *, holidays: Collection[date] = ()) -> datetime:
    """The start of the next working-day morning in Seattle after *now* (timezone-aware, Seattle time).

    Weekends and the *holidays* (Seattle dates) are skipped.
    """
    local = now.astimezone(SEATTLE)
    day = local.date() if local.time() < MORNING[0] else local.date() + timedelta(days=1)
    while not _working_day(day, holidays):
        day += timedelta(days=1)
    return datetime.combine(day, MORNING[0], tzinfo=SEATTLE)


def summarise_history(chain: Sequence[Mapping[str, Any]]) -> str:
    """A restatement of a case's history for the next message, when it moved between teams.

    *chain* lists the linked cases oldest first, each ``{"case_id", "topic", "status", "opened_at",
    "events": [{"at", "kind", "detail"}]}``.
    """
    if not chain:
        return ""
    ids = ", ".join(str(case["case_id"]) for case in chain)
    lines = [f"This request has been handled under case ID(s) {ids}; here is what happened so far."]
    for case in chain:
        title = TOPICS[case["topic"]].title if case["topic"] in TOPICS else case["topic"]
        lines.append(f"- Case {case['case_id']} ({title}), opened {case['opened_at']:%Y-%m-%d}, "
                     f"now {str(case['status']).replace('_', ' ')}.")
        for event in case.get("events", ()):
            if event.get("detail"):
                lines.append(f"  - {event['at']:%Y-%m-%d}: {event['detail']}")
    lines.append(f"Please see case {chain[-1]['case_id']} as the current one and the earlier cases for the evidence "
                 "already sent.")
    return "\n".join(lines)
