"""The compliance guard: checks an outgoing message against Amazon's communication rules.

Pure: no clock, files or network. Time, history and per-store settings come in as arguments.

    >>> from sellerdesk.core.compliance import check
    >>> check("Write to me at shop@example.com").verdict
    'block'

Every rule of contracts.md §2 lives in one module per family (``contacts``, ``reviews``,
``marketing``, ``placeholders``, ``format``, ``context``, ``cases``, ``case_wording``); each is a :class:`Rule`
(data) with a small finder function, collected in :data:`RULES`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sellerdesk.core.compliance import (
    case_wording,
    cases,
    contacts,
    context,
    format,
    marketing,
    placeholders,
    reviews,
)
from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import (
    BLOCK,
    INFO,
    KINDS,
    WARN,
    Attachment,
    CheckContext,
    CheckResult,
    Finding,
    HistoryMessage,
    Rule,
    verdict_of,
)
from sellerdesk.core.compliance.scanner import Scanner
from sellerdesk.core.compliance.settings import SETTING_KEYS, RuleSettings, parse_rule_settings
from sellerdesk.errors import InputError

RULES: tuple[Rule, ...] = (
    *contacts.RULES,
    *reviews.RULES,
    *marketing.RULES,
    *placeholders.RULES,
    *format.RULES,
    *context.RULES,
    *cases.RULES,
    *case_wording.RULES,
)
"""Every rule, in the order of contracts.md §2's table."""

RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)

SCANNER = Scanner({**contacts.TRIGGERS, **reviews.TRIGGERS, **marketing.TRIGGERS, **placeholders.TRIGGERS,
                   **format.TRIGGERS})
"""The one Aho-Corasick pass that tells each rule family where to look."""

_DEFAULT_CONTEXT = CheckContext()
_DEFAULT_SETTINGS = RuleSettings()


def validate_kind(kind: str) -> str:
    """Return *kind* if it is a known message kind, else raise :class:`InputError` naming the choices."""
    if kind in KINDS or (kind.startswith("api:") and len(kind) > 4):
        return kind
    raise InputError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)} or api:<messageType>")


def check(text: str, *, kind: str = "reply", context: CheckContext | None = None,
          settings: RuleSettings | None = None, rules: tuple[str, ...] | None = None) -> CheckResult:
    """Check one outgoing message against every rule of contracts.md §2.

    Args:
        text: the message body as it will be sent.
        kind: ``reply``, ``proactive``, ``review_request``, ``case`` or ``api:<messageType>``.
        context: subject, marketplace, order, times, history and attachments (all optional).
        settings: the store's tuning (allowed domains, phone lines, near-duplicate window...).
        rules: only run these rules (default: all not disabled in *settings*).

    Returns:
        The verdict (``block`` if any finding blocks, else ``warn`` if any warns, else ``pass``)
        and the findings in text order. A blocked draft is a returned value, not an exception.

    Raises:
        InputError: *text* is not a string or *kind* is unknown.
    """
    if not isinstance(text, str):
        raise InputError(f"text must be a string, got {type(text).__name__}")
    validate_kind(kind)
    context = context or _DEFAULT_CONTEXT
    settings = settings or _DEFAULT_SETTINGS
    draft = Draft(text, kind=kind, context=context, settings=settings, scanner=SCANNER)
    findings: list[Finding] = []
    only = None if rules is None else frozenset(rules)
    for rule in _active_rules(kind, settings.disabled_rules, only):
        severity = settings.severities.get(rule.name) if settings.severities else None
        for finding in rule.find(draft):
            if finding.start is not None and finding.end is not None \
                    and settings.allowed_phrases and draft.allowed(finding.start, finding.end):
                continue
            if severity is not None:
                finding = Finding(finding.rule, severity, finding.start, finding.end, finding.excerpt,
                                  finding.explanation, finding.suggestion)
            findings.append(finding)
    findings.sort(key=lambda f: (f.start is None, f.start or 0, RULE_NAMES.index(f.rule)))
    return CheckResult(verdict_of(findings), findings)


_TEMPLATE_VARIABLE = re.compile(r"\{\{?\s*[A-Za-z_][A-Za-z0-9_]*\s*\}?\}")


def check_template(text: str, *, subject: str | None = None, settings: RuleSettings | None = None) -> CheckResult:
    """Check a reply template when it is saved: every rule except that ``{variables}`` are expected.

    Stand-ins such as ``[Name]``, ``___`` or ``XXXX`` are still reported: a template should use its
    variables, which the drafting step fills in. Rules that need a real send (history, timing) do not
    apply.
    """
    rules = tuple(name for name in RULE_NAMES if name not in _SEND_ONLY)
    result = check(text, context=CheckContext(subject=subject), settings=settings, rules=rules)
    kept = [f for f in result.findings
            if not (f.rule == "unfilled_placeholder" and _TEMPLATE_VARIABLE.fullmatch(f.excerpt))]
    return CheckResult(verdict_of(kept), kept)


_SEND_ONLY = frozenset({"near_duplicate", "repeat_review_request", "auto_reply_timing", "wrong_language"})


@lru_cache(maxsize=256)
def _active_rules(kind: str, disabled: frozenset[str], only: frozenset[str] | None) -> tuple[Rule, ...]:
    # Worked out once per combination rather than rule by rule for every message.
    return tuple(rule for rule in RULES
                 if rule.kinds(kind) and rule.name not in disabled and (only is None or rule.name in only))


def context_from_mapping(record: Mapping[str, Any]) -> CheckContext:
    """Build a :class:`CheckContext` from a JSON object of ``sellerdesk check`` (contracts §3)."""
    from sellerdesk.core.compliance.records import context_from_record

    return context_from_record(record)


__all__ = [
    "BLOCK",
    "INFO",
    "RULES",
    "RULE_NAMES",
    "SETTING_KEYS",
    "WARN",
    "Attachment",
    "CheckContext",
    "CheckResult",
    "Finding",
    "HistoryMessage",
    "Rule",
    "RuleSettings",
    "check",
    "check_template",
    "context_from_mapping",
    "parse_rule_settings",
    "validate_kind",
]
