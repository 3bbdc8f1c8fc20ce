"""How fast and how complete the compliance guard is, side by side with a generic PII scanner.

Run: ``.venv/bin/python bench/compliance.py [REPLIES]`` (default 3,000; scrubadub comes with
``pip install -e '.[bench]'``). Prints figures for BENCHMARKS.md; nothing is asserted.

1. Speed: the full rule set without ``near_duplicate`` on typical replies of about 600 characters in
   six languages (built from the clean replies of the labelled set), in replies per CPU-second of
   one process, and scrubadub doing only e-mail, phone and URL detection on the same texts.
2. Recall on those three rules: the same replies with one e-mail address, phone number or link
   inserted (plain and obfuscated forms), and false alarms on the untouched replies, which carry
   order IDs, tracking numbers, ASINs, prices, dates and Amazon links.
3. The labelled set: block recall and precision, and per-rule figures.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sellerdesk.core.compliance import RULE_NAMES, CheckContext, check
from sellerdesk.core.compliance.records import context_from_record

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "compliance" / "labelled.jsonl"
MARKETS = {"en": "US", "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "ja": "JP"}
RULES = tuple(name for name in RULE_NAMES if name != "near_duplicate")

INSERTS: dict[str, list[str]] = {
    "email_address": ["Write to help@acme-shop.com.", "Mail acme.help@gmail.com if needed.",
                      "Send it to acme.help at gmail dot com.", "Contact: service(at)acme-shop(dot)de",
                      "ｓｕｐｐｏｒｔ＠ａｃｍｅ．ｊｐ"],
    "phone_number": ["Call us at (212) 555-0147.", "Tel. +49 30 12345678", "Ring 020 7946 0958.",
                     "お電話は 03-1234-5678 まで。", "Telefono: 02 1234 5678", "WeChat/phone 138 1234 5678"],
    "external_link": ["See https://acme-shop.com/manual.", "Details: www.acme-kettles.de/faq",
                      "Tips on acmekettles.shop/care", "Download: http://files.acme-shop.net/setup.pdf",
                      "Visit acme dot com for more."],
}
SCRUBADUB_TYPE = {"email_address": "email", "phone_number": "phone", "external_link": "url"}


def typical_replies(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``(language, text)`` pairs of about 600 characters from the labelled set's clean replies."""
    bodies: dict[str, list[str]] = {lang: [] for lang in MARKETS}
    greetings: dict[str, tuple[str, str]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["kind"] != "reply" or record["expected_verdict"] != "pass" or "history" in record \
                or record["language"] not in MARKETS or record.get("subject") or record.get("attachments"):
            continue
        parts = record["text"].split("\n")
        if len(parts) == 3:
            greetings[record["language"]] = (parts[0], parts[2])
            bodies[record["language"]].append(parts[1])
    replies = []
    languages = list(MARKETS)
    for index in range(count):
        language = languages[index % len(languages)]
        hello, bye = greetings[language]
        chosen = [hello]
        size = len(hello) + len(bye)
        for body in rng.sample(bodies[language], len(bodies[language])):
            if size > 560:
                break
            chosen.append(body)
            size += len(body) + 1
        replies.append((language, "\n".join([*chosen, bye])))
    return replies


def per_cpu_second(work: Callable[[], object], rounds: int) -> float:
    """CPU seconds per round of *work* (process time: other processes on the machine do not count)."""
    began = time.process_time()
    for _ in range(rounds):
        work()
    return (time.process_time() - began) / rounds


def scrubadub_scanner() -> Callable[[str], set[str]] | None:
    try:
        import scrubadub  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return None
    warnings.simplefilter("ignore")
    detectors = [scrubadub.detectors.EmailDetector, scrubadub.detectors.PhoneDetector,
                 scrubadub.detectors.UrlDetector]
    scrubbers = {lang: scrubadub.Scrubber(detector_list=detectors, locale=locale) for lang, locale in
                 {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT", "ja": "ja_JP"}.items()}

    def scan(text: str, language: str = "en") -> set[str]:
        return {f.type for f in scrubbers[language].iter_filth(text)}

    return scan  # type: ignore[return-value]


def main(count: int) -> None:
    rng = random.Random(11)
    replies = typical_replies(count, rng)
    contexts = {lang: CheckContext(marketplace=market) for lang, market in MARKETS.items()}
    average = sum(len(text) for _, text in replies) / len(replies)
    print(f"replies: {len(replies)}, average {average:.0f} characters, languages {', '.join(MARKETS)}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for language, text in replies[:12]:  # warm-up: lazy models, caches
        check(text, context=contexts[language], rules=RULES)

    # CPU time still grows when other processes share the cores (caches, hyper-threads): this
    # fixed loop's time, taken in the same process, tells how loaded the machine was.
    print(f"reference loop sum(range(10**7)): {per_cpu_second(lambda: sum(range(10**7)), 3):.3f} CPU-seconds")
    ours = per_cpu_second(lambda: [check(t, context=contexts[lang], rules=RULES) for lang, t in replies], 3)
    print(f"sellerdesk, {len(RULES)} rules (all but near_duplicate): {len(replies) / ours:8.0f} replies per "
          f"CPU-second ({ours / len(replies) * 1e6:.0f} µs each)")
    scan = scrubadub_scanner()
    if scan is not None:
        for language, text in replies[:12]:
            scan(text, language)  # type: ignore[call-arg]
        theirs = per_cpu_second(lambda: [scan(t, lang) for lang, t in replies], 1)  # type: ignore[call-arg]
        print(f"scrubadub 2, e-mail + phone + URL only:     {len(replies) / theirs:8.0f} replies per "
              f"CPU-second ({theirs / len(replies) * 1e6:.0f} µs each)")
        print(f"speed ratio (sellerdesk full rules / scrubadub three detectors): {theirs / ours:.1f}x")
    else:
        print("scrubadub is not installed: pip install -e '.[bench]' for the side-by-side figures")

    print("\nrecall on inserted contacts (each reply gets one) and false alarms on the untouched replies:")
    sample = replies[: min(len(replies), 600)]
    for rule, inserts in INSERTS.items():
        found_ours = found_theirs = total = 0
        for index, (language, text) in enumerate(sample):
            lines = text.split("\n")
            lines.insert(len(lines) - 1, inserts[index % len(inserts)])
            planted = "\n".join(lines)
            total += 1
            found_ours += rule in check(planted, context=contexts[language], rules=RULES).rules()
            if scan is not None:
                found_theirs += SCRUBADUB_TYPE[rule] in scan(planted, language)  # type: ignore[call-arg]
        line = f"  {rule:<15} sellerdesk {found_ours / total:6.1%}"
        if scan is not None:
            line += f"   scrubadub {found_theirs / total:6.1%}"
        print(line + f"   ({total} replies, {len(inserts)} forms)")
    ours_alarms: Counter[str] = Counter()
    their_alarms: Counter[str] = Counter()
    for language, text in sample:
        ours_alarms.update(r for r in check(text, context=contexts[language], rules=RULES).rules() if r in INSERTS)
        if scan is not None:
            their_alarms.update(scan(text, language))  # type: ignore[call-arg]
    print(f"  false alarms on {len(sample)} clean replies: sellerdesk {dict(ours_alarms) or 0}, "
          f"scrubadub {dict(their_alarms) or 0 if scan else 'n/a'}")
    labelled_set()


def labelled_set() -> None:
    records = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    confusion: Counter[tuple[bool, bool]] = Counter()
    per_rule: dict[str, Counter[str]] = {name: Counter() for name in RULE_NAMES}
    for record in records:
        result = check(record["text"], kind=record["kind"], context=context_from_record(record))
        confusion[(record["expected_verdict"] == "block", result.verdict == "block")] += 1
        expected, got = set(record["expected_rules"]), result.rules()
        for name in RULE_NAMES:
            outcome = ("tp" if name in got else "fn") if name in expected else ("fp" if name in got else "tn")
            per_rule[name][outcome] += 1
    tp, fn, fp = confusion[(True, True)], confusion[(True, False)], confusion[(False, True)]
    print(f"\nlabelled set: {len(records)} messages, {tp + fn} to block; block recall {tp / (tp + fn):.3f}, "
          f"block precision {tp / (tp + fp):.3f}")
    for name, counts in per_rule.items():
        positives = counts["tp"] + counts["fn"]
        print(f"  {name:<22} positives {positives:3d}  found {counts['tp']:3d}  false alarms {counts['fp']:2d}")


def _arguments(argv: list[str]) -> dict[str, Any]:
    return {"count": int(argv[1]) if len(argv) > 1 else 3000}


if __name__ == "__main__":
    main(**_arguments(sys.argv))
