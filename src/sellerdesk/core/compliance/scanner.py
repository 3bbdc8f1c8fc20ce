"""One pass over a draft that tells each rule family where to look.

Running every family's regular expression over every reply is what makes naive checkers slow: a
large alternation costs CPython's ``re`` a try per branch at every character. Instead, each family
declares *trigger* substrings (every phrase it matches contains one), one Aho-Corasick automaton
(``ahocorasick_rs``, Rust's ``aho-corasick`` crate) finds all triggers of all families in a single
pass, and a family's regular expression then runs only on short windows around its triggers, or not
at all. (``pyahocorasick`` looks up a node's children one by one; with the triggers' ninety-odd first
characters at the root, it took three times as long per reply.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import ahocorasick_rs

# How far a phrase may reach before and after its trigger; windows are widened by this much.
REACH_BEFORE = 100
REACH_AFTER = 140


class Scanner:
    """Finds the trigger substrings of every family in a (folded, lower-case) text."""

    def __init__(self, triggers: Mapping[str, Iterable[str]]) -> None:
        owners: dict[str, list[str]] = {}
        for family, words in triggers.items():
            for word in words:
                owners.setdefault(word, []).append(family)
        # Standard match kind: every trigger is reported, also those inside or overlapping another.
        self._automaton = ahocorasick_rs.AhoCorasick(list(owners), matchkind=ahocorasick_rs.MatchKind.Standard)
        self._owners = [tuple(families) for families in owners.values()]
        self.families = frozenset(triggers)

    def scan(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Spans ``(start, end)`` of every trigger found (character offsets), by family."""
        found: dict[str, list[tuple[int, int]]] = {}
        for word, start, end in self._automaton.find_matches_as_indexes(text, overlapping=True):
            for family in self._owners[word]:
                found.setdefault(family, []).append((start, end))
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
