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
    sentences,
)
from sellerdesk.core.compliance.settings import RuleSettings
from sellerdesk.core.marketplaces import MARKETPLACES

_PHONE_REGIONS = {"UK": "GB"}


class Draft:
    """A message being checked: its text, kind, context and settings, plus cached folded views."""

    def __init__(self, text: str, *, kind: str, context: CheckContext, settings: RuleSettings) -> None:
        self.text = text
        self.kind = kind
        self.context = context
        self.settings = settings

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

    @cached_property
    def sentence_spans(self) -> list[tuple[int, int]]:
        """Spans of the sentences of the folded view."""
        return sentences(self.folded.text)

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

    def matches(self, pattern: re.Pattern[str], view: Folded | None = None) -> Iterator[tuple[int, int]]:
        """Spans in the original text of every match of *pattern* in a folded view."""
        view = view or self.folded
        for match in pattern.finditer(view.text):
            yield view.span(*match.span())

    def sentence_texts(self) -> Iterator[tuple[tuple[int, int], str]]:
        """Each sentence of the folded view with its span mapped to the original text."""
        for start, end in self.sentence_spans:
            yield self.folded.span(start, end), self.folded.text[start:end]
