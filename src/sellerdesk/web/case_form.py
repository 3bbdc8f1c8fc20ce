"""The case composer's HTML form: one field per fact of a topic, read back into the case form of JSON.

Each fact's shape (:mod:`sellerdesk.core.case_topics`) decides its field: text, a date, a whole
number, an amount with its currency, a list (separated by commas or new lines) or the evidence
(one file per line, ``name | when it was taken``). Values are passed on as typed; the case
composer checks them and names a malformed one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sellerdesk.core.case_topics import EVIDENCE, LIST, MONEY, NUMBER, Topic
from sellerdesk.web.i18n import _

_SEPARATORS = re.compile(r"[,;\n]+")


def read_case_form(topic: Topic, fields: Mapping[str, str]) -> dict[str, Any]:
    """The case form of *topic* from the submitted *fields* (empty fields are left out)."""
    form: dict[str, Any] = {}
    for fact in topic.facts:
        if fact.shape == MONEY:
            amount = fields.get(f"{fact.key}_amount", "").strip()
            if amount:
                form[fact.key] = {"amount": amount, "currency": fields.get(f"{fact.key}_currency", "").strip()}
            continue
        raw = fields.get(fact.key, "").strip()
        if not raw:
            continue
        if fact.shape == LIST:
            form[fact.key] = [item.strip() for item in _SEPARATORS.split(raw) if item.strip()]
        elif fact.shape == NUMBER:
            form[fact.key] = int(raw) if raw.isdigit() else raw  # not a number: the composer names the field
        elif fact.shape == EVIDENCE:
            form[fact.key] = [_evidence(line) for line in raw.splitlines() if line.strip()]
        else:
            form[fact.key] = raw
    return form


def _evidence(line: str) -> dict[str, str] | str:
    name, _bar, when = line.partition("|")
    return {"file": name.strip(), "taken_at": when.strip()} if when.strip() else name.strip()


TOPIC_TITLES = (
    _("Listing or ASIN blocked"), _("Account health appeal (plan of action)"),
    _("Lost or damaged FBA inventory reimbursement"), _("Fee or storage-charge dispute"), _("Lost Buy Box"),
    _("Invalid tracking or late shipment"), _("Other"),
)
FACT_LABELS = (
    _("Request"), _("Order ID(s)"), _("ASIN(s)"), _("Shipment ID(s)"), _("Error code"), _("Error message"),
    _("What happened"), _("Date"), _("Units"), _("Estimated loss"), _("Fee"), _("Tracking number(s)"), _("Carrier"),
    _("Evidence"), _("Root cause"), _("Fix done"), _("Prevention"), _("Policy"), _("Related case(s)"),
)
"""The topics' and facts' names as the UI shows them (marked here for the catalogue)."""
CASE_STATUS_LABELS = {
    "open": _("Open"), "waiting_on_amazon": _("Waiting on Amazon"), "waiting_on_seller": _("Waiting on us"),
    "transferred": _("Moved to another case"), "resolved": _("Resolved"), "closed": _("Closed"),
}
"""A case status as the UI shows it."""
