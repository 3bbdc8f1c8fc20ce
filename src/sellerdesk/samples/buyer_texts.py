"""Realistic buyer messages for each intent and language, generated from phrase banks.

The phrase banks (``buyer_phrases/<language>.json``) hold, per language, greetings, sign-offs,
context sentences ("My order number is ..."), and for every intent of contracts §1 a set of core
sentences. :func:`buyer_text` assembles one message from them the way buyers write: sometimes a
greeting, an order ID or ASIN, a thank-you before the actual question, an angry aside, a typo, no
capitals or no accents. The same seed always gives the same text.

Used to train the intent model (``tools/train_intents.py``) and by the demo-data writer. The
held-back test split of the intent classifier is written separately, not generated here.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

from sellerdesk.core.intents import INTENTS

LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "ja")
"""Languages the phrase banks cover."""

_SLOT = re.compile(r"\{(\w+)\}")
# Japanese is written without spaces between sentences.
_JOINER = {"ja": ""}
_ORDER_PREFIX = {"en": "11", "de": "30", "fr": "17", "es": "40", "it": "40", "ja": "50"}


@cache
def phrase_bank(language: str) -> dict[str, Any]:
    """Return the phrase bank of *language* (one of :data:`LANGUAGES`).

    Raises:
        ValueError: when no bank exists for *language*.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no buyer phrase bank for language {language!r}; use one of {', '.join(LANGUAGES)}")
    text = resources.files("sellerdesk.samples").joinpath(f"buyer_phrases/{language}.json").read_text("utf-8")
    bank: dict[str, Any] = json.loads(text)
    return bank


def order_id(rng: random.Random, *, language: str = "en") -> str:
    """Return a random Amazon order ID (``ddd-ddddddd-ddddddd``)."""
    prefix = _ORDER_PREFIX.get(language, "11") + str(rng.randint(0, 9))
    return f"{prefix}-{rng.randint(0, 9_999_999):07d}-{rng.randint(0, 9_999_999):07d}"


def asin(rng: random.Random) -> str:
    """Return a random ASIN (``B0`` and eight letters or digits)."""
    return "B0" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8))


def _fill(rng: random.Random, template: str, bank: dict[str, Any], *, language: str) -> str:
    """Replace every ``{slot}``; a slot used twice gets two different values ("ordered red, got blue")."""
    used: dict[str, set[str]] = {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "order_id":
            return order_id(rng, language=language)
        if name == "asin":
            return asin(rng)
        choices = [c for c in bank["slots"].get(name, [name]) if c not in used.get(name, set())]
        chosen = rng.choice(choices or bank["slots"].get(name, [name]))
        used.setdefault(name, set()).add(chosen)
        return str(chosen)

    return _SLOT.sub(value, template)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _typo(rng: random.Random, text: str) -> str:
    """Swap two neighbouring letters of one longer word, as fast typists do."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]
    return " ".join(words)


def _roughen(rng: random.Random, text: str, *, language: str) -> str:
    """Apply the sloppiness of real messages: no capitals, no accents, a typo, doubled punctuation."""
    if language == "ja":
        return text.replace("？", "?") if rng.random() < 0.2 else text
    if rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.1:
        text = _strip_accents(text)
    if rng.random() < 0.15:
        text = _typo(rng, text)
    if rng.random() < 0.08:
        text = text.rstrip(".!?") + rng.choice(["!!!", "??", "...", " ?!"])
    return text


def buyer_text(rng: random.Random, *, intent: str, language: str) -> str:
    """Return one buyer message expressing *intent* in *language*.

    Args:
        rng: the source of randomness (seed it for reproducible output).
        intent: one of :data:`sellerdesk.core.intents.INTENTS`.
        language: one of :data:`LANGUAGES`.

    Raises:
        ValueError: for an unknown intent or language.
    """
    if intent not in INTENTS:
        raise ValueError(f"unknown intent {intent!r}; use one of the labels of contracts §1")
    bank = phrase_bank(language)
    core: list[str] = bank["intents"][intent]
    parts: list[str] = []
    if rng.random() < 0.55:
        parts.append(rng.choice(bank["greeting"]))
    if intent not in ("thanks_closing", "other") and rng.random() < 0.35:
        parts.append(rng.choice(bank["context"]))
    # A thank-you that leads into a question is not a closing: teach the difference.
    if intent not in ("thanks_closing", "other", "complaint") and rng.random() < 0.12:
        parts.append(rng.choice(bank["thanks_lead"]))
    sentences = rng.sample(core, k=2 if rng.random() < 0.3 else 1)
    parts.extend(sentences)
    if intent in ("complaint", "not_received", "damaged_defective", "wrong_item") and rng.random() < 0.15:
        parts.append(rng.choice(bank["angry"]))
    if rng.random() < 0.35:
        parts.append(rng.choice(bank["signoff"]))
    joiner = _JOINER.get(language, rng.choice([" ", " ", "\n"]))
    text = joiner.join(_fill(rng, part, bank, language=language) for part in parts)
    return _roughen(rng, text, language=language)


def corpus(seed: int, *, per_intent: int, languages: tuple[str, ...] = LANGUAGES) -> list[dict[str, str]]:
    """Return ``per_intent`` labelled messages for every intent and language: ``{text, language, intent}``."""
    rng = random.Random(seed)
    return [
        {"text": buyer_text(rng, intent=intent, language=language), "language": language, "intent": intent}
        for language in languages
        for intent in INTENTS
        for _ in range(per_intent)
    ]
