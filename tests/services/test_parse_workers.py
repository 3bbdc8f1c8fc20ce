"""Parsing in worker processes: the same database as parsing in-process, and a crashing worker loses nothing."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from sellerdesk.config import parse_config
from sellerdesk.services.backfill import import_mails
from sellerdesk.services.database import Database
from sellerdesk.services.ingest import ingest_mailbox
from sellerdesk.services.parse_workers import CRASH_REASON, ParseWorkers, open_parse_workers
from sellerdesk.services.storing import ParseResult, parse_each, parse_or_reason, store_mails
from tests.dovecot import PASSWORD, Dovecot
from tests.services.test_backfill import write_mbox
from tests.services.test_store_batch import CAP, corpus, shape
from tests.store_mails import T0

KILLER = b"X-Kill-The-Parser: yes\r\n"


def crash_on_killer(raw: bytes) -> ParseResult:
    """Parses like the real parser, but the worker process dies on a mail with the KILLER header."""
    if KILLER in raw:
        os._exit(70)  # what a crash in a native library looks like from outside: the process is gone
    return parse_or_reason(raw)


def test_results_come_back_by_position_across_chunks() -> None:
    mails = corpus()
    with ParseWorkers(2, chunk=7) as workers:
        pending = workers.submit(mails)
        positions = [40, 3, 0, len(mails) - 1, 20, 3]
        assert pending(positions) == parse_each([mails[i] for i in positions])


def test_an_import_with_workers_stores_what_an_import_in_process_stores(db: Database, tmp_path: Path) -> None:
    export = write_mbox(tmp_path / "history.mbox", corpus())
    alone = import_mails(db, store_name="alone", path=export, batch_size=9, workers=0)
    pooled = import_mails(db, store_name="pooled", path=export, batch_size=9, workers=2)
    assert (pooled.read, pooled.stored, pooled.duplicates, pooled.quarantined) == (
        alone.read, alone.stored, alone.duplicates, alone.quarantined)
    assert alone.quarantined > 0
    assert shape(db, "pooled") == shape(db, "alone")


@pytest.mark.dovecot
def test_an_ingest_with_workers_stores_what_an_ingest_in_process_stores(db: Database, dovecot: Dovecot,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD_OF_TEST", PASSWORD)
    dovecot.deliver_many(corpus())
    stores = ("alone", "pooled")  # two stores reading the same folder: one checkpoint each
    tables = "".join(f'[[stores]]\nname = "{name}"\nmarketplaces = ["US"]\n' for name in stores)
    tables += "".join(dovecot.mailbox_toml(store=name, password_env="PASSWORD_OF_TEST") for name in stores)
    config = parse_config(tomllib.loads(tables), env={})
    alone = ingest_mailbox(db, config, config.mailboxes[0], batch_size=10)
    with open_parse_workers(2) as workers:
        pooled = ingest_mailbox(db, config, config.mailboxes[1], batch_size=10, parse_workers=workers)
    assert (pooled.fetched, pooled.stored, pooled.duplicates, pooled.quarantined, pooled.error) == (
        alone.fetched, alone.stored, alone.duplicates, alone.quarantined, None)
    assert shape(db, "pooled") == shape(db, "alone")


def test_a_mail_that_kills_its_worker_is_quarantined_and_the_batch_stored(db: Database) -> None:
    mails = corpus()
    killer = KILLER + mails[5]
    with db.transaction() as store:
        expected = store_mails(store, store_name="alone", raws=mails, now=T0, attachment_max_bytes=CAP)
    with ParseWorkers(2, parse=crash_on_killer, chunk=10) as workers, db.transaction() as store:
        batch = [*mails[:5], killer, *mails[6:]]
        pending = workers.submit(batch)
        outcomes = store_mails(store, store_name="pooled", raws=batch, now=T0, attachment_max_bytes=CAP,
                               parses=pending)
        after = workers.submit(mails[:3])  # the pool works again after the crash
        assert after([0, 1, 2]) == parse_each(mails[:3])
    assert (outcomes[5].outcome, outcomes[5].reason) == ("quarantined", CRASH_REASON)
    assert [o.outcome for i, o in enumerate(outcomes) if i != 5] == [
        o.outcome for i, o in enumerate(expected) if i != 5]
    parsed, _ = parse_or_reason(mails[5])
    assert parsed is not None
    crashed = [row for row in shape(db, "pooled") if row[2] == CRASH_REASON]
    assert [row[:2] for row in crashed] == [(f"sha:{hashlib.sha256(killer).hexdigest()}", "quarantined")]
    assert [row for row in shape(db, "pooled") if row not in crashed] == [
        row for row in shape(db, "alone") if row[0] != parsed.message_key]


def test_a_batch_submitted_after_a_worker_died_is_parsed_by_a_new_pool() -> None:
    mails = corpus()[:4]
    with ParseWorkers(1, parse=crash_on_killer) as workers:
        doomed = workers.submit([KILLER + mails[0]])
        # Submit until the pool is known broken: the next batch must still be parsed, by a fresh pool.
        later = [workers.submit(mails) for _ in range(3)]
        assert doomed([0]) == [(None, CRASH_REASON)]
        assert all(pending([0, 1, 2, 3]) == parse_each(mails) for pending in later)


def test_zero_workers_means_in_process_and_fewer_is_refused() -> None:
    with open_parse_workers(0) as none:
        assert none is None
    with pytest.raises(ValueError, match="0 \\(parse in-process\\) or more"):
        open_parse_workers(-1)


POOL_THEN_WAIT = """
import sys, time
from sellerdesk.services.parse_workers import ParseWorkers
from tests.services.test_store_batch import corpus
with ParseWorkers(1) as workers:
    workers.submit(corpus()[:2])([0])
    print("parsed", flush=True)
    time.sleep(600)
"""


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc (Linux)")
def test_workers_end_when_their_parent_is_killed() -> None:
    with subprocess.Popen([sys.executable, "-c", POOL_THEN_WAIT], stdout=subprocess.PIPE, text=True,
                          cwd=Path(__file__).parents[2]) as parent:
        try:
            assert parent.stdout is not None
            assert parent.stdout.readline().strip() == "parsed"
            workers = [pid for pid in _children(parent.pid) if "multiprocessing" in
                       (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")]
            assert workers, "the pool's worker process was not found"
        finally:
            parent.kill()
    deadline = time.monotonic() + 60  # a liveness wait, not a speed bound: workers check every second
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)
