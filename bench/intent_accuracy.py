"""Intent and language accuracy on the held-back splits, and the time each costs per message.

Run: ``.venv/bin/python bench/intent_accuracy.py [--split test] [--rounds 5] [--tune]``

Printed, for the chosen split (``tests/data/intents/<split>.jsonl``, hand-written, never used
for training):

* intent accuracy and macro-F1 per language for three methods: the phrase rules alone, the
  Naive Bayes model alone, and both mixed (what :func:`classify` does). The language given to
  the classifier is the detected one, as in production;
* language-detection accuracy on messages of 20 characters or more (and on all messages);
* CPU microseconds per message (``time.process_time``: other load on the machine counts
  less) for ``detect_language``, ``classify`` (language given) and a trivial
  baseline (lower-casing plus one keyword look-up per intent), best of ``--rounds`` rounds, the
  answers kept per text forgotten before each round;
* with ``--tune``: accuracy over a grid of rule weights and temperatures (run it on ``dev``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sellerdesk.core.intents import INTENTS, Evidence, IntentResult, classify, forget_texts, gather_evidence, mix
from sellerdesk.core.language import detect_language

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "intents"
LANGUAGES = ("en", "de", "fr", "es", "it", "ja")


def load_split(name: str) -> list[dict[str, Any]]:
    """Return the records of ``tests/data/intents/<name>.jsonl``."""
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Return the F1 score averaged over the labels that occur in *gold*."""
    labels = sorted(set(gold))
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def evidence_for(records: Iterable[dict[str, Any]]) -> list[Evidence]:
    """Gather the rule and model evidence for every record, with the detected language."""
    return [
        gather_evidence(r["text"], r.get("subject"), language=detect_language(r["text"]) or "en")
        for r in records
    ]


def scores_by_language(records: Sequence[dict[str, Any]], results: Sequence[IntentResult]
                       ) -> dict[str, tuple[float, float, int]]:
    """Return ``{language: (accuracy, macro_f1, count)}``, plus ``"all"``."""
    table = {}
    for language in (*LANGUAGES, "all"):
        pairs = [(r["intent"], res.intent) for r, res in zip(records, results, strict=True)
                 if language in ("all", r["language"])]
        if not pairs:
            continue
        gold, predicted = zip(*pairs, strict=True)
        accuracy = sum(1 for g, p in pairs if g == p) / len(pairs)
        table[language] = (accuracy, macro_f1(gold, predicted), len(pairs))
    return table


METHODS: dict[str, Callable[[Evidence], IntentResult]] = {
    "rules only": lambda e: mix(e, use_model=False),
    "model only": lambda e: mix(e, rule_weight=0.0),
    "rules + model": mix,
}


def print_accuracy(records: Sequence[dict[str, Any]], evidence: Sequence[Evidence]) -> None:
    """Print accuracy and macro-F1 per language for every method."""
    print(f"{'method':<15}" + "".join(f"{lang:>14}" for lang in (*LANGUAGES, "all")))
    for name, method in METHODS.items():
        table = scores_by_language(records, [method(e) for e in evidence])
        cells = "".join(f"{table[lang][0]:>7.3f}/{table[lang][1]:.3f}" for lang in (*LANGUAGES, "all"))
        print(f"{name:<15}{cells}")
    print("(accuracy/macro-F1; counts: " + ", ".join(
        f"{lang} {n}" for lang, n in Counter(r["language"] for r in records).items()) + ")")


def print_confusions(records: Sequence[dict[str, Any]], evidence: Sequence[Evidence], *, limit: int) -> None:
    """Print the most frequent (gold -> predicted) confusions of the mixed method."""
    pairs = Counter((r["intent"], mix(e).intent) for r, e in zip(records, evidence, strict=True))
    wrong = [(n, g, p) for (g, p), n in pairs.items() if g != p]
    for n, gold, predicted in sorted(wrong, reverse=True)[:limit]:
        print(f"  {n:>3}  {gold} -> {predicted}")


def print_language_accuracy(records: Sequence[dict[str, Any]]) -> None:
    """Print language-detection accuracy on 20+ character messages and on all messages."""
    for label, subset in (("20+ chars", [r for r in records if len(r["text"]) >= 20]), ("all", records)):
        right = sum(1 for r in subset if detect_language(r["text"]) == r["language"])
        print(f"language detection, {label}: {right / len(subset):.3f} ({right}/{len(subset)})")


def _baseline(text: str) -> str:
    lowered = text.lower()
    for intent in INTENTS:
        if intent.split("_")[0] in lowered:
            return intent
    return "other"


def print_timing(records: Sequence[dict[str, Any]], *, rounds: int) -> None:
    """Print microseconds per message for detection, classification and a trivial baseline."""
    texts = [(r["text"], r["language"]) for r in records]
    detect_language(texts[0][0])  # build the detector outside the timed rounds
    contenders: dict[str, Callable[[], object]] = {
        "baseline (lower + 19 look-ups)": lambda: [_baseline(t) for t, _ in texts],
        "detect_language": lambda: [detect_language(t) for t, _ in texts],
        "classify (language given)": lambda: [classify(t, language=lang) for t, lang in texts],
        "classify (language detected)": lambda: [classify(t) for t, _ in texts],
    }
    for name, run in contenders.items():
        best = float("inf")
        for _ in range(rounds):
            forget_texts()  # time new texts, not the answers kept from the round before
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
        print(f"{name:<32}{best / len(texts) * 1e6:>9.1f} µs/message")


def tune(records: Sequence[dict[str, Any]], evidence: Sequence[Evidence]) -> None:
    """Print overall accuracy and the worst language's macro-F1 over a grid of mixing weights."""
    for rule_weight in (0.5, 1.0, 1.6, 2.5, 4.0):
        for temperature in (2.0, 4.0, 6.0, 10.0, 16.0):
            table = scores_by_language(records, [mix(e, rule_weight=rule_weight, temperature=temperature)
                                                 for e in evidence])
            worst = min(v[1] for k, v in table.items() if k != "all")
            print(f"rule_weight {rule_weight:<4} temperature {temperature:<5} "
                  f"accuracy {table['all'][0]:.3f}  worst-language macro-F1 {worst:.3f}")


def main() -> None:
    """Parse the arguments and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", help="test, dev or train")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--confusions", type=int, default=12, help="how many confusions to list")
    parser.add_argument("--tune", action="store_true", help="print a grid of mixing weights")
    args = parser.parse_args()
    records = load_split(args.split)
    evidence = evidence_for(records)
    print(f"split {args.split}: {len(records)} messages")
    print_accuracy(records, evidence)
    print("most frequent confusions (rules + model):")
    print_confusions(records, evidence, limit=args.confusions)
    print_language_accuracy(records)
    print_timing(records, rounds=args.rounds)
    if args.tune:
        tune(records, evidence)


if __name__ == "__main__":
    main()
