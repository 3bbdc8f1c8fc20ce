"""Buyer-message intents (contracts §1): one primary label, a confidence, secondary labels.

Two halves, mixed into one score per intent:

* **Phrase rules** (``intent_rules/<language>.py``): weighted regular expressions written per
  language. They are precise and explain themselves, and they cover phrasings the training
  corpus never showed.
* **A Naive Bayes model** over word and character n-grams (:mod:`sellerdesk.core.intent_model`),
  trained on the phrase-bank corpus and the hand-written messages. It catches what no rule names
  and breaks ties between rules.

``score(intent) = model_log_score / temperature + RULE_WEIGHT * rule_score``, then a softmax gives
the confidence. A message no rule matched and the model is unsure about is flagged
``low_confidence``, as is any result under :data:`LOW_CONFIDENCE`: such messages need a person.

Pure: the text comes in, an :class:`IntentResult` goes out; the language is detected when not given.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import ahocorasick

from sellerdesk.core.intent_model import features, normalise, shipped_model
from sellerdesk.core.intent_rules import de, en, es, fr, it, ja
from sellerdesk.core.language import detect_language
from sellerdesk.core.language import forget_texts as forget_languages
from sellerdesk.core.regex_anchors import anchors

INTENTS: tuple[str, ...] = (
    "order_status", "tracking_request", "not_received", "cancel_order", "change_order",
    "return_refund", "exchange", "damaged_defective", "missing_parts", "wrong_item",
    "product_question", "usage_help", "invoice_request", "shipping_options", "payment_issue",
    "complaint", "feedback_review", "thanks_closing", "other",
)
"""The 19 intent labels of contracts §1, in the contract's order."""

RULE_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "ja")
"""Languages with phrase rules; other languages rely on the model and every language's rules."""

LOW_CONFIDENCE = 0.5
"""Below this confidence a result is flagged ``low_confidence``: a person should look."""

SECONDARY_SHARE = 0.12
"""An intent with at least this share of the probability is listed as a secondary intent."""

# Chosen by leave-one-split-out over the hand-written splits (docs/intents.md): the model's
# log-scores span tens of nats, a rule's weight one or two.
RULE_WEIGHT = 1.0
TEMPERATURE = 40.0
# Amazon's subject lines ("Return policy inquiry from Amazon customer ...") are weaker evidence
# than the buyer's own words.
SUBJECT_WEIGHT = 0.5
# A thank-you followed by a question or a problem is not a closing.
QUESTION_PENALTY = 1.5
OPEN_QUESTION_BONUS = 0.3

_RULE_TABLES = {"en": en.RULES, "de": de.RULES, "fr": fr.RULES, "es": es.RULES, "it": it.RULES, "ja": ja.RULES}
_INDEX = {name: i for i, name in enumerate(INTENTS)}
_QUESTION = re.compile(r"\?|？|\b(can|could|would|will|how|when|where|why|what|do|does|is|are)\b.{3,}")


@dataclass(frozen=True)
class IntentResult:
    """The intent of one buyer message.

    ``intent`` is one of :data:`INTENTS`; ``confidence`` is in 0..1; ``intents`` lists further
    intents the message also expresses, strongest first; ``low_confidence`` says that the
    primary intent is a guess a person should check.
    """

    intent: str
    confidence: float
    intents: tuple[str, ...] = ()
    low_confidence: bool = False


@cache
def _compiled(language: str) -> tuple[tuple[int, re.Pattern[str], float, tuple[str, ...] | None], ...]:
    """Return the rules of *language* (all languages' rules for one without its own)."""
    tables = [_RULE_TABLES[language]] if language in _RULE_TABLES else list(_RULE_TABLES.values())
    return tuple(
        (_INDEX[intent], re.compile(pattern), weight, anchors(pattern))
        for table in tables
        for intent, rules in table.items()
        for pattern, weight in rules
    )


@dataclass(frozen=True)
class _RuleIndex:
    """Which rules of a language a message can match, found from the literals it contains."""

    finder: Any  # a pyahocorasick automaton over every literal the rules need
    by_literal: dict[str, tuple[int, ...]]  # literal -> positions in _compiled() of the rules naming it
    always: frozenset[int]  # rules without a literal prefilter: always tried


@cache
def _rule_index(language: str) -> _RuleIndex:
    # Every literal is found in one pass (pyahocorasick, in C); only the rules whose literals
    # occur are tried, instead of one set test per rule.
    automaton = ahocorasick.Automaton()
    by_literal: dict[str, list[int]] = {}
    always: set[int] = set()
    for position, (_, _, _, literals) in enumerate(_compiled(language)):
        if literals is None:
            always.add(position)
        for literal in literals or ():
            by_literal.setdefault(literal, []).append(position)
            automaton.add_word(literal, literal)
    if len(automaton):
        automaton.make_automaton()
    return _RuleIndex(automaton, {k: tuple(v) for k, v in by_literal.items()}, frozenset(always))


def rule_scores(normalised: str, *, language: str) -> list[float]:
    """Return, per intent of :data:`INTENTS`, the summed weights of the rules that match."""
    totals = [0.0] * len(INTENTS)
    rules = _compiled(language)
    index = _rule_index(language)
    candidates = set(index.always)
    if len(index.finder):
        for literal in {literal for _, literal in index.finder.iter(normalised)}:
            candidates.update(index.by_literal[literal])
    for position in sorted(candidates):  # in table order: the weights add up in one fixed order
        intent, pattern, weight, _ = rules[position]
        if pattern.search(normalised):
            totals[intent] += weight
    return totals


@lru_cache(maxsize=1024)  # about 4 MiB when full
def _text_evidence(normalised: str, language: str) -> tuple[tuple[float, ...], frozenset[str]]:
    """The rule scores and model features of one text; kept for the texts seen lately (repeated
    subjects and short messages cost a look-up)."""
    return tuple(rule_scores(normalised, language=language)), frozenset(features(normalised))


def forget_texts() -> None:
    """Forget the evidence and the languages kept for the texts seen lately (to measure what new texts cost)."""
    _text_evidence.cache_clear()
    forget_languages()


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


@dataclass(frozen=True)
class Evidence:
    """What the two halves say about one message, before mixing (for tuning and explanations)."""

    rules: tuple[float, ...]  # per intent: summed weights of matching rules (thanks penalty applied)
    model: tuple[float, ...]  # per intent: the model's log-score (zeros without a model)
    known_features: int  # how many of the message's features the model knew
    empty: bool  # no letters at all


def gather_evidence(text: str, subject: str | None = None, *, language: str) -> Evidence:
    """Run the rules of *language* and the shipped model over a message."""
    body = normalise(text)
    body_rules, found = _text_evidence(body, language)
    rules = list(body_rules)
    if subject:
        subject_rules, subject_features = _text_evidence(normalise(subject), language)
        for index, value in enumerate(subject_rules):
            rules[index] += SUBJECT_WEIGHT * value
        found |= subject_features
    thanks = _INDEX["thanks_closing"]
    if rules[thanks] > 0 and ("?" in body or (_QUESTION.search(body) and max(
            v for i, v in enumerate(rules) if i != thanks) > 0)):
        rules[thanks] -= QUESTION_PENALTY
    if not any(rules) and ("?" in body or "？" in body):
        # A question no rule recognises is most often about the product itself.
        rules[_INDEX["product_question"]] += OPEN_QUESTION_BONUS
    model = shipped_model()
    known = 0
    model_scores = [0.0] * len(INTENTS)
    if model is not None:
        model_scores, known = model.scores(found)
    # Digits and punctuation alone ("123", "??") say nothing about an intent.
    return Evidence(tuple(rules), tuple(model_scores), known, not any(char.isalpha() for char in body))


def mix(evidence: Evidence, *, rule_weight: float = RULE_WEIGHT, temperature: float = TEMPERATURE,
        use_model: bool = True) -> IntentResult:
    """Turn the evidence into an :class:`IntentResult` (the weights are parameters for tuning)."""
    rules = evidence.rules
    if evidence.empty or (evidence.known_features == 0 and not any(rules)):
        return IntentResult("other", 0.0, (), True)
    model_part = evidence.model if use_model else (0.0,) * len(INTENTS)
    logits = [m / temperature + rule_weight * r for m, r in zip(model_part, rules, strict=True)]
    probabilities = _softmax(logits)
    ranked = sorted(range(len(INTENTS)), key=lambda i: -probabilities[i])
    best = ranked[0]
    thanks = _INDEX["thanks_closing"]
    secondary = tuple(
        INTENTS[i] for i in ranked[1:4]
        if probabilities[i] >= SECONDARY_SHARE or (rules[i] >= 1.5 and i != thanks)
    )
    confidence = round(probabilities[best], 3)
    unsure = confidence < LOW_CONFIDENCE or max(rules) <= 0
    return IntentResult(INTENTS[best], confidence, secondary, unsure)


def classify(text: str, subject: str | None = None, *, language: str | None = None) -> IntentResult:
    """Classify a buyer message into the intents of contracts §1.

    Args:
        text: the buyer's words.
        subject: the mail's subject line, if any (Amazon's subjects hint at the topic).
        language: the ISO 639-1 code of the text, if already known; detected otherwise.

    Returns:
        The primary intent with its confidence, further intents, and a low-confidence flag.
    """
    if language is None:
        language = detect_language(text) or "en"
    return mix(gather_evidence(text, subject, language=language))
