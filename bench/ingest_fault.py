"""Crash-safety drill, long form: SIGKILL the ingest at random points of a 2,000-mail ingest, restart.

Run: ``.venv/bin/python bench/ingest_fault.py [--count 2000] [--kills 6] [--seed 7] [--database-url URL]``

A real Dovecot on loopback gets ``--count`` mails (every 50th unparsable); ``sellerdesk ingest
--once`` runs in a child process and is killed with SIGKILL ``--kills`` times at random
moments while it stores, then a last run finishes (see ``tests/ingest_fault.py``). Printed:
the stored count after each kill and the final counts, which must all equal the mails
delivered (messages, distinct message keys, raw mails, IMAP UIDs). Exit status 1 when they
do not. The default database is a scratch SQLite file; pass ``--database-url`` for PostgreSQL
(an empty database).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: make the tests' Dovecot helper importable

from tests.dovecot import running_dovecot  # noqa: E402
from tests.ingest_fault import run_fault_drill  # noqa: E402


def main() -> None:
    """Run the drill and print what it saw."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="mails delivered (default 2000)")
    parser.add_argument("--kills", type=int, default=6, help="SIGKILLs before the last run (default 6)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the kill points (default 7)")
    parser.add_argument("--database-url", default="", help="an empty database (default: scratch SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sellerdesk-fault-") as tmp, running_dovecot() as server:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'fault.db'}"
        start = time.perf_counter()
        result = run_fault_drill(server=server, database_url=url, workdir=Path(tmp), count=args.count,
                                 kills=args.kills, seed=args.seed)
        seconds = time.perf_counter() - start
    print(f"delivered {result.delivered} mails; stored after each SIGKILL: {result.killed_at}")
    print(f"exit status of the killed runs (-9: killed mid-way, 0: had finished): {result.exit_codes}")
    print(f"final: messages {result.messages}, distinct keys {result.distinct_keys}, raw mails {result.raw_mails}, "
          f"IMAP UIDs {result.uids}, quarantined {result.quarantined}; {seconds:.0f} s in all")
    expected = result.delivered
    ok = result.messages == result.distinct_keys == result.raw_mails == result.uids == expected
    print("every mail stored exactly once" if ok else "MISMATCH: some mail was lost or stored twice")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
