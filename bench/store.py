"""Store speed: ``store_mails`` into SQLite and PostgreSQL, the re-run, export and reparse.

Run: ``.venv/bin/python bench/store.py [--count 2000] [--batch 100] [--seed 3] [--postgres URL]``

The same generated corpus (``sellerdesk.samples.generate_relay_mails``: every marketplace,
notices, attachments) is stored through :func:`sellerdesk.services.storing.store_mails` in
transactions of ``--batch`` mails, as ingest does. Printed per database:

* ``parse only``: mails/s for ``parse_relay_mail`` alone, the part of storing that is not the database;
* ``store``: mails/s for the first run (parse + raw bytes + buyer/thread + attachments);
* ``re-run``: mails/s for storing the same mails again (all duplicates, nothing written);
* ``export``: messages/s for ``export_messages`` written as JSON Lines to /dev/null;
* ``reparse --all``: messages/s for re-parsing every stored mail from its raw bytes;
* for SQLite, the database size per mail and the raw bytes' compression ratio.

PostgreSQL runs when ``--postgres`` (a server URL without a database, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432``) is reachable; a scratch database is created
and dropped. Times are wall-clock on a shared machine: compare runs, do not quote single digits.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from bench._postgres import scratch_database
from sellerdesk.adapters.db.tables import RawMail
from sellerdesk.core.amazon_mail import parse_relay_mail
from sellerdesk.samples import generate_relay_mails
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.export import export_messages, write_jsonl
from sellerdesk.services.reparse import reparse_messages
from sellerdesk.services.storing import store_mails

NOW = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def store_all(db: Database, corpus: list[bytes], *, batch: int) -> dict[str, int]:
    """Store *corpus* in transactions of *batch* mails; return the outcome counts."""
    counts: dict[str, int] = {}
    for start in range(0, len(corpus), batch):
        with db.transaction() as store:
            for outcome in store_mails(store, store_name="bench-us", raws=corpus[start:start + batch], now=NOW,
                                       attachment_max_bytes=10 * 1024 * 1024):
                counts[outcome.outcome] = counts.get(outcome.outcome, 0) + 1
    return counts


def run(db: Database, corpus: list[bytes], *, batch: int, label: str) -> None:
    """Time the four steps on *db* and print one line each."""
    def timed(name: str, count: int, work: object) -> None:
        start = time.perf_counter()
        result = work() if callable(work) else None
        seconds = time.perf_counter() - start
        print(f"{label:10} {name:15} {count / seconds:9.0f} /s  ({seconds:6.2f} s)  {result or ''}")

    timed("parse only", len(corpus), lambda: len([parse_relay_mail(raw) for raw in corpus]))
    timed("store", len(corpus), lambda: store_all(db, corpus, batch=batch))
    timed("re-run", len(corpus), lambda: store_all(db, corpus, batch=batch))
    with open("/dev/null", "wb") as sink:
        timed("export", len(corpus), lambda: write_jsonl(export_messages(db), sink))
    timed("reparse --all", len(corpus),
          lambda: reparse_messages(db, now=NOW, attachment_max_bytes=10 * 1024 * 1024, everything=True).as_dict())


def main() -> None:
    """Parse the arguments, run on SQLite and (when reachable) PostgreSQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    corpus = [mail.raw for mail in generate_relay_mails(seed=args.seed, count=args.count)]
    for raw in corpus[:50]:  # warm-up: the language models load lazily
        parse_relay_mail(raw)
    total = sum(len(raw) for raw in corpus)
    print(f"corpus: {len(corpus)} mails, {total / len(corpus):.0f} bytes on average, batch {args.batch}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        with open_database(f"sqlite:///{path}") as db:
            run(db, corpus, batch=args.batch, label="sqlite")
            with db.reading() as store:
                kept = store.session.scalar(select(func.sum(func.length(RawMail.data)))) or 0
                raw_size = store.session.scalar(select(func.sum(RawMail.size))) or 0
        size = path.stat().st_size
        print(f"sqlite     file {size / len(corpus):.0f} bytes per mail; raw mails kept at "
              f"{kept / max(raw_size, 1):.0%} of their size (zstd)")
    _postgres(args.postgres, corpus, batch=args.batch)


def _postgres(server_url: str, corpus: list[bytes], *, batch: int) -> None:
    with scratch_database(server_url) as url:
        if url is not None:
            with open_database(url) as db:
                run(db, corpus, batch=batch, label="postgresql")


if __name__ == "__main__":
    main()
