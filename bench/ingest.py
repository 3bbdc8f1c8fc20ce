"""Ingest and import speed: mails/s and peak memory, from Dovecot and from an mbox, into SQLite and PostgreSQL.

Run: ``.venv/bin/python bench/ingest.py [--count 2000] [--seed 5] [--workers N] [--postgres URL] [--no-imap]``
Long form: ``.venv/bin/python bench/ingest.py --long --count 1000000 --corpus /var/tmp/million.mbox``
(mbox and raw-INSERT baselines and the SQLite import only; ``--corpus`` keeps the generated mbox
so that the next run reuses it, and the import prints its rate and peak RSS so far on standard
error every 30 seconds, so a run stopped early still tells them).

A corpus of ``--count`` realistic relay mails (``sellerdesk.samples.generate_relay_mails``,
every marketplace, notices, attachments) is written to an mbox file, streaming. Then each
phase runs in its own child process, so that its peak RSS is its own:

* ``baseline: read mbox`` — only split the mbox into mails (the reader's own cost);
* ``baseline: parse only`` — read + ``parse_relay_mail`` for every mail, nothing stored;
* ``baseline: raw INSERT`` — read + a plain ``INSERT`` of each mail's bytes into a bare SQLite
  table in transactions of 500 (what storing bytes costs without sellerdesk);
* ``import sqlite`` / ``import postgresql`` — ``import_mails`` (``sellerdesk import``);
* ``ingest sqlite`` / ``ingest postgresql`` — ``ingest_mailbox`` from a real Dovecot on
  loopback whose Maildir holds the same mails (indexed by ``doveadm`` beforehand, so the
  figure is sellerdesk's side plus the IMAP transfer).

The parser's language models are loaded before each phase's clock starts (a running ingest
loads them once). Printed per phase: mails/s and seconds of wall-clock, mails per CPU-second of the phase's
process (steadier than wall-clock when other work shares the machine; Dovecot's and
PostgreSQL's own CPU are not in it, nor that of the ``--workers`` parse processes, which are
not children of the phase's process), peak RSS of that process in MiB; then each phase's CPU time as a
multiple of the parse-only and raw-INSERT baselines. PostgreSQL phases run when ``--postgres`` (a server
URL without a database) is reachable; a scratch database is created and dropped for each.
Times are wall-clock on a shared machine: compare runs, do not quote single digits.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the tests' Dovecot helper importable

from bench._postgres import scratch_database  # noqa: E402
from sellerdesk.adapters.mailfiles import open_mail_files  # noqa: E402
from sellerdesk.samples import generate_relay_mails  # noqa: E402

CHUNK = 1000
PROGRESS_SECONDS = 30.0
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


def write_corpus(path: Path, *, count: int, seed: int) -> int:
    """Write *count* generated mails to an mbox at *path*, streaming; returns the bytes written.

    Each chunk of mails is written by :mod:`mailbox` to a small file and appended, so that nothing
    grows with *count* (one ``mailbox.mbox`` keeps an index of every mail it wrote).
    """
    part = path.with_suffix(".part")
    with open(path, "wb") as out:
        for start in range(0, count, CHUNK):
            box = mailbox.mbox(part, create=True)
            for sample in generate_relay_mails(seed=seed * 100_003 + start, count=min(CHUNK, count - start)):
                box.add(sample.raw)
            box.close()
            if out.tell():
                out.write(b"\n")  # the blank line mailbox writes between two mails
            out.write(part.read_bytes())
            part.unlink()
    return path.stat().st_size


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """CPU time (user + system) this process has used: less disturbed by other load than wall-clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- phases (each runs in a child process) -----------------------------------------------------


def phase_read(args: argparse.Namespace) -> int:
    return sum(1 for _ in open_mail_files(args.mbox))


def phase_parse(args: argparse.Namespace) -> int:
    from sellerdesk.core.amazon_mail import parse_relay_mail

    count = 0
    for mail in open_mail_files(args.mbox):
        parse_relay_mail(mail.raw)
        count += 1
    return count


def phase_raw_insert(args: argparse.Namespace) -> int:
    connection = sqlite3.connect(Path(args.workdir) / f"raw-{uuid.uuid4().hex}.db")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE raw (id INTEGER PRIMARY KEY, data BLOB)")
    batch: list[tuple[bytes]] = []
    count = 0
    for mail in open_mail_files(args.mbox):
        batch.append((mail.raw,))
        if len(batch) == 500:
            with connection:
                connection.executemany("INSERT INTO raw (data) VALUES (?)", batch)
            count += len(batch)
            batch = []
    with connection:
        connection.executemany("INSERT INTO raw (data) VALUES (?)", batch)
    connection.close()
    return count + len(batch)


def phase_import(args: argparse.Namespace) -> int:
    from sellerdesk.services.backfill import import_mails
    from sellerdesk.services.database import open_database

    start = time.perf_counter()
    shown = [start]

    def progress(done: int, total: int | None, _unit: str) -> None:
        # Figures so far on standard error every PROGRESS_SECONDS: a long run that is stopped still tells its rate.
        now = time.perf_counter()
        if now - shown[0] >= PROGRESS_SECONDS and total:
            shown[0] = now
            mails = round(args.count * done / total)
            print(json.dumps({"progress": round(done / total, 4), "mails": mails, "seconds": round(now - start, 1),
                              "mails_per_second": round(mails / (now - start), 1),
                              "peak_rss_mib": round(peak_rss_mib())}), file=sys.stderr, flush=True)

    with open_database(args.database_url) as db:
        summary = import_mails(db, store_name="bench", path=args.mbox, workers=args.workers, progress=progress)
    return summary.stored + summary.quarantined + summary.duplicates


def phase_ingest(args: argparse.Namespace) -> int:
    from sellerdesk.config import parse_config
    from sellerdesk.services.database import open_database
    from sellerdesk.services.ingest import ingest_all

    config = parse_config({
        "stores": [{"name": "bench", "marketplaces": ["US"]}],
        "mailboxes": [{"store": "bench", "imap_host": "127.0.0.1", "imap_port": args.imap_port,
                       "imap_security": "none", "imap_username": args.imap_user,
                       "imap_password_env": "BENCH_IMAP_PASSWORD"}],
    }, env={})
    with open_database(args.database_url) as db:
        summary = ingest_all(db, config, workers=args.workers)[0]
    if summary.error:
        raise SystemExit(f"ingest failed: {summary.error}")
    return summary.fetched


PHASES = {"read": phase_read, "parse": phase_parse, "raw-insert": phase_raw_insert, "import": phase_import,
          "ingest": phase_ingest}


def run_phase(args: argparse.Namespace) -> None:
    """Child side: run one phase, print one JSON line with its figures."""
    if args.database_url:
        from sellerdesk.services.database import open_database

        open_database(args.database_url).close()  # migrate before the clock starts
    if args.phase in ("parse", "import", "ingest"):
        from sellerdesk.core.amazon_mail import parse_relay_mail

        # Load the language models once before timing: a running ingest pays this once, not per mail.
        parse_relay_mail(next(iter(open_mail_files(args.mbox))).raw)
    start, cpu_start = time.perf_counter(), cpu_seconds()
    count = PHASES[args.phase](args)
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu_start
    print(json.dumps({"count": count, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mib": peak_rss_mib()}))


# -- orchestration -------------------------------------------------------------------------------


def child(phase: str, *, mbox: Path, workdir: Path, database_url: str = "",
          extra: list[str] | None = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run *phase* in a fresh Python process and return its figures."""
    command = [sys.executable, __file__, "--phase", phase, "--mbox", str(mbox), "--workdir", str(workdir),
               "--database-url", database_url, *(extra or [])]
    # Standard error is the terminal's: the import's progress lines show while it runs.
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, check=False)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed (its errors are above):\n{done.stdout}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main() -> None:
    """Write the corpus, run every phase in its own process and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="mails in the corpus (default 2000)")
    parser.add_argument("--seed", type=int, default=5, help="corpus seed (default 5)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL server URL, no database")
    parser.add_argument("--no-imap", action="store_true", help="skip the Dovecot ingest phases")
    parser.add_argument("--long", action="store_true",
                        help="long form: only the mbox and raw-INSERT baselines and the SQLite import")
    parser.add_argument("--workers", type=int,
                        help="parse worker processes of import and ingest (default one per core; 0: in-process)")
    parser.add_argument("--corpus", type=Path,
                        help="keep the generated mbox at this path and reuse it when it exists (written once)")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--mbox", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    parser.add_argument("--imap-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--imap-user", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run_phase(args)
        return
    if args.workers is None:
        # Imported here: the phases' own processes must not carry sellerdesk's imports in their peak RSS.
        from sellerdesk.services.parse_workers import default_workers

        args.workers = default_workers()
    with tempfile.TemporaryDirectory(prefix="sellerdesk-bench-") as tmp:
        workdir = Path(tmp)
        mbox = args.corpus or workdir / "corpus.mbox"
        if mbox.exists():
            print(f"corpus: reusing {mbox} ({mbox.stat().st_size} bytes; --count {args.count} must match it)")
        else:
            size = write_corpus(mbox, count=args.count, seed=args.seed)
            print(f"corpus: {args.count} generated mails, seed {args.seed}, {size / args.count:.0f} bytes on average")
        print(f"parse workers: {args.workers}")
        extra = ["--count", str(args.count), "--workers", str(args.workers)]
        results: dict[str, dict[str, Any]] = {"baseline: read mbox": child("read", mbox=mbox, workdir=workdir)}
        if not args.long:
            results["baseline: parse only"] = child("parse", mbox=mbox, workdir=workdir)
        results["baseline: raw INSERT"] = child("raw-insert", mbox=mbox, workdir=workdir)
        results["import sqlite"] = child("import", mbox=mbox, workdir=workdir, extra=extra,
                                         database_url=f"sqlite:///{workdir / 'import.db'}")
        if args.long:
            report(results)
            return
        with scratch_database(args.postgres) as url:
            if url is not None:
                results["import postgresql"] = child("import", mbox=mbox, workdir=workdir, extra=extra,
                                                     database_url=url)
        if not args.no_imap:
            results.update(ingest_phases(mbox, workdir=workdir, postgres=args.postgres, extra=extra))
    report(results)


def ingest_phases(mbox: Path, *, workdir: Path, postgres: str, extra: list[str]) -> dict[str, dict[str, Any]]:
    """Load the corpus into a Dovecot and time ingest_mailbox from it into each database."""
    from tests.dovecot import PASSWORD, USER, running_dovecot

    results: dict[str, dict[str, Any]] = {}
    with running_dovecot() as server:
        server.deliver_many(mail.raw for mail in open_mail_files(mbox))
        subprocess.run([server.doveadm(), "-c", str(server.config_file), "index", "-u", USER, "INBOX"],
                       check=True, capture_output=True)
        extra = [*extra, "--imap-port", str(server.port), "--imap-user", USER]
        env = {"BENCH_IMAP_PASSWORD": PASSWORD}
        results["ingest sqlite"] = child("ingest", mbox=mbox, workdir=workdir, extra=extra, env=env,
                                         database_url=f"sqlite:///{workdir / 'ingest.db'}")
        with scratch_database(postgres) as url:
            if url is not None:
                results["ingest postgresql"] = child("ingest", mbox=mbox, workdir=workdir, extra=extra, env=env,
                                                     database_url=url)
    return results


def report(results: dict[str, dict[str, Any]]) -> None:
    """Print mails/s, seconds, peak RSS per phase, then the ratios to the baselines."""
    for name, figures in results.items():
        rate = figures["count"] / figures["seconds"] if figures["seconds"] else float("inf")
        cpu_rate = figures["count"] / figures["cpu_seconds"] if figures["cpu_seconds"] else float("inf")
        print(f"{name:22} {rate:8.0f} mails/s {figures['seconds']:7.1f} s wall  {cpu_rate:8.0f} mails/CPU-s"
              f"  peak RSS {figures['peak_rss_mib']:5.0f} MiB  ({figures['count']} mails)")
    for base in ("parse only", "raw INSERT"):
        if f"baseline: {base}" not in results:
            continue
        cpu = results[f"baseline: {base}"]["cpu_seconds"]
        for name, figures in results.items():
            if not name.startswith("baseline"):
                print(f"{name}: {figures['cpu_seconds'] / cpu:.2f}x the CPU time of {base}")


if __name__ == "__main__":
    main()
