"""The knowledge base: YAML and CSV import, errors that name the entry, the tip per intent."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.knowledge import KnowledgeEntry, parse_csv, parse_knowledge, parse_yaml
from sellerdesk.errors import InputError


def test_yaml_as_a_list_or_a_mapping_by_asin() -> None:
    listed = parse_yaml("- asin: b0chair001\n  sizes: Runs small\n  language: EN\n")
    mapped = parse_yaml("B0CHAIR001:\n  sizes: Runs small\n  language: en\nB0LAMP0001: Bulb not included\n")
    assert listed == [KnowledgeEntry("B0CHAIR001", language="en", sizes="Runs small")]
    assert mapped[0] == listed[0]
    assert mapped[1] == KnowledgeEntry("B0LAMP0001", notes="Bulb not included")


def test_csv_with_a_header_row() -> None:
    entries = parse_csv("ASIN,compatibility,known_issues\nB0CASE0001,iPhone 15 only,\n")
    assert entries == [KnowledgeEntry("B0CASE0001", compatibility="iPhone 15 only")]
    assert parse_knowledge("asin,care\nB0CASE0001,Rinse\n", source="kb.CSV")[0].care == "Rinse"


@pytest.mark.parametrize(("text", "source", "message"), [
    ("- asin: short\n", "kb.yaml", "kb.yaml entry 1: 'asin' must be 10"),
    ("- asin: B0CHAIR001\n  colour: red\n", "kb.yaml", "unknown field(s) colour"),
    ("just text", "kb.yaml", "expected a list of entries"),
    ("- [1, 2]\n", "kb.yaml", "entry 1 is not a mapping"),
    ("a: [\n", "kb.yaml", "not valid YAML"),
    ("sku,care\nX,Y\n", "kb.csv", "needs an 'asin' column"),
    ("asin,care\nB0CHAIR001,ok\nbad,ok\n", "kb.csv", "kb.csv line 3"),
])
def test_errors_name_the_file_and_the_entry(text: str, source: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_knowledge(text, source=source)


def test_the_tip_fits_the_intent() -> None:
    entry = KnowledgeEntry("B0CHAIR001", sizes="Runs small.", setup="Tighten the bolts twice.", notes="Grey only.")
    assert entry.tip_for("exchange") == "Runs small."
    assert entry.tip_for("usage_help") == "Tighten the bolts twice."
    assert entry.tip_for("product_question") == "Runs small."
    assert entry.tip_for("missing_parts") is None
    assert entry.tip_for("order_status") is None


@given(st.text(max_size=300))
def test_any_text_parses_or_raises_input_error(text: str) -> None:
    for source in ("kb.yaml", "kb.csv"):
        try:
            entries = parse_knowledge(text, source=source)
        except InputError:
            continue
        assert all(len(e.asin) == 10 for e in entries)
