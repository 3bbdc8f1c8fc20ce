"""Wording checks of messages to Seller Support (kind ``case``): emotion, vague requests, undated evidence.

These add to the compliance guard's ``shouting`` and ``case_missing_element`` rules (same names, so a
store's settings for those rules apply): emotional wording reads like shouting to the person handling
the case; a request with nothing to look up ("my account has a problem") and evidence without a time
both lack an element the case needs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.cases import ASIN, ORDER_ID
from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import WARN, Finding, Rule

EMOTIONAL = re.compile(
    r"\b(?:unacceptable|ridiculous|outrageous|disgusting|pathetic|absurd|insane|furious|angry|fed up|sick of"
    r"|frustrat(?:ed|ing)|terrible|horrible|awful|worst|incompetent|useless|scam(?:med)?|robbery|stealing"
    r"|theft|desperate|begging|i beg you|killing my business|ruin(?:ing|ed)? my business|how dare you"
    r"|shame on|lawyer|lawsuit|sue you|legal action|this is a joke|last chance)\b",
    re.IGNORECASE)

VAGUE = re.compile(
    r"\b(?:my (?:account|listing|store|shop|product)s? (?:has|have) (?:a |an |some )?(?:problem|issue)s?"
    r"|something is wrong|something went wrong|(?:it|this|nothing) (?:does ?n[o']t|is not|isn't) work(?:ing)?"
    r"|please (?:fix|check|look at) (?:it|this|my account|everything)|fix (?:it|this) (?:now|asap|please)"
    r"|what is going on|what'?s going on|please help(?: me)?|i need help)\b",
    re.IGNORECASE)

SHIPMENT_ID = re.compile(r"\bFBA[0-9A-Z]{8,10}\b")
ERROR_CODE = re.compile(r"\b(?:error|code)\s*(?:code)?\s*[:#]?\s*[A-Z]?\d{3,6}\b", re.IGNORECASE)

EVIDENCE_FILE = re.compile(
    r"[\w.\-]+\.(?:png|jpe?g|gif|pdf|csv|xlsx?|docx?|txt|heic|webp|mp4|mov)\b", re.IGNORECASE)
"""A named evidence file; a bare "screenshot attached" is left to the attachment's own name."""
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{8}[_T-]?\d{0,6}|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}:\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}\b"
    r"|\b\d{1,2} (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE)


def find_emotional_wording(draft: Draft) -> Iterator[Finding]:
    """Angry, pleading or threatening words, which slow a case down rather than speed it up."""
    for match in EMOTIONAL.finditer(draft.text):
        yield draft.finding(
            "shouting", WARN, match.span(),
            explanation=f"\"{match.group(0)}\" is emotional wording; Seller Support answers facts, and angry or "
                        "pleading messages are routed and read later.",
            suggestion="Replace it with the fact behind it: what happened, when, the IDs, and the loss.")


def find_vague_requests(draft: Draft) -> Iterator[Finding]:
    """A request with nothing to look up: no order ID, ASIN, shipment ID or error code in the whole text."""
    text = draft.text
    if any(pattern.search(text) for pattern in (ORDER_ID, ASIN, SHIPMENT_ID, ERROR_CODE)):
        return
    for match in VAGUE.finditer(text):
        yield draft.finding(
            "case_missing_element", WARN, match.span(),
            explanation=f"\"{match.group(0)}\" does not say what is wrong or what to do, and the message names "
                        "no order, ASIN, shipment or error code; such cases are bounced back for details.",
            suggestion="Say in one sentence what Seller Support should do, and name the order ID, ASIN, "
                       "shipment ID or error code concerned.")


def find_undated_evidence(draft: Draft) -> Iterator[Finding]:
    """Evidence files named without a date or time on the same line, and attachments without either."""
    text = draft.text
    for match in EVIDENCE_FILE.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start: len(text) if line_end < 0 else line_end]
        if TIMESTAMP.search(line):
            continue
        yield draft.finding(
            "case_missing_element", WARN, match.span(),
            explanation=f"The evidence \"{match.group(0)}\" has no date or time; Seller Support needs to know "
                        "when it was taken to match it with their records.",
            suggestion="Add when it was taken, e.g. \"invoice.pdf (2026-11-18 09:30 PST)\".")
    for attachment in draft.context.attachments:
        if not TIMESTAMP.search(attachment.filename) and attachment.filename not in text:
            yield draft.finding(
                "case_missing_element", WARN, None,
                explanation=f"The attached file {attachment.filename!r} has no date or time in its name and the "
                            "text does not say when it was taken.",
                suggestion=f"List it in the text with its time, e.g. \"{attachment.filename} (2026-11-18 09:30 "
                           "PST)\".")


def _case(kind: str) -> bool:
    return kind == "case"


RULES = (
    Rule("shouting", WARN, _case, find_emotional_wording, "emotional wording in a case"),
    Rule("case_missing_element", WARN, _case, find_vague_requests, "a vague case request"),
    Rule("case_missing_element", WARN, _case, find_undated_evidence, "case evidence without a date or time"),
)
