"""Relay-mail parsing speed: ``parse_relay_mail`` against the standard library's parser alone.

Run: ``.venv/bin/python bench/parse.py [--count 2000] [--rounds 5] [--seed 1]``

Every contender parses the same generated corpus (all marketplaces, body styles, charsets,
notices); each round times them one after another and the best round counts. Time is the
process's CPU time (one core, single-threaded), so other load on a shared machine bends the
figures less than wall-clock time would. Printed: mails per second of CPU and microseconds
per mail for

* ``stdlib compat32``: ``email.message_from_bytes(raw)`` (the rules ``parse_relay_mail`` reads by);
* ``stdlib default``: ``email.message_from_bytes(raw, policy=email.policy.default)``;
* ``parse (structure)``: ``parse_relay_mail(raw, classify=False)``;
* ``parse + language``: the structure, then ``detect_language`` on a buyer message's text with
  the marketplace's hint, as ``parse_relay_mail`` calls it;
* ``parse (full)``: ``parse_relay_mail(raw)``, with language detection and intent;
* ``... every text new``: the same, forgetting the answers kept for texts seen lately before every
  mail (the other contenders forget them before each round only, so a round is one pass over
  mails the parser has not seen, but texts that repeat inside the corpus are answered once);

the ratios of the parser's time to each standard-library baseline, how many different buyer
texts the corpus holds, and whether the parser's output for the corpus is the reference output
(a SHA-256 over every field of every parsed mail, recorded for the default corpus).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import hashlib
import time
from collections.abc import Callable

from sellerdesk.core.amazon_mail import marketplace_language, parse_relay_mail
from sellerdesk.core.intents import forget_texts
from sellerdesk.core.language import detect_language
from sellerdesk.core.mail import MailKind
from sellerdesk.samples import generate_relay_mails

REFERENCE_DIGESTS = {
    (1, 2000): "93d7a3c215501bb041a74a71a973985112730571c621aefb2f0b87d36b5d0fc1",
}
"""SHA-256 of the full parse of the corpus (seed, count), from the parser before it was made faster."""


def _stdlib_default(raw: bytes) -> object:
    return email.message_from_bytes(raw, policy=email.policy.default)


def _structure(raw: bytes) -> object:
    return parse_relay_mail(raw, classify=False)


def _with_language(raw: bytes) -> object:
    parsed = parse_relay_mail(raw, classify=False)
    if parsed.kind == MailKind.BUYER_MESSAGE and parsed.text:
        return detect_language(parsed.text, hint=marketplace_language(parsed.marketplace))
    return parsed


def _every_text_new(parse: Callable[[bytes], object]) -> Callable[[bytes], object]:
    def parse_new(raw: bytes) -> object:
        forget_texts()
        return parse(raw)

    return parse_new


CONTENDERS: dict[str, Callable[[bytes], object]] = {
    "stdlib compat32": email.message_from_bytes,
    "stdlib default": _stdlib_default,
    "parse (structure)": _structure,
    "parse + language": _with_language,
    "parse + language, every text new": _every_text_new(_with_language),
    "parse (full)": parse_relay_mail,
    "parse (full), every text new": _every_text_new(parse_relay_mail),
}


def digest(corpus: list[bytes]) -> str:
    """SHA-256 over the full parse of every mail of *corpus*: every field, in order."""
    forget_texts()
    outputs = hashlib.sha256()
    for raw in corpus:
        outputs.update(repr(parse_relay_mail(raw)).encode("utf-8", "surrogateescape") + b"\n")
    return outputs.hexdigest()


def measure(corpus: list[bytes], *, rounds: int) -> dict[str, float]:
    """Best CPU seconds per mail of every contender over *rounds* interleaved rounds."""
    for raw in corpus:  # warm-up: lazy models, regex caches
        parse_relay_mail(raw)
    best = dict.fromkeys(CONTENDERS, float("inf"))
    for _ in range(rounds):
        for name, parse in CONTENDERS.items():
            forget_texts()
            start = time.process_time()
            for raw in corpus:
                parse(raw)
            best[name] = min(best[name], (time.process_time() - start) / len(corpus))
    return best


def main() -> None:
    """Generate the corpus, check the output, time every contender and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="mails in the corpus (default 2000)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds; the best counts (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    args = parser.parse_args()
    corpus = [sample.raw for sample in generate_relay_mails(seed=args.seed, count=args.count)]
    size = sum(map(len, corpus)) / len(corpus)
    print(f"corpus: {len(corpus)} generated mails, seed {args.seed}, {size:.0f} bytes on average")
    buyers = [p for p in (parse_relay_mail(raw, classify=False) for raw in corpus) if p.kind == MailKind.BUYER_MESSAGE]
    print(f"buyer messages: {len(buyers)}, {len({p.text for p in buyers})} different texts")
    found = digest(corpus)
    reference = REFERENCE_DIGESTS.get((args.seed, args.count))
    verdict = "no reference for this corpus" if reference is None else (
        "the reference output" if found == reference else f"DIFFERENT from the reference {reference}")
    print(f"output sha256 {found}: {verdict}")
    best = measure(corpus, rounds=args.rounds)
    for name, seconds in best.items():
        print(f"{name:33} {1 / seconds:8.0f} mails/s {seconds * 1e6:8.1f} us/mail")
    for ours in list(CONTENDERS)[2:]:
        for base in ("stdlib compat32", "stdlib default"):
            print(f"{ours} / {base}: {best[ours] / best[base]:.2f}x the time")


if __name__ == "__main__":
    main()
