"""Write the intent training corpus and train the shipped intent model from it.

Run: ``.venv/bin/python tools/train_intents.py [--seed 7] [--per-intent 150]``

1. Generates ``per-intent`` buyer messages for every intent and language from the phrase banks
   (:func:`sellerdesk.samples.buyer_texts.corpus`) and writes them to
   ``tests/data/intents/train.jsonl``.
2. Trains the Naive Bayes model (:func:`sellerdesk.core.intent_model.train`) on them and writes
   ``src/sellerdesk/core/intent_rules/model.json``.

The same seed gives the same files, byte for byte. The held-back splits (``dev.jsonl``,
``test.jsonl``) are hand-written and never touched here.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sellerdesk.core.intent_model import train
from sellerdesk.core.intents import INTENTS
from sellerdesk.samples.buyer_texts import corpus

ROOT = Path(__file__).resolve().parents[1]
TRAIN_FILE = ROOT / "tests" / "data" / "intents" / "train.jsonl"
MODEL_FILE = ROOT / "src" / "sellerdesk" / "core" / "intent_rules" / "model.json"


def main() -> None:
    """Parse the arguments, write the corpus, train and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-intent", type=int, default=150, help="messages per intent and language")
    parser.add_argument("--min-count", type=int, default=2, help="drop features seen fewer times")
    parser.add_argument("--alpha", type=float, default=0.5, help="Laplace smoothing")
    args = parser.parse_args()

    records = corpus(args.seed, per_intent=args.per_intent)
    TRAIN_FILE.parent.mkdir(parents=True, exist_ok=True)
    with TRAIN_FILE.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    model = train(((r["text"], r["intent"]) for r in records), labels=INTENTS,
                  alpha=args.alpha, min_count=args.min_count)
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(records)} training messages -> {TRAIN_FILE.relative_to(ROOT)}")
    print(f"{model['vocabulary']} features -> {MODEL_FILE.relative_to(ROOT)} ({MODEL_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
