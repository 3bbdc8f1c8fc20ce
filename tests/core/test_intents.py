"""Intent classification: the contract's labels, behaviour on typical messages, the held-back
accuracy, the rules' literal prefilter, the model, and the buyer-message generator."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.intent_model import features, model_from_dict, normalise, shipped_model, train
from sellerdesk.core.intents import INTENTS, RULE_LANGUAGES, IntentResult, _compiled, classify
from sellerdesk.core.regex_anchors import anchors
from sellerdesk.samples.buyer_texts import LANGUAGES, buyer_text, corpus

SPLITS = Path(__file__).resolve().parents[1] / "data" / "intents"
# The bar of the reply-assistant issue, per language, on realistic held-back messages.
BAR_ACCURACY = 0.90
BAR_MACRO_F1 = 0.88
# The split that was never trained on nor read while tuning (tools/train_intents.py refuses it).
HELD_BACK = "test4"

def split(name: str) -> list[dict[str, str]]:
    with (SPLITS / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for label in set(gold):
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        wrong = sum((g == label) != (p == label) for g, p in zip(gold, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return sum(scores) / len(scores)


def per_language(records: list[dict[str, str]]) -> dict[str, tuple[float, float]]:
    table = {}
    for language in LANGUAGES:
        mine = [r for r in records if r["language"] == language]
        gold = [r["intent"] for r in mine]
        predicted = [classify(r["text"], r.get("subject")).intent for r in mine]
        accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(mine)
        table[language] = (accuracy, macro_f1(gold, predicted))
    return table


def test_the_labels_are_the_contracts() -> None:
    assert INTENTS == (
        "order_status", "tracking_request", "not_received", "cancel_order", "change_order",
        "return_refund", "exchange", "damaged_defective", "missing_parts", "wrong_item",
        "product_question", "usage_help", "invoice_request", "shipping_options", "payment_issue",
        "complaint", "feedback_review", "thanks_closing", "other",
    )


def test_a_result_is_frozen() -> None:
    result = classify("Please cancel my order.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "other"  # type: ignore[misc]


@pytest.mark.parametrize(("text", "intent"), [
    ("Can you send me the tracking number please?", "tracking_request"),
    ("Tracking says delivered but there is nothing at my door.", "not_received"),
    ("Bitte stornieren Sie meine Bestellung, ich habe mich vertan.", "cancel_order"),
    ("J'ai besoin d'une facture avec TVA pour mon entreprise.", "invoice_request"),
    ("Me han cobrado dos veces el mismo pedido.", "payment_issue"),
    ("Il caricabatterie non era nella confezione.", "missing_parts"),
    ("青を注文したのに赤が届きました。", "wrong_item"),
])
def test_typical_messages(text: str, intent: str) -> None:
    assert classify(text).intent == intent


def test_a_thank_you_that_asks_something_is_not_a_closing() -> None:
    assert classify("Thanks, all sorted now!").intent == "thanks_closing"
    asking = classify("Thanks for the reply! When will the replacement ship?")
    assert asking.intent == "order_status"


def test_secondary_intents_are_listed() -> None:
    result = classify("The screen arrived cracked. I want a refund, please.")
    assert {result.intent, *result.intents} >= {"damaged_defective", "return_refund"}


def test_amazons_subject_line_helps_a_vague_body() -> None:
    body = "Hi, can I still do that after 30 days?"
    with_subject = classify(body, "Return policy inquiry from Amazon customer Jane")
    assert with_subject.intent == "return_refund"


def test_nothing_to_go_on_is_other_and_flagged() -> None:
    for text in ("", "   ", "114-1234567-1234567", "?!"):
        result = classify(text)
        assert result == IntentResult("other", 0.0, (), True)


def test_low_confidence_is_said() -> None:
    vague = classify("hmm", language="en")
    assert vague.low_confidence
    clear = classify("Please cancel order 114-1234567-1234567, I ordered it by mistake.")
    assert not clear.low_confidence
    assert clear.confidence > vague.confidence


@settings(deadline=None)  # the first example builds the detector and compiles the rules
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=80)),
       st.sampled_from([None, "en", "de", "fr", "es", "it", "ja", "pt", "xx"]))
def test_never_fails_and_answers_a_label(text: str, subject: str | None, language: str | None) -> None:
    result = classify(text, subject, language=language)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert set(result.intents) <= set(INTENTS) - {result.intent}


def test_the_issues_bar_on_the_held_back_split() -> None:
    """Fails when accuracy or macro-F1 of any of the six languages drops below the bar."""
    for language, (accuracy, f1) in per_language(split(HELD_BACK)).items():
        assert accuracy >= BAR_ACCURACY, f"{language}: accuracy {accuracy:.3f}"
        assert f1 >= BAR_MACRO_F1, f"{language}: macro-F1 {f1:.3f}"


def test_the_rules_literal_prefilter_never_skips_a_match() -> None:
    texts = [normalise(r["text"]) for name in ("dev", "train_hand", HELD_BACK) for r in split(name)]
    for language in RULE_LANGUAGES:
        for _index, pattern, _weight, literals in _compiled(language):
            if literals is None:
                continue
            for text in texts:
                if pattern.search(text):
                    assert any(literal in text for literal in literals), (pattern.pattern, text)


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"\bcancell?ed\b", ("cancel",)),
    (r"\b(any|an) update on\b|\bupdate (on|about)", (" update on", "update ")),
    (r"\b(\d|una|dos) estrellas?\b", (" estrella",)),
    (r"\b(not|never) (yet )?shipped\b", ("shipped",)),
    (r"\b(no|ni) \w+ ni\b", ("no", "ni")),
    (r"(?:abc|abd)e", ("abc", "abd")),
    (r"いつ(頃|ごろ)?.{0,15}(届|到着)", ("いつ",)),
    (r"\b(x)?yz", ("yz",)),
    (r"(?=ab)ab", ("ab",)),
    (r"\b(a|bc)d", None),
    (r"\bx\w*", None),
])
def test_anchors(pattern: str, expected: tuple[str, ...] | None) -> None:
    assert anchors(pattern) == expected
    re.compile(pattern)


def test_normalise_removes_latin_accents_but_keeps_japanese_marks() -> None:
    assert normalise("Rückerstattung für Straße, reçu, ÉTÉ") == "ruckerstattung fur strasse, recu, ete"
    assert normalise("ガラスが割れて") == "ガラスが割れて"
    assert normalise("ＡＢＣ？") == "abc?"


def test_features_cover_words_pairs_fragments_and_japanese_ngrams() -> None:
    found = features(normalise("Refund order 114-1234567-1234567 please"))
    assert {"wrefund", "borderid_please", "c<ref", "worderid"} <= found
    assert {"j返品", "j返品し"} <= features(normalise("返品したい"))


def test_a_trained_model_prefers_the_class_its_words_were_seen_with() -> None:
    model = model_from_dict(train(
        [("refund please", "return_refund"), ("refund my money", "return_refund"),
         ("cancel please", "cancel_order"), ("cancel it now", "cancel_order")],
        labels=INTENTS, min_count=1,
    ))
    scores, known = model.scores(features(normalise("refund")))
    assert known >= 1
    assert scores.index(max(scores)) == INTENTS.index("return_refund")


def test_the_shipped_model_is_present() -> None:
    model = shipped_model()
    assert model is not None
    assert model.labels == INTENTS


@pytest.mark.parametrize("language", LANGUAGES)
def test_buyer_text_covers_every_intent_and_is_reproducible(language: str) -> None:
    for intent in INTENTS:
        first = buyer_text(random.Random(3), intent=intent, language=language)
        assert first.strip()
        assert first == buyer_text(random.Random(3), intent=intent, language=language)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(INTENTS), st.sampled_from(LANGUAGES))
def test_buyer_text_fills_every_slot(seed: int, intent: str, language: str) -> None:
    text = buyer_text(random.Random(seed), intent=intent, language=language)
    assert text.strip()
    assert "{" not in text
    assert "}" not in text


def test_buyer_text_refuses_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown intent"):
        buyer_text(random.Random(1), intent="refund", language="en")
    with pytest.raises(ValueError, match="no buyer phrase bank"):
        buyer_text(random.Random(1), intent="other", language="xx")


def test_generated_messages_of_a_fresh_seed_are_classified_as_generated() -> None:
    records = corpus(12345, per_intent=3)
    right = sum(classify(r["text"], language=r["language"]).intent == r["intent"] for r in records)
    assert right / len(records) >= 0.95
