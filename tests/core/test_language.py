"""Language detection: scripts, the function-word fast path, the statistical models, the hint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.language import SUPPORTED_LANGUAGES, detect_language

SPLITS = Path(__file__).resolve().parents[1] / "data" / "intents"


@pytest.mark.parametrize(("text", "expected"), [
    ("Hi, where is my order? It has been two weeks.", "en"),
    ("Hallo, wo ist meine Bestellung? Ich warte seit zwei Wochen.", "de"),
    ("Bonjour, je n'ai toujours pas reçu ma commande.", "fr"),
    ("Hola, todavía no he recibido mi pedido.", "es"),
    ("Buongiorno, non ho ancora ricevuto il mio ordine.", "it"),
    ("Olá, ainda não recebi o meu pedido.", "pt"),
    ("Hallo, ik heb mijn bestelling nog niet ontvangen.", "nl"),
    ("Hej, jag har fortfarande inte fått min beställning.", "sv"),
    ("Dzień dobry, nie otrzymałem jeszcze mojego zamówienia.", "pl"),
    ("Merhaba, siparişim hala gelmedi.", "tr"),
])
def test_latin_languages_of_the_marketplaces(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("商品がまだ届いていません。", "ja"),
    ("我的订单还没有到", "zh"),
    ("لم أستلم طلبي بعد", "ar"),
    ("मेरा ऑर्डर अभी तक नहीं आया", "hi"),
    ("주문한 상품이 아직 안 왔어요", "ko"),
])
def test_other_scripts_decide_without_the_models(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_kanji_alone_is_japanese_on_a_japanese_marketplace() -> None:
    assert detect_language("返品") == "zh"
    assert detect_language("返品", hint="ja") == "ja"


def test_the_hint_decides_for_texts_too_short_to_tell() -> None:
    assert detect_language("OK!", hint="fr") == "fr"
    assert detect_language("Danke!", hint="de") == "de"
    assert detect_language("Ciao", hint="it") == "it"


def test_the_hint_does_not_override_a_clear_text() -> None:
    assert detect_language("Hello, my parcel never arrived and tracking says delivered.", hint="de") == "en"


def test_nothing_to_go_on() -> None:
    assert detect_language("") is None
    assert detect_language("114-1234567-1234567 B0ABCDEFGH 42") is None
    assert detect_language("  ?! ", hint="es") == "es"


def test_identifiers_and_urls_do_not_sway_a_short_text() -> None:
    text = "Bestellung 302-1234567-7654321, ASIN B0ABCDEFGH: wo bleibt das Paket? https://www.amazon.de/gp/css"
    assert detect_language(text) == "de"


def test_a_latin_text_quoting_a_few_kanji_stays_latin() -> None:
    assert detect_language("The box says 東京 on it but the order is for Berlin, where is it?") == "en"


def _hand_written(name: str) -> list[dict[str, str]]:
    with (SPLITS / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_accuracy_on_hand_written_messages_of_20_characters_or_more() -> None:
    names = ("dev", "test", "test2", "test3", "test4", "train_hand")
    records = [r for name in names for r in _hand_written(name) if len(r["text"]) >= 20]
    right = sum(1 for r in records if detect_language(r["text"]) == r["language"])
    assert right / len(records) >= 0.98, f"{right}/{len(records)}"


@settings(deadline=None)  # the first example builds the detector and compiles the rules
@given(st.text(max_size=300), st.sampled_from([None, "en", "de", "ja", "xx"]))
def test_never_fails_and_answers_a_known_code(text: str, hint: str | None) -> None:
    result = detect_language(text, hint=hint)
    assert result is None or result in SUPPORTED_LANGUAGES or result == hint
