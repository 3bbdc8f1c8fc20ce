"""Fixtures of the adapter tests: a real Dovecot IMAP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.dovecot import Dovecot, running_dovecot


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A fresh Dovecot on a free loopback port with an empty INBOX (see tests/dovecot.py)."""
    with running_dovecot() as server:
        yield server
