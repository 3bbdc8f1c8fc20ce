"""The golden corpus: every file of tests/data/eml is pinned by its expected fields in expected.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sellerdesk.core.amazon_mail import parse_relay_mail
from sellerdesk.errors import MessageParseError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "eml"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
# Checks that are not plain ParsedMail attributes.
SPECIAL = {"attachments", "quoted_contains", "text_contains", "problems_contain", "error"}


def test_every_corpus_file_is_pinned() -> None:
    files = {p.name for p in CORPUS.glob("*.eml")}
    assert files == set(EXPECTED)


def test_the_corpus_covers_every_marketplace_and_notice_type() -> None:
    marketplaces = {e.get("marketplace") for e in EXPECTED.values() if e.get("kind") == "buyer_message"}
    assert marketplaces >= {"US", "CA", "MX", "BR", "UK", "DE", "FR", "IT", "ES", "NL", "SE", "PL", "TR", "JP",
                            "AU", "SG", "IN", "AE", "SA"}
    notices = {e.get("notice_type") for e in EXPECTED.values() if e.get("kind") == "amazon_notice"}
    assert notices >= {"order_update", "delivery_failure", "buyer_opt_out", "sent_copy", "seller_support"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_mail(name: str) -> None:
    expected = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    if "error" in expected:
        with pytest.raises(MessageParseError, match=expected["error"]):
            parse_relay_mail(raw)
        return
    parsed = parse_relay_mail(raw)
    for field, value in expected.items():
        if field in SPECIAL:
            continue
        actual = getattr(parsed, field)
        if isinstance(actual, tuple):
            actual = list(actual)
        elif actual is not None and not isinstance(actual, str | int):
            actual = str(actual)
        assert actual == value, f"{name}: {field}"
    if "attachments" in expected:
        assert [a.filename for a in parsed.attachments] == expected["attachments"]
    if "quoted_contains" in expected:
        assert expected["quoted_contains"] in (parsed.quoted_text or "")
        assert expected["quoted_contains"] not in parsed.text
    if "text_contains" in expected:
        assert expected["text_contains"] in parsed.text
    if "problems_contain" in expected:
        assert any(expected["problems_contain"] in p for p in parsed.problems), parsed.problems
    else:
        assert parsed.problems == (), parsed.problems
