"""The draft under check, with the derived views the rules share (computed once, on demand)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cached_property

from sellerdesk.core.compliance.findings import CheckContext, Finding, excerpt_of
from sellerdesk.core.compliance.normalise import (
    Folded,
    fold,
    identifier_spans,
    join_spaced_letters,
    mask_identifiers,
)
from sellerdesk.core.compliance.scanner import REACH_AFTER, REACH_BEFORE, Scanner, windows
from sellerdesk.core.compliance.settings import RuleSettings
from sellerdesk.core.marketplaces import MARKETPLACES

_PHONE_REGIONS = {"UK": "GB"}
_SENTENCE_ENDS = (".", "!", "?", "。", "！", "？", "\n")


class Draft:
    """A message being checked: its text, kind, context and settings, plus cached folded views."""

    def __init__(self, text: str, *, kind: str, context: CheckContext, settings: RuleSettings,
                 scanner: Scanner) -> None:
        self.text = text
        self.kind = kind
        self.context = context
        self.settings = settings
        self.scanner = scanner
        self.memo: dict[str, object] = {}  # results several rules share (e.g. the review sentences)

    @cached_property
    def hits(self) -> dict[str, list[tuple[int, int]]]:
        """Trigger spans in :attr:`joined`, by rule family (one Aho-Corasick pass)."""
        return self.scanner.scan(self.joined.text)

    def triggered(self, family: str) -> bool:
        """True when the text holds at least one trigger of *family*."""
        return family in self.hits

    def search_matches(self, pattern: re.Pattern[str], family: str, *,
                       reach: tuple[int, int] = (REACH_BEFORE, REACH_AFTER)) -> Iterator[re.Match[str]]:
        """Matches of *pattern* in :attr:`joined`, looked for only within *reach* of *family*'s triggers."""
        view = self.joined
        last_end = -1
        for low, high in windows(self.hits.get(family, []), len(view.text), reach=reach):
            for match in pattern.finditer(view.text, low, high):
                if match.start() >= last_end and match.end() > match.start():
                    last_end = match.end()
                    yield match

    def search(self, pattern: re.Pattern[str], family: str, *,
               reach: tuple[int, int] = (REACH_BEFORE, REACH_AFTER)) -> Iterator[tuple[int, int]]:
        """Spans in the original text of matches of *pattern* near the triggers of *family*."""
        for match in self.search_matches(pattern, family, reach=reach):
            yield self.joined.span(*match.span())

    def family_sentences(self, family: str) -> Iterator[tuple[tuple[int, int], str]]:
        """The sentences of :attr:`joined` that hold a trigger of *family*, with original spans."""
        text = self.joined.text
        last = -1
        for start, _ in sorted(self.hits.get(family, [])):
            if start < last:
                continue
            low = max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1
            ends = [i for i in (text.find(mark, start) for mark in _SENTENCE_ENDS) if i >= 0]
            high = min(ends) + 1 if ends else len(text)
            last = high
            yield self.joined.span(low, high), text[low:high]

    @cached_property
    def folded(self) -> Folded:
        """NFKC, lower-cased, invisible characters removed."""
        return fold(self.text)

    @cached_property
    def joined(self) -> Folded:
        """The folded view with spaced-out letters joined (``w h a t s a p p`` -> ``whatsapp``)."""
        return join_spaced_letters(self.folded)

    @cached_property
    def masked(self) -> str:
        """The original text with identifiers (order IDs, tracking numbers, dates...) blanked out."""
        return mask_identifiers(self.text)

    @cached_property
    def identifier_spans(self) -> list[tuple[int, int]]:
        """Where the identifiers are in the original text."""
        return [(s, e) for s, e, _ in identifier_spans(self.text)]

    @property
    def marketplace(self) -> str | None:
        """The marketplace code in upper case, when known and valid."""
        code = (self.context.marketplace or "").upper()
        return code if code in MARKETPLACES else None

    @property
    def phone_region(self) -> str:
        """The phonenumbers region of the marketplace (``GB`` for ``UK``); ``US`` when unknown."""
        code = self.marketplace or "US"
        return _PHONE_REGIONS.get(code, code)

    def allowed(self, start: int, end: int) -> bool:
        """True when the span lies inside one of the store's allowed phrases."""
        for phrase in self.settings.allowed_phrases:
            position = self.text.find(phrase)
            while position >= 0:
                if position <= start and end <= position + len(phrase):
                    return True
                position = self.text.find(phrase, position + 1)
        return False

    def finding(self, rule: str, severity: str, span: tuple[int, int] | None, *,
                explanation: str, suggestion: str) -> Finding:
        """A finding at *span* of the original text (None: the whole message)."""
        if span is None:
            return Finding(rule, severity, None, None, excerpt_of(self.text, 0, min(len(self.text), 60)),
                           explanation, suggestion)
        start, end = span
        return Finding(rule, severity, start, end, excerpt_of(self.text, start, end), explanation, suggestion)

