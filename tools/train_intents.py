"""Write the intent training corpus and train the shipped intent model from it.

Run: ``.venv/bin/python tools/train_intents.py [--seed 7] [--per-intent 150]``

1. Generates ``per-intent`` buyer messages for every intent and language from the phrase banks
   (:func:`sellerdesk.samples.buyer_texts.corpus`) and writes them to
   ``tests/data/intents/train.jsonl``.
2. Trains the Naive Bayes model (:func:`sellerdesk.core.intent_model.train`) on them, plus the
   hand-written splits named with ``--hand-written`` (each message counted ``--hand-weight``
   times: they are few but far more varied than the generated ones), and writes
   ``src/sellerdesk/core/intent_rules/model.json``.

The same arguments give the same files, byte for byte. The splits used for evaluation
(``test4.jsonl``) must never be named here.
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
HAND_WRITTEN = ("dev", "test", "test2", "test3", "train_hand")
EVALUATION_SPLITS = ("test4",)
MODEL_FILE = ROOT / "src" / "sellerdesk" / "core" / "intent_rules" / "model.json"


def main() -> None:
    """Parse the arguments, write the corpus, train and write the model."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-intent", type=int, default=150, help="messages per intent and language")
    parser.add_argument("--min-count", type=int, default=2, help="drop features seen fewer times")
    parser.add_argument("--alpha", type=float, default=0.5, help="Laplace smoothing")
    parser.add_argument("--hand-written", nargs="*", default=list(HAND_WRITTEN),
                        help="hand-written splits to train on as well (names under tests/data/intents)")
    parser.add_argument("--hand-weight", type=int, default=8, help="how many times each hand-written message counts")
    args = parser.parse_args()
    held_out = set(args.hand_written) & set(EVALUATION_SPLITS)
    if held_out:
        parser.error(f"{', '.join(sorted(held_out))}: evaluation splits must not be trained on")

    records = corpus(args.seed, per_intent=args.per_intent)
    TRAIN_FILE.parent.mkdir(parents=True, exist_ok=True)
    with TRAIN_FILE.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    samples = [(r["text"], r["intent"]) for r in records]
    for name in args.hand_written:
        with (TRAIN_FILE.parent / f"{name}.jsonl").open(encoding="utf-8") as lines:
            hand = [json.loads(line) for line in lines if line.strip()]
        samples += [(h["text"] + " " + h.get("subject", ""), h["intent"]) for h in hand] * args.hand_weight
    model = train(samples, labels=INTENTS, alpha=args.alpha, min_count=args.min_count)
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(records)} generated training messages -> {TRAIN_FILE.relative_to(ROOT)}, "
          f"plus {', '.join(args.hand_written) or 'no'} hand-written splits x{args.hand_weight}")
    print(f"{model['vocabulary']} features -> {MODEL_FILE.relative_to(ROOT)} ({MODEL_FILE.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
