"""One pass over a draft that tells each rule family where to look.

Running every family's regular expression over every reply is what makes naive checkers slow: a
large alternation costs CPython's ``re`` a try per branch at every character. Instead, each family
declares *trigger* substrings (every phrase it matches contains one), one Aho-Corasick automaton
(``pyahocorasick``, in C) finds all triggers of all families in a single pass, and a family's
regular expression then runs only on short windows around its triggers, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ahocorasick

# How far a phrase may reach before and after its trigger; windows are widened by this much.
REACH_BEFORE = 100
REACH_AFTER = 140


class Scanner:
    """Finds the trigger substrings of every family in a (folded, lower-case) text."""

    def __init__(self, triggers: Mapping[str, Iterable[str]]) -> None:
        self._automaton = ahocorasick.Automaton()
        owners: dict[str, list[str]] = {}
        for family, words in triggers.items():
            for word in words:
                owners.setdefault(word, []).append(family)
        for word, families in owners.items():
            self._automaton.add_word(word, (len(word), tuple(families)))
        self._automaton.make_automaton()
        self.families = frozenset(triggers)

    def scan(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Spans ``(start, end)`` of every trigger found, by family."""
        found: dict[str, list[tuple[int, int]]] = {}
        for end, (length, families) in self._automaton.iter(text):
            span = (end + 1 - length, end + 1)
            for family in families:
                found.setdefault(family, []).append(span)
        return found


def windows(hits: list[tuple[int, int]], size: int, *, reach: tuple[int, int] = (REACH_BEFORE, REACH_AFTER)
            ) -> list[tuple[int, int]]:
    """Merged windows of *hits* widened by the phrases' *reach*, clipped to a text of *size* characters."""
    before, after = reach
    merged: list[tuple[int, int]] = []
    for start, end in sorted(hits):
        low, high = max(0, start - before), min(size, end + after)
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged
