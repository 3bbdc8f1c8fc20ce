"""Reading the body and subject of an Amazon relay mail, with patterns built from the format table.

Every pattern here is compiled once, at import, from :mod:`sellerdesk.core.relay_formats`, so a
marketplace added to the table is recognised without touching this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeVar

from sellerdesk.core.mail import NoticeType
from sellerdesk.core.marketplaces import by_domain
from sellerdesk.core.relay_formats import (
    LANGUAGE_STRINGS,
    ORIGINAL_MESSAGE_MARKERS,
    QUOTED_HEADER_FROM,
    QUOTED_HEADER_SENT,
    RELAY_FORMATS,
    REPLY_PREFIXES,
)
from sellerdesk.core.relay_languages import LanguageStrings

_T = TypeVar("_T")

ORDER_ID = re.compile(r"(?<![\d-])(\d{3}-\d{7}-\d{7})(?![\d-])")
COMM_MGR_TOK = re.compile(r"commMgrTok:\s*([A-Za-z0-9._\-]+)")
_COMM_MGR_TOK_LINE = re.compile(r"\[?commMgrTok:[^\]\n]*\]?")
_ASIN = re.compile(r"ASIN\s*[:：]\s*([A-Z0-9]{10})\b")
_ITEM_PREFIX = re.compile(r"^[ \t]*(?:\d+[ \t]*(?:x|×|of|/)[ \t]+|\d+\.[ \t]+)?")
_AMAZON_HOST = re.compile(r"(?:\b(?:sellercentral|www)|@marketplace)\.(amazon\.[a-z]{2,3}(?:\.[a-z]{2})?)\b")


def _alternation(strings: set[str]) -> str:
    # Longest first, so that "Fin du message" wins over a shorter string it contains.
    return "|".join(re.escape(s) for s in sorted(strings, key=len, reverse=True))


def _template(template: str, fields: dict[str, str]) -> str:
    pattern = re.escape(template)
    for name, group in fields.items():
        pattern = pattern.replace(re.escape("{" + name + "}"), group)
    return pattern


def _marker(words: set[str]) -> re.Pattern[str]:
    # "----- Begin message -----", also bilingual: "----- Begin message / Début du message -----".
    alternatives = _alternation(words)
    return re.compile(
        rf"^[ \t>]*-{{3,}}[ \t]*(?:{alternatives})(?:[ \t]*/[ \t]*(?:{alternatives}))?[ \t]*-{{3,}}[ \t]*$",
        re.M | re.I,
    )


_BEGIN = _marker({s.begin_marker for s in LANGUAGE_STRINGS})
_END = _marker({s.end_marker for s in LANGUAGE_STRINGS})
_ORDER_LABEL = re.compile(
    "(?:" + _alternation({s.order_label for s in LANGUAGE_STRINGS}) + r")\s*[:：#]?\s*(\d{3}-\d{7}-\d{7})", re.I,
)
_FOOTER = re.compile(r"^[ \t]*(?:" + _alternation({line for s in LANGUAGE_STRINGS for line in s.footer}) + ")", re.M)
_QUOTE_INTRO = re.compile(
    r"^(?:[ \t]*(?:"
    + "|".join(_template(s.quote_intro, {"date": r".{1,80}?", "name": r".{1,80}?"}) for s in LANGUAGE_STRINGS)
    + r")[ \t]*$|[ \t]*(?:"
    + _alternation(set(ORIGINAL_MESSAGE_MARKERS))
    + r")[ \t]*$|On .{4,120} wrote:[ \t]*$"
    # Gmail-style intros in any language end with the quoted sender's address and a colon.
    + r"|[^\n<>]{4,160}<[^<>\s]+@[^<>\s]+>[ \t]*[:：][ \t]*$"
    # Outlook-style header blocks: a "From:" line straight followed by a "Sent:" or "Date:" line.
    + r"|[ \t]*(?:" + _alternation(set(QUOTED_HEADER_FROM)) + r")[ \t]*:[ \t]*\S.*\n[ \t]*(?:"
    + _alternation(set(QUOTED_HEADER_SENT)) + r")[ \t]*:)",
    re.M,
)
_REPLY_PREFIX = re.compile(r"^(?:[ \t]*(?:" + _alternation(set(REPLY_PREFIXES)) + r")[ \t]*[:：][ \t]*)+", re.I)
_NAME = r"(?P<name>.+?)"
_ORDER_SUFFIX = (r"(?:[ \t]*[(（][ \t]*(?:", r")[ \t]*[:：][ \t]*(?P<order>\d{3}-\d{7}-\d{7})[ \t]*[)）])?")


@dataclass(frozen=True)
class SubjectMatch:
    """What a buyer message's subject says."""

    kind: str  # one of relay_formats.SUBJECT_KINDS
    language: str
    buyer_name: str | None
    order_id: str | None


@dataclass(frozen=True)
class NoticeMatch:
    """What a notice's subject says."""

    notice_type: NoticeType
    language: str
    order_id: str | None
    buyer_name: str | None


def _subject_patterns(strings: LanguageStrings) -> list[tuple[re.Pattern[str], str]]:
    suffix = _ORDER_SUFFIX[0] + re.escape(strings.order_word) + _ORDER_SUFFIX[1]
    return [
        (re.compile("^" + _template(t, {"name": _NAME}) + suffix + r"[ \t]*$", re.I), kind)
        for kind, templates in strings.subjects.items()
        for t in templates
    ]


def _notice_patterns(strings: LanguageStrings) -> list[tuple[re.Pattern[str], NoticeType]]:
    fields = {"name": _NAME, "order": r"(?P<order>\d{3}-\d{7}-\d{7})", "title": r".+?", "case": r"\S+"}
    return [
        (re.compile("^" + _template(t, fields) + r"[ \t]*$", re.I), notice_type)
        for notice_type, templates in strings.notices.items()
        for t in templates
    ]


_SUBJECTS = {s.language: _subject_patterns(s) for s in LANGUAGE_STRINGS}
_NOTICES = {s.language: _notice_patterns(s) for s in LANGUAGE_STRINGS}


def strip_reply_prefix(subject: str) -> str:
    """Remove "Re:", "AW:", "返信:"... from the start of *subject*."""
    return _REPLY_PREFIX.sub("", subject, count=1).strip()


def _language_order(marketplace: str | None) -> tuple[str, ...]:
    first = [s.language for s in RELAY_FORMATS[marketplace].strings] if marketplace in RELAY_FORMATS else []
    return (*first, *(s.language for s in LANGUAGE_STRINGS if s.language not in first))


_LANGUAGE_ORDER = {code: _language_order(code) for code in RELAY_FORMATS}
_ALL_LANGUAGES = _language_order(None)


def _languages_first(marketplace: str | None) -> tuple[str, ...]:
    return _LANGUAGE_ORDER.get(marketplace or "", _ALL_LANGUAGES)


def _first_match(
    table: dict[str, list[tuple[re.Pattern[str], _T]]], subject: str, marketplace: str | None,
) -> tuple[_T, str, dict[str, str | None]] | None:
    bare = strip_reply_prefix(subject)
    for language in _languages_first(marketplace):
        for pattern, label in table[language]:
            match = pattern.match(bare)
            if match:
                return label, language, match.groupdict()
    return None


def match_subject(subject: str, *, marketplace: str | None) -> SubjectMatch | None:
    """Recognise a buyer-message subject; *marketplace*'s languages are tried first."""
    found = _first_match(_SUBJECTS, subject, marketplace)
    if found is None:
        return None
    kind, language, groups = found
    return SubjectMatch(kind, language, (groups["name"] or "").strip() or None, groups["order"])


def match_notice(subject: str, *, marketplace: str | None) -> NoticeMatch | None:
    """Recognise an Amazon notice subject; *marketplace*'s languages are tried first."""
    found = _first_match(_NOTICES, subject, marketplace)
    if found is None:
        return None
    notice_type, language, groups = found
    return NoticeMatch(notice_type, language, groups.get("order"), groups.get("name"))


@dataclass(frozen=True)
class BuyerText:
    """The buyer's own words and what surrounded them."""

    text: str
    quoted: str | None
    had_markers: bool


def split_buyer_text(body: str) -> BuyerText:
    """Cut the buyer's words out of a relay body: between the markers, without footer or quotes."""
    begin = _BEGIN.search(body)
    had_markers = begin is not None
    end = None
    if begin is not None:
        end = _END.search(body, begin.end())
        inner = body[begin.end():end.start() if end else len(body)]
    else:
        inner = body
    if begin is None or end is None:  # with both markers the footer lies outside the words
        footer = _FOOTER.search(inner)
        if footer is not None:
            inner = inner[:footer.start()]
    if "commMgrTok" in inner:
        inner = _COMM_MGR_TOK_LINE.sub("", inner)
    text, quoted = split_quoted(inner)
    return BuyerText(text=text, quoted=quoted, had_markers=had_markers)


def split_quoted(text: str) -> tuple[str, str | None]:
    """Split *text* into the new words and the quoted history below them ("On ... wrote:", "> ...")."""
    cut = len(text)
    intro = _QUOTE_INTRO.search(text)
    if intro is not None:
        cut = intro.start()
    lines = text[:cut].split("\n")
    # A trailing block of "> " lines is history quoted without an intro line.
    while lines and (lines[-1].lstrip().startswith(">") or not lines[-1].strip()):
        lines.pop()
    kept = "\n".join(lines)
    own = kept.strip()
    rest = text[len(kept):].strip()
    return own, rest or None


def find_order_id(*texts: str) -> str | None:
    """The order ID of a labelled line ("Order ID: ..."), else the first order ID in *texts*."""
    found: list[str] = [match for text in texts for match in ORDER_ID.findall(text)]
    if len(set(found)) <= 1:
        # One order named (the usual case): no need for the slower labelled search.
        return found[0] if found else None
    for text in texts:
        labelled = _ORDER_LABEL.search(text)
        if labelled:
            return str(labelled.group(1))
    return found[0]


def find_items(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ASINs and item titles from item lines (``Title [ASIN: B0...]``), in order, without repeats.

    A bracketed ``[ASIN: ...]`` ends an item line whose start is the title; a bare ``ASIN: ...``
    adds the ASIN alone.
    """
    asins: list[str] = []
    titles: list[str] = []
    if "ASIN" not in text:
        return (), ()
    for match in _ASIN.finditer(text):
        asin = match.group(1)
        if asin in asins:
            continue
        asins.append(asin)
        if match.start() and text[match.start() - 1] == "[":
            start = text.rfind("\n", 0, match.start()) + 1
            line = text[start:match.start() - 1]
            title = line[_ITEM_PREFIX.match(line).end():].strip(" \t-:#*")  # type: ignore[union-attr]
            if title:
                titles.append(title)
    return tuple(asins), tuple(titles)


def find_comm_mgr_tok(*texts: str) -> str | None:
    """Amazon's ``[commMgrTok:...]`` message token, if any of *texts* carries one."""
    for text in texts:
        if "commMgrTok" in text:
            match = COMM_MGR_TOK.search(text)
            if match:
                return match.group(1)
    return None


def marketplace_in_text(text: str) -> str | None:
    """The marketplace of the first Amazon host or relay address in *text* (``sellercentral.amazon.de`` → DE)."""
    for domain in _AMAZON_HOST.findall(text):
        marketplace = by_domain(domain)
        if marketplace is not None:
            return marketplace.code
    return None


def marketplaces_of_language(language: str) -> tuple[str, ...]:
    """The marketplaces whose relay mails are written first in *language*."""
    return tuple(f.marketplace for f in RELAY_FORMATS.values() if f.language == language)
