"""Form rules: HTML and length for SP-API messages, attachments, emoji, shouting, "[Important]" subjects."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, WARN, Finding, Rule, any_kind, buyer_facing

API_LENGTH_LIMITS = {"confirmCustomizationDetails": 800, "digitalAccessKey": 400}
"""Characters allowed per SP-API message type; every other type takes 2000 (domain.md)."""
DEFAULT_API_LENGTH = 2000

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
BLOCKED_EXTENSIONS = frozenset({
    "exe", "bat", "cmd", "com", "scr", "pif", "js", "jse", "vbs", "vbe", "wsf", "msi", "msp", "ps1", "sh",
    "jar", "apk", "dll", "hta", "cpl", "lnk", "reg", "html", "htm", "svg", "iso", "dmg", "app",
})
BLOCKED_TYPES = ("application/x-msdownload", "application/x-msdos-program", "application/x-sh",
                 "application/javascript", "text/javascript", "application/x-executable", "text/html",
                 "application/java-archive", "application/vnd.android.package-archive")

HTML = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?\s*>|&(?:[a-zA-Z]{2,8}|#\d{2,6});")
EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\U0001F1E6-\U0001F1FF\u3030\u303D\u3297\u3299]"
    "[\uFE0F\U0001F3FB-\U0001F3FF\u200D]*"
)
_ACRONYMS = frozenset({
    "ASIN", "UPS", "USPS", "DHL", "DPD", "GLS", "FBA", "FBM", "SKU", "ID", "USB", "LED", "LCD", "XXL", "XL",
    "EU", "UK", "US", "USA", "PDF", "FAQ", "VAT", "TV", "PC", "OK", "AC", "DC", "HDMI", "GPS", "SD", "CD",
    "DVD", "EAN", "UPC", "API", "IMEI", "SIM", "HD", "UV", "NFC", "RMA", "MWST", "TVA", "IVA", "GMBH", "LLC",
    "LTD", "INC", "ETA", "QR", "AM", "PM", "I", "A", "EUR", "USD", "GBP", "JPY", "TBA", "PO", "BOX",
})
_CAPITALS = re.compile(r"[A-ZÄÖÜÀÂÇÉÈÊËÎÏÔÛÙÑ]{2,}")
_CAPS_STRETCH = re.compile(r"[A-ZÄÖÜÀÂÇÉÈÊËÎÏÔÛÙÑ]{2,}(?:[ ,.;:\-!?]+[A-ZÄÖÜÀÂÇÉÈÊËÎÏÔÛÙÑ]{2,}){2,}")
# Plain literals: the regex engine finds them by their first characters, without trying every position.
_ALARM_GATE = re.compile("URGENT|HELP|ASAP|DRINGEND|HILFE|AYUDA|AIUTO|IMPORTANT|至急|緊急|紧急|救命")
_BANG = re.compile(r"[!！]{3,}|[?？][!！][?？!！]+|[!！][?？][!！?？]+")
_ALARM = re.compile(r"\b(?:URGENT|HELP|ASAP|DRINGEND|HILFE|URGENTE|AYUDA|AIUTO|IMPORTANT)\b|至急|緊急|紧急|救命")
TRIGGERS: dict[str, tuple[str, ...]] = {
    # In the folded text "！" is "!" and "？" is "?"; every run _BANG matches holds one of these.
    "bang": ("!!", "?!", "!?"),
    "alarm": ("urgent", "help", "asap", "dringend", "hilfe", "ayuda", "aiuto", "important", "至急", "緊急", "紧急",
              "救命"),
}
"""Every shouted run or alarm word contains one of these (see :mod:`.scanner`)."""
IMPORTANT = re.compile(r"[\[【(（]\s*(?:important|wichtig|importante|importantissimo|重要|urgent|dringend)\s*[\]】)）]",
                       re.IGNORECASE)


def _api_type(kind: str) -> str | None:
    return kind[4:] if kind.startswith("api:") else None


def find_html(draft: Draft) -> Iterator[Finding]:
    """HTML tags or entities in an SP-API message, which Amazon sends as plain text."""
    if "<" not in draft.text and "&" not in draft.text:
        return
    for match in HTML.finditer(draft.text):
        yield draft.finding(
            "html_markup", BLOCK, match.span(),
            explanation="Messages sent through Amazon's SP-API must be plain text; HTML tags are refused "
                        "or shown to the buyer as code.",
            suggestion="Remove the markup and write plain text; use line breaks instead of tags.")


def find_length(draft: Draft) -> Iterator[Finding]:
    """Text longer than the SP-API message type allows (800, 400 or 2000 characters)."""
    limit = API_LENGTH_LIMITS.get(_api_type(draft.kind) or "", DEFAULT_API_LENGTH)
    if len(draft.text) > limit:
        yield draft.finding(
            "length_limit", BLOCK, (limit, len(draft.text)),
            explanation=f"This SP-API message type allows {limit} characters; the text has {len(draft.text)}.",
            suggestion=f"Shorten the text by {len(draft.text) - limit} characters: keep the facts the buyer "
                       "needs and drop greetings and repetitions.")


def find_attachments(draft: Draft) -> Iterator[Finding]:
    """Attachments over 10 MB in total, or of a type buyers' mail cannot take."""
    attachments = draft.context.attachments
    total = sum(a.size for a in attachments)
    if total > ATTACHMENT_MAX_BYTES:
        yield draft.finding(
            "attachment_limit", BLOCK, None,
            explanation=f"The attachments add up to {total / 1048576:.1f} MB; Amazon accepts at most 10 MB "
                        "per message.",
            suggestion="Compress the images or send the files in two messages, each under 10 MB.")
    for attachment in attachments:
        extension = attachment.filename.rsplit(".", 1)[-1].lower() if "." in attachment.filename else ""
        if extension in BLOCKED_EXTENSIONS or attachment.content_type.lower().startswith(BLOCKED_TYPES):
            yield draft.finding(
                "attachment_limit", BLOCK, None,
                explanation=f"{attachment.filename!r} is a program, script or web page, which Amazon's "
                            "messaging refuses and buyers must not be asked to open.",
                suggestion="Send a PDF, an image (JPEG, PNG) or a text document instead.")


def find_emoji(draft: Draft) -> Iterator[Finding]:
    """Emoji and pictographs."""
    if draft.text.isascii():
        return
    for match in EMOJI.finditer(draft.text):
        yield draft.finding(
            "emoji", WARN, match.span(),
            explanation="Emoji can be refused by Amazon's messaging and look unprofessional to many buyers.",
            suggestion="Remove the emoji; say it in words if it carries meaning.")


def find_shouting(draft: Draft) -> Iterator[Finding]:
    """Runs of capitals, "!!!", and alarm words such as URGENT or HELP."""
    text = draft.text
    if draft.triggered("bang"):
        for match in _BANG.finditer(text):
            yield _shout(draft, match.span())
    if draft.triggered("alarm") and _ALARM_GATE.search(text):
        for match in _ALARM.finditer(text):
            yield _shout(draft, match.span())
    for span in _caps_runs(text):
        yield _shout(draft, span)


def _caps_runs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of three or more consecutive capitalised words that are not acronyms."""
    # One scan finds stretches of three capitalised words; only those are looked at word by word.
    for stretch in _CAPS_STRETCH.finditer(text):
        run: list[tuple[int, int]] = []
        for word in [*_CAPITALS.finditer(text, stretch.start(), stretch.end()), None]:
            if word is not None and word.group(0) not in _ACRONYMS and not _ALARM.fullmatch(word.group(0)):
                run.append(word.span())
                continue
            if len(run) >= 3:
                yield run[0][0], run[-1][1]
            run = []


def _shout(draft: Draft, span: tuple[int, int]) -> Finding:
    return draft.finding(
        "shouting", WARN, span,
        explanation="Capitals, \"!!!\" and words such as URGENT read as shouting and get messages "
                    "handled later, not sooner.",
        suggestion="Write in sentence case with one exclamation mark at most; state the facts and the "
                   "deadline instead.")


def find_important_subject(draft: Draft) -> Iterator[Finding]:
    """"[Important]" (or a translation) in the subject line."""
    subject = draft.context.subject or ""
    match = IMPORTANT.search(subject)
    if match:
        yield draft.finding(
            "important_subject", BLOCK, None,
            explanation=f"Amazon reserves \"[Important]\" for its own notices; the subject {subject!r} "
                        "will be refused.",
            suggestion="Remove the tag and say in a few words what the message is about, e.g. "
                       "\"Your replacement ships today\".")


def _is_api(kind: str) -> bool:
    return kind.startswith("api:")


RULES = (
    Rule("important_subject", BLOCK, buyer_facing, find_important_subject, "\"[Important]\" in a subject"),
    Rule("html_markup", BLOCK, _is_api, find_html, "HTML in an SP-API message"),
    Rule("length_limit", BLOCK, _is_api, find_length, "text longer than the SP-API type allows"),
    Rule("attachment_limit", BLOCK, any_kind, find_attachments, "attachments over 10 MB or executable"),
    Rule("emoji", WARN, buyer_facing, find_emoji, "emoji or pictographs"),
    Rule("shouting", WARN, any_kind, find_shouting, "all-caps runs, \"!!!\", URGENT, HELP"),
)
