"""Crash safety (short form): SIGKILL the ingest at random points; every mail ends up stored exactly once.

The long form (2,000 mails, more kills) is ``python -m bench.ingest_fault``.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.dovecot import running_dovecot
from tests.ingest_fault import run_fault_drill

pytestmark = [pytest.mark.dovecot, pytest.mark.slow]
MAILS = 200
KILLS = 3


def test_killed_ingest_stores_every_mail_exactly_once(database_url: str, tmp_path: Path) -> None:
    with running_dovecot() as server:
        result = run_fault_drill(server=server, database_url=database_url, workdir=tmp_path, count=MAILS,
                                 kills=KILLS, seed=20260305)
    seen = f"stored after kills {result.killed_at}, exit codes {result.exit_codes}, last run: {result.final_output}"
    assert len(result.killed_at) == KILLS, seen
    assert -signal.SIGKILL in result.exit_codes, seen  # at least one run died mid-way, not only finished ones
    assert result.messages == MAILS, seen
    assert result.distinct_keys == MAILS
    assert result.raw_mails == MAILS
    assert result.uids == MAILS
    assert result.quarantined == MAILS // 50
    assert result.killed_at == sorted(result.killed_at)  # nothing committed was ever lost
