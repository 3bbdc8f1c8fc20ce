"""Crash-safety drill for ingest: SIGKILL ``sellerdesk ingest`` at random points, restart, count.

Used in a short form by ``tests/test_ingest_fault.py`` and in a long form by
``bench/ingest_fault.py``. The drill delivers *count* mails into a real Dovecot (every 50th
one unparsable, so quarantine is crashed too), then runs ``sellerdesk ingest --once`` in a child
process and kills it with SIGKILL at a random moment while it is storing,
*kills* times, and finally lets a last run finish. Every mail must then be stored exactly
once: as many messages, raw mails and IMAP UIDs as mails delivered, each message key once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.process
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import MailboxUid, Message, RawMail
from sellerdesk.cli import main
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.ingest import BATCH_SIZE
from tests.dovecot import PASSWORD, Dovecot
from tests.mails import buyer_mail, malformed_mail

PASSWORD_ENV = "FAULT_IMAP_PASSWORD"
RUN_LIMIT_SECONDS = 600  # a bound on one child run, so a hang fails instead of blocking CI


@dataclass
class FaultResult:
    """What the drill saw: stored counts after each kill, and the final counts."""

    delivered: int
    killed_at: list[int] = field(default_factory=list)
    exit_codes: list[int | None] = field(default_factory=list)  # -9: the run was really killed
    messages: int = 0
    distinct_keys: int = 0
    raw_mails: int = 0
    uids: int = 0
    quarantined: int = 0
    final_output: str = ""


def fault_mail(number: int) -> bytes:
    """The *number*-th mail of the drill: a buyer message, or every 50th an unparsable one."""
    if number % 50 == 49:
        return malformed_mail() + f"#{number}".encode()  # unique bytes: quarantined once each
    return buyer_mail(number)


def counts(db: Database) -> tuple[int, int, int, int, int]:
    """(messages, distinct message keys, raw mails, IMAP UIDs, quarantined) in the database."""
    with db.reading() as store:
        session = store.session
        return (
            int(session.scalar(select(func.count()).select_from(Message)) or 0),
            int(session.scalar(select(func.count(func.distinct(Message.message_key)))) or 0),
            int(session.scalar(select(func.count()).select_from(RawMail)) or 0),
            int(session.scalar(select(func.count()).select_from(MailboxUid)) or 0),
            int(session.scalar(select(func.count()).select_from(Message).where(
                Message.state == "quarantined")) or 0),
        )


def write_config(path: Path, *, server: Dovecot, database_url: str) -> Path:
    """A sellerdesk.toml with one store and the Dovecot mailbox."""
    path.write_text(
        f'database_url = "{database_url}"\n\n[[stores]]\nname = "acme-us"\nmarketplaces = ["US"]\n\n'
        + server.mailbox_toml(store="acme-us", password_env=PASSWORD_ENV)
    )
    return path


def _ingest_main(config: Path, output: Path) -> None:
    """Body of a child process: ``sellerdesk ingest --once --config CONFIG``, output to a file."""
    os.environ[PASSWORD_ENV] = PASSWORD
    with open(output, "w") as out, contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        sys.argv = ["sellerdesk", "ingest", "--once", "--config", str(config)]
        main()


def start_ingest(config: Path, output: Path) -> multiprocessing.process.BaseProcess:
    """A child process running the ingest command, forked so it skips Python's start-up and imports.

    It is a separate process with its own database connections, killed with SIGKILL like
    any other; forking only saves the seconds of importing sellerdesk for every restart.
    """
    child = multiprocessing.get_context("fork").Process(target=_ingest_main, args=(config, output))
    child.start()
    return child


def run_fault_drill(*, server: Dovecot, database_url: str, workdir: Path, count: int, kills: int,
                    seed: int) -> FaultResult:
    """Deliver *count* mails, kill the ingest *kills* times at random points, finish, and count."""
    rng = random.Random(seed)
    server.deliver_many(fault_mail(n) for n in range(count))
    config = write_config(workdir / "sellerdesk.toml", server=server, database_url=database_url)
    result = FaultResult(delivered=count)
    # Migrated here once, so the children only find the schema ready and the polling below
    # can read while they write.
    with open_database(database_url) as db:
        for _ in range(kills):
            stored = counts(db)[0]
            # Kill once the run has stored some more mail, then after a random pause: the kill
            # lands anywhere in fetching, parsing, writing or committing the next batch. Stored
            # counts move a whole batch at a time, so the threshold leaves at least one batch to do.
            threshold = rng.randint(stored, max(stored, count - 2 * BATCH_SIZE))
            pause = rng.uniform(0.0, 0.4)
            child = start_ingest(config, workdir / "ingest.out")
            deadline = time.monotonic() + RUN_LIMIT_SECONDS
            while child.is_alive() and time.monotonic() < deadline:
                if counts(db)[0] >= threshold:
                    time.sleep(pause)
                    break
                time.sleep(0.02)
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGKILL)
            child.join()
            result.exit_codes.append(child.exitcode)
            result.killed_at.append(counts(db)[0])
        child = start_ingest(config, workdir / "ingest.out")
        child.join(timeout=RUN_LIMIT_SECONDS)
        result.final_output = (workdir / "ingest.out").read_text(errors="replace")
        if child.exitcode != 0:
            raise AssertionError(f"the last ingest run failed ({child.exitcode}): {result.final_output}")
        result.messages, result.distinct_keys, result.raw_mails, result.uids, result.quarantined = counts(db)
    return result
