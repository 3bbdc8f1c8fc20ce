"""The project's labelled set of outgoing messages: block recall and precision stay at or above 0.95.

``tests/data/compliance/labelled.jsonl`` holds messages written for this test (positives and hard
negatives for every rule, in English, German, French, Spanish, Italian and Japanese, plus Chinese
cases), each with the rules that must fire and the verdict. BENCHMARKS.md reports the figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from sellerdesk.core.compliance import RULE_NAMES, check
from sellerdesk.core.compliance.records import context_from_record

DATA = Path(__file__).resolve().parents[2] / "data" / "compliance" / "labelled.jsonl"


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]


def outcomes() -> list[tuple[dict[str, Any], str, set[str]]]:
    results = []
    for record in load():
        result = check(record["text"], kind=record["kind"], context=context_from_record(record))
        results.append((record, result.verdict, result.rules()))
    return results


def test_the_set_is_big_and_covers_every_rule_and_language() -> None:
    records = load()
    assert len(records) >= 300
    assert {r["language"] for r in records} >= {"en", "de", "fr", "es", "it", "ja", "zh"}
    positives = Counter(rule for r in records for rule in r["expected_rules"])
    assert set(positives) == set(RULE_NAMES)
    # Hard negatives: messages that must pass, in every language.
    passing = Counter(r["language"] for r in records if r["expected_verdict"] == "pass")
    assert all(passing[lang] >= 15 for lang in ("en", "de", "fr", "es", "it", "ja"))


def test_block_recall_and_precision_are_at_least_095() -> None:
    counts: Counter[tuple[bool, bool]] = Counter()
    for record, verdict, _ in outcomes():
        expected = record["expected_verdict"] == "block"
        got = verdict == "block"
        counts[(expected, got)] += 1
    true_positive = counts[(True, True)]
    recall = true_positive / (true_positive + counts[(True, False)])
    precision = true_positive / (true_positive + counts[(False, True)])
    assert recall >= 0.95, f"block recall {recall:.3f}"
    assert precision >= 0.95, f"block precision {precision:.3f}"


def test_each_rule_fires_where_labelled_and_rarely_elsewhere() -> None:
    missed: list[str] = []
    extra: list[str] = []
    for record, _, rules in outcomes():
        expected = set(record["expected_rules"])
        missed += [f"{record['id']}:{rule}" for rule in expected - rules]
        extra += [f"{record['id']}:{rule}" for rule in rules - expected]
    total = sum(len(r["expected_rules"]) for r in load())
    assert len(missed) <= 0.05 * total, missed
    assert len(extra) <= 0.05 * total, extra
