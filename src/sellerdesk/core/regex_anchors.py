"""Literals that any match of a regular expression must contain: a cheap prefilter for rules.

Python's ``re`` scans fast for a pattern that starts with a literal, but slowly for one that
starts with ``\\b``, a group or an alternation, which most intent rules do. :func:`anchors` reads
a pattern's text and returns literals one of which occurs in every text the pattern matches;
checking them with ``in`` first skips most rules on any message without changing a result.

Only a safe subset is understood; for anything else the answer is None ("no prefilter").
"""

from __future__ import annotations

from collections.abc import Iterator

_SPECIAL = frozenset("\\()[]{}.*+?|^$")
_QUANTIFIERS = frozenset("?*{")


def _structure(text: str) -> Iterator[tuple[int, str, int]]:
    """Yield ``(position, character, depth)`` for the characters of a regular expression that are
    neither escaped nor inside a ``[...]`` class; *depth* counts the groups open before it."""
    depth, position, in_class = 0, 0, False
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            yield position, char, depth
            depth += (char == "(") - (char == ")")
        position += 1


def _split_top(text: str) -> list[str] | None:
    """Split a regular expression at its top-level ``|``; None when its groups do not balance."""
    parts, start, balance = [], 0, 0
    for position, char, depth in _structure(text):
        if char == ")" and depth == 0:
            return None
        if char == "|" and depth == 0:
            parts.append(text[start:position])
            start = position + 1
        balance = depth + (char == "(") - (char == ")")
    parts.append(text[start:])
    return parts if balance == 0 else None


def _group_end(text: str) -> int | None:
    """Return the index of the ``)`` closing the group that opens *text*, or None."""
    for position, char, depth in _structure(text):
        if char == ")" and depth == 1:
            return position
    return None


def _literal_run(text: str) -> str:
    """Return the literal characters every match of *text* starts with."""
    run = []
    for position, char in enumerate(text):
        if char in _SPECIAL:
            break
        if position + 1 < len(text) and text[position + 1] in _QUANTIFIERS:
            break  # this character is optional or repeated from zero
        run.append(char)
    return "".join(run)


def _selective(run: str) -> bool:
    # One Latin letter occurs in every message; one kanji or kana is already a rare event.
    return len(run) >= 2 or (len(run) == 1 and not run.isascii())


def _alternative_anchors(alternative: str) -> list[str] | None:
    for prefix in ("\\b", "^\\W*", "^"):
        alternative = alternative.removeprefix(prefix)
    # A long literal anywhere in the sequence is the best filter: "estrella" in "(una|dos) estrellas?".
    longest = max(_sequence_runs(alternative), key=len, default="")
    if len(longest) >= 4 or (longest and not longest.isascii()):
        return [longest]
    leading = _leading_anchors(alternative)
    if leading is None and _selective(longest):
        return [longest]
    return leading


def _leading_anchors(alternative: str) -> list[str] | None:
    """The literals one of which starts every match (the branches of a leading group)."""
    if not alternative.startswith("("):
        run = _literal_run(alternative)
        return [run] if _selective(run) else None
    end = _group_end(alternative)
    if end is None or alternative[end + 1:end + 2] in ("?", "*", "{"):
        return None
    inner = alternative[1:end]
    if inner.startswith("?:"):
        inner = inner[2:]
    elif inner.startswith("?"):
        return None  # a look-around or a flag group
    branches = _split_top(inner)
    if branches is None:
        return None
    runs = [_literal_run(branch) for branch in branches]
    return runs if all(_selective(run) for run in runs) else None


def anchors(pattern: str) -> tuple[str, ...] | None:
    """Return literals one of which occurs in every text *pattern* matches, or None if unknown.

    Each top-level alternative contributes its longest required literal, or else the literal
    starts of the branches of its leading group; None when an alternative offers neither.
    """
    alternatives = _split_top(pattern)
    if alternatives is None:
        return None
    found: list[str] = []
    for alternative in alternatives:
        runs = _alternative_anchors(alternative)
        if runs is None:
            return None
        found.extend(runs)
    return tuple(found)


def _sequence_runs(alternative: str) -> list[str]:
    """Return the literal runs of an alternative's top level that every match contains in order.

    Groups, classes, ``.`` and escapes such as ``\\b`` or ``\\w`` end a run; a character made optional
    by ``?``, ``*`` or ``{`` is dropped.
    """
    runs: list[str] = []
    current: list[str] = []
    position = 0

    def close() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    while position < len(alternative):
        char = alternative[position]
        if char == "\\":
            escaped = alternative[position + 1:position + 2]
            position += 2
            if escaped and not escaped.isalnum():
                current.append(escaped)
            else:
                close()
                continue
        elif char == "(":
            end = _group_end(alternative[position:])
            if end is None:
                return []
            close()
            position += end + 1
            continue
        elif char == "[":
            close()
            end = alternative.find("]", position + 2)
            if end < 0:
                return []
            position = end + 1
            continue
        elif char in ".^$":
            close()
            position += 1
            continue
        elif char in "?*{":
            if current:
                current.pop()  # the character before is optional
            close()
            if char == "{":
                end = alternative.find("}", position)
                position = end + 1 if end > 0 else len(alternative)
            else:
                position += 1
            continue
        elif char == "+":
            close()
            position += 1
            continue
        else:
            current.append(char)
            position += 1
            continue
        # an escaped literal: a quantifier after it makes it optional too
        if alternative[position:position + 1] in ("?", "*", "{"):
            current.pop()
            close()
    close()
    return runs
