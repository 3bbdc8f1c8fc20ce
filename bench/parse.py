"""Relay-mail parsing speed: ``parse_relay_mail`` against the standard library's parser alone.

Run: ``.venv/bin/python bench/parse.py [--count 2000] [--rounds 5] [--seed 1]``

Every contender parses the same generated corpus (all marketplaces, body styles, charsets,
notices); each round times them one after another and the best round counts. Time is the
process's CPU time (one core, single-threaded), so other load on a shared machine bends the
figures less than wall-clock time would. Printed: mails per second of CPU and microseconds
per mail for

* ``stdlib compat32``: ``email.message_from_bytes(raw)`` (the parser ``parse_relay_mail`` uses);
* ``stdlib default``: ``email.message_from_bytes(raw, policy=email.policy.default)``;
* ``parse (structure)``: ``parse_relay_mail(raw, classify=False)``;
* ``parse (full)``: ``parse_relay_mail(raw)``, with language detection and intent;

and the ratios of the parser's time to each standard-library baseline.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import time
from collections.abc import Callable

from sellerdesk.core.amazon_mail import parse_relay_mail
from sellerdesk.samples import generate_relay_mails


def _stdlib_default(raw: bytes) -> object:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _structure(raw: bytes) -> object:
    return parse_relay_mail(raw, classify=False)


CONTENDERS: dict[str, Callable[[bytes], object]] = {
    "stdlib compat32": email.message_from_bytes,
    "stdlib default": _stdlib_default,
    "parse (structure)": _structure,
    "parse (full)": parse_relay_mail,
}


def measure(corpus: list[bytes], *, rounds: int) -> dict[str, float]:
    """Best CPU seconds per mail of every contender over *rounds* interleaved rounds."""
    for raw in corpus:  # warm-up: lazy models, regex caches
        parse_relay_mail(raw)
    best = dict.fromkeys(CONTENDERS, float("inf"))
    for _ in range(rounds):
        for name, parse in CONTENDERS.items():
            start = time.process_time()
            for raw in corpus:
                parse(raw)
            best[name] = min(best[name], (time.process_time() - start) / len(corpus))
    return best


def main() -> None:
    """Generate the corpus, time every contender and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="mails in the corpus (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best counts (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    args = parser.parse_args()
    corpus = [sample.raw for sample in generate_relay_mails(seed=args.seed, count=args.count)]
    size = sum(map(len, corpus)) / len(corpus)
    print(f"corpus: {len(corpus)} generated mails, seed {args.seed}, {size:.0f} bytes on average")
    best = measure(corpus, rounds=args.rounds)
    for name, seconds in best.items():
        print(f"{name:20} {1 / seconds:8.0f} mails/s {seconds * 1e6:8.1f} us/mail")
    for ours in ("parse (structure)", "parse (full)"):
        for base in ("stdlib compat32", "stdlib default"):
            print(f"{ours} / {base}: {best[ours] / best[base]:.2f}x the time")


if __name__ == "__main__":
    main()
