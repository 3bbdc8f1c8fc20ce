"""Folding a draft for matching, with every offset mapped back to the original text.

Sellers (and the agents who copy buyers' requests) hide contact details from simple filters:
full-width letters (``ｗｈａｔｓａｐｐ``), zero-width spaces inside words, spaced-out letters
(``w h a t s a p p``). The rules match against a *folded* view — NFKC-normalised, lower-cased,
invisible characters removed — and report offsets in the text the seller wrote, so that an editor
can highlight the right characters. :func:`mask_identifiers` blanks out order IDs, tracking numbers,
ASINs, dates, prices and postcodes, which are never contact details.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_INVISIBLE_CHARS = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
# Full-width ASCII forms, which NFKC maps one to one to ASCII: replaced first, Japanese text with
# full-width brackets or digits is then usually already normalised, which is much quicker to confirm
# than to normalise.
_FULL_WIDTH = re.compile("[\uff01-\uff5e]")


@dataclass(frozen=True)
class Folded:
    """A folded view of a text: ``text[i]`` came from ``original[origin[i]]`` (identity when None)."""

    text: str
    origin: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the folded text back to a span of the original text."""
        if self.origin is None:
            return start, end
        if start >= len(self.origin):
            last = self.origin[-1] + 1 if self.origin else 0
            return last, last
        first = self.origin[start]
        last = self.origin[max(start, end - 1)] + 1 if end > start else first
        return first, last


def fold(text: str) -> Folded:
    """Return the folded view of *text*: NFKC, lower case, invisible characters removed."""
    if text.isascii():
        return Folded(text.lower())
    # One substring test per invisible character: quick, as a Latin-1 text cannot hold any of them.
    if not any(char in text for char in _INVISIBLE_CHARS):
        normal = _nfkc(text).lower()
        if len(normal) == len(text):
            # Full-width forms and most compatibility characters fold one to one: no map needed.
            return Folded(normal)
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if _INVISIBLE.match(char):
            continue
        folded = unicodedata.normalize("NFKC", char).lower() if not char.isascii() else char.lower()
        chars.append(folded)
        origin.extend([index] * len(folded))
    return Folded("".join(chars), tuple(origin))


def _nfkc(text: str) -> str:
    """NFKC of *text*, with shortcuts for text NFKC leaves alone (the same result, sooner).

    Normalising costs more than all other folding, while confirming that a text is already
    normalised is a quick check.
    """
    if unicodedata.is_normalized("NFKC", text):
        return text
    text = _FULL_WIDTH.sub(_to_ascii, text)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _to_ascii(match: re.Match[str]) -> str:
    return chr(ord(match.group(0)) - 0xFEE0)


def substitute(view: Folded, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]) -> Folded:
    """Rewrite every match of *pattern* in *view*, keeping the map to the original text.

    The characters of a replacement all map to the start of the match they replace (a rewrite
    such as joining spaced-out letters only ever shortens the text).
    """
    pieces: list[str] = []
    origin: list[int] = []
    base = view.origin
    position = 0

    def at(i: int) -> int:
        return base[i] if base is not None else i

    for match in pattern.finditer(view.text):
        pieces.append(view.text[position:match.start()])
        origin.extend(at(i) for i in range(position, match.start()))
        new = replace(match)
        if new == match.group(0):
            origin.extend(at(i) for i in range(match.start(), match.end()))
        elif new:
            # The rewritten piece spans the whole match: first characters at its start, last at its end.
            origin.extend([at(match.start())] * (len(new) - 1))
            origin.append(at(match.end() - 1))
        pieces.append(new)
        position = match.end()
    if not pieces:
        return view
    pieces.append(view.text[position:])
    origin.extend(at(i) for i in range(position, len(view.text)))
    return Folded("".join(pieces), tuple(origin))


# "w h a t s a p p", "w.h.a.t.s.a.p.p", "w-e-c-h-a-t": four or more single letters with separators.
_SPACED = re.compile(r"(?<![a-z0-9])(?:[a-z][ .\-_*·]{1,2}){3,}[a-z](?![a-z0-9])")


_SPACED_GATES = tuple(re.compile(rf"{re.escape(sep)}[^\W\d_]{re.escape(sep)}[^\W\d_]{re.escape(sep)}")
                      for sep in " .-_*·")


def _maybe_spaced(text: str) -> bool:
    # Each gate starts with a literal character, which the regex engine skips to quickly.
    return any(sep in text and gate.search(text) for sep, gate in zip(" .-_*·", _SPACED_GATES, strict=True))


def join_spaced_letters(view: Folded) -> Folded:
    """Join spaced-out single letters into words (``w h a t s a p p`` -> ``whatsapp``)."""
    if not _maybe_spaced(view.text) or not _SPACED.search(view.text):
        return view
    return substitute(view, _SPACED, lambda m: re.sub(r"[^a-z]", "", m.group(0)))


# Identifiers that look like phone numbers or contact details to a naive scanner but are part of
# serving the order (domain.md: "None of these is a phone number").
IDENTIFIER_PATTERNS: tuple[tuple[str, str], ...] = (
    ("order_id", r"\b\d{3}-\d{7}-\d{7}\b"),
    ("asin", r"\bB0[0-9A-Z]{8}\b"),
    ("tracking", r"\b1Z[0-9A-Z]{16}\b"),                                   # UPS
    ("tracking", r"\bTBA\d{12}\b"),                                         # Amazon Logistics
    ("tracking", r"\b[A-Z]{2}\d{9}[A-Z]{2}\b"),                             # UPU S10: Royal Mail, Japan Post...
    ("tracking", r"\b(?:JJD|JVGL|JD)\d{10,20}\b"),                          # DHL
    ("tracking", r"\b9[1-5]\d{2}(?: ?\d{4}){4}(?: ?\d{2}){0,2}\b"),         # USPS, spaced or not
    ("tracking", r"\b\d{4}-\d{4}-\d{4}\b"),                                 # Yamato, Sagawa, Japan Post
    ("tracking", r"(?<![+\d])\b(?:(?!00)\d{12,34}|00\d{16,32})\b"),           # FedEx, DPD, DHL Paket, USPS
    ("tracking", r"(?i:(?:tracking|sendungs|paket|suivi|seguimiento|spedizione|tracciamento)\w*"
                 r"(?:\s*(?:number|nummer|numéro|número|numero|no\.?|id|code|#))?\s*(?:is|ist|est|es|è)?"
                 r"\s*[:：#]?\s*)([A-Z0-9][A-Z0-9 \-]{7,40}[A-Z0-9])\b"),
    ("tracking", r"(?:追跡番号|お問い合わせ番号|問合せ番号|伝票番号|运单号|快递单号|物流单号)"
                 r"\s*[:：]?\s*([0-9\-]{8,22})"),
    ("date", r"\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"),
    ("date", r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日"),
    ("time", r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    ("amount", r"[$€£¥￥]\s?\d[\d.,]*|\b\d[\d.,]*\s?(?:€|EUR|USD|GBP|JPY|CAD|円|元|yen|dollars?|euros?)"),
    ("postcode", r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b"),  # UK, Canada
    # Japan (not after a digit group: "(212) 555-0147" is a phone number), US ZIP+4
    ("postcode", r"〒\s?\d{3}-\d{4}|(?<![\d)] )(?<![\d)]-)(?<![\d)]\.)\b\d{3}-\d{4}\b(?!-)|\b\d{5}-\d{4}\b"),
    ("model", r"\b[A-Z]{1,6}-?\d{2,8}(?:-[A-Z0-9]{1,6})*\b"),
)
IDENTIFIERS = re.compile("|".join(f"(?:{p})" for _, p in IDENTIFIER_PATTERNS))
BARE_IDENTIFIER = re.compile(
    r"\d{3}-\d{7}-\d{7}|(?!00)\d{12,34}|00\d{16,32}|9[1-5]\d{2}(?: ?\d{4}){3,4}(?: ?\d{2}){0,2}|\d{4}-\d{4}-\d{4}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{5}-\d{4}")
"""A run of digits that is one identifier as a whole (order ID, tracking number, date, ZIP+4)."""
_KINDS = [kind for kind, _ in IDENTIFIER_PATTERNS]


def identifier_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, kind)`` of order IDs, tracking numbers, ASINs, dates, prices, postcodes."""
    spans = []
    for match in IDENTIFIERS.finditer(text):
        # A pattern with a group (a labelled tracking number) masks only the number itself.
        start, end = match.span()
        for group in range(1, (match.lastindex or 0) + 1):
            if match.group(group) is not None:
                start, end = match.span(group)
        spans.append((start, end, "identifier"))
    return spans


def mask_identifiers(text: str, *, fill: str = "_") -> str:
    """*text* with every identifier span replaced by *fill* characters (same length, same offsets)."""
    if not any(ch.isdigit() for ch in text):
        return text
    pieces = []
    position = 0
    for start, end, _ in identifier_spans(text):
        pieces.append(text[position:start])
        pieces.append(fill * (end - start))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|\n|$)")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of *text* (split at . ! ? and their CJK forms, and at line ends)."""
    return [m.span() for m in _SENTENCE.finditer(text) if m.group(0).strip()]
