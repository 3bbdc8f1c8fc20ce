"""Ingest: bring every new mail of every configured mailbox into the database, exactly once.

Per mailbox, the checkpoint is (UIDVALIDITY, last UID) on its :class:`Mailbox` row. Mail
with a UID above the checkpoint is fetched in batches; each batch is **one transaction**
together with its checkpoint: ``store_mails`` + ``record_uid`` for every mail, then the
checkpoint moves to the batch's last UID. A crash at any point therefore either keeps the
whole batch and its checkpoint or neither, so a restart fetches the batch again and stores
nothing twice (and the message keys — commMgrTok, Message-ID, content hash — catch any mail
seen before through another path). When the server announces a new UIDVALIDITY, the
folder is read again from UID 0 and those keys keep it from storing anything twice.

:func:`ingest_all` runs every mailbox; a mailbox that cannot be reached or is
misconfigured is reported in its own :class:`MailboxSummary` while the others go on.
:func:`watch_mailboxes` keeps doing so (IDLE where the server offers it, else polling),
reconnecting after failures with exponential backoff and jitter, until a stop event is set.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sellerdesk.adapters.db.tables import RawMail
from sellerdesk.adapters.imap import FetchedMail, FolderState, ImapMailSource
from sellerdesk.config import Config, MailboxConfig, resolve_secret
from sellerdesk.errors import ConfigError, MailError, StoreError
from sellerdesk.services.database import Database
from sellerdesk.services.parse_workers import ParseWorkers, open_parse_workers, parsed_ahead
from sellerdesk.services.storing import Parses, store_mails

BATCH_SIZE = 100
BACKOFF_BASE_SECONDS = 2.0
BACKOFF_CAP_SECONDS = 300.0


class MailSource(Protocol):
    """What ingest needs of a mailbox connection (:class:`ImapMailSource` is the real one)."""

    def open(self) -> FolderState: ...

    def refresh(self) -> FolderState: ...

    def fetch_new(self, after_uid: int, *, batch_size: int = ...) -> Iterator[list[FetchedMail]]: ...

    def wait_for_mail(self, *, timeout: float, should_stop: Callable[[], bool]) -> bool: ...

    def close(self) -> None: ...


SourceFactory = Callable[[MailboxConfig], MailSource]
Clock = Callable[[], datetime]


def open_imap_source(mailbox: MailboxConfig) -> MailSource:
    """The default source factory: an :class:`ImapMailSource` with the password from the environment.

    Raises:
        ConfigError: the password variable named by ``imap_password_env`` is not set.
    """
    password = resolve_secret(mailbox.imap_password_env, what=f"mailbox {mailbox.label}")
    return ImapMailSource(mailbox, password=password)


def utc_now() -> datetime:
    """The current time in UTC (the default clock of the services)."""
    return datetime.now(UTC)


@dataclass
class MailboxSummary:
    """What one ingest run did for one mailbox (one JSON line of ``sellerdesk ingest``)."""

    mailbox: str
    store: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    error: str | None = None

    def as_record(self) -> dict[str, Any]:
        """The summary as a JSON-ready mapping with the keys of the command's output."""
        return asdict(self)


def ingest_mailbox(db: Database, config: Config, mailbox_config: MailboxConfig, *,
                   source_factory: SourceFactory = open_imap_source, now_fn: Clock = utc_now,
                   batch_size: int = BATCH_SIZE, parse_workers: ParseWorkers | None = None) -> MailboxSummary:
    """Fetch and store every new mail of one mailbox, once.

    With *parse_workers*, each fetched batch is parsed in those processes while the one before is stored.

    Returns:
        The summary; a mailbox that cannot be reached or is misconfigured has ``error`` set
        (and the error is recorded on its row) instead of raising.

    Raises:
        StoreError: the database failed (that stops every mailbox, so it is not swallowed).
    """
    summary = MailboxSummary(mailbox=mailbox_config.label, store=mailbox_config.store)
    source: MailSource | None = None
    try:
        source = source_factory(mailbox_config)
        state = source.open()
        drain(db, config, mailbox_config, source=source, state=state, summary=summary, now_fn=now_fn,
              batch_size=batch_size, parse_workers=parse_workers)
    except (MailError, ConfigError) as exc:
        summary.error = str(exc)
        record_error(db, mailbox_config, error=summary.error)
    finally:
        if source is not None:
            source.close()
    return summary


def drain(db: Database, config: Config, mailbox_config: MailboxConfig, *, source: MailSource,
          state: FolderState, summary: MailboxSummary, now_fn: Clock, batch_size: int = BATCH_SIZE,
          parse_workers: ParseWorkers | None = None) -> None:
    """Store every mail of an opened *source* above the checkpoint, batch by batch (see the module doc).

    With *parse_workers*, the next batch is fetched and parsing in them while this one is stored.
    """
    after_uid = checkpoint(db, config, mailbox_config, uidvalidity=state.uidvalidity, now=now_fn())
    batches = source.fetch_new(after_uid, batch_size=batch_size)
    for batch, parses in parsed_ahead(batches, raws=_raws, workers=parse_workers):
        store_batch(db, config, mailbox_config, uidvalidity=state.uidvalidity, batch=batch, summary=summary,
                    now=now_fn(), parses=parses)


def _raws(batch: list[FetchedMail]) -> list[bytes]:
    return [mail.raw for mail in batch]


def checkpoint(db: Database, config: Config, mailbox_config: MailboxConfig, *, uidvalidity: int,
               now: datetime) -> int:
    """The last UID already stored for the mailbox under *uidvalidity* (0 when it changed or is new)."""
    with db.transaction() as store:
        if any(s.name == mailbox_config.store for s in config.stores):
            store.ensure_store(config.store(mailbox_config.store), now=now)
        row = store.ensure_mailbox(mailbox_config, now=now)
        row.last_error = None  # the connection works again
        row.last_polled_at = now
        if row.uidvalidity is not None and row.uidvalidity != uidvalidity:
            # The server renumbered the folder: read it all again; message keys stop duplicates.
            store.advance_checkpoint(row, uidvalidity=uidvalidity, last_uid=0, now=now)
        return row.last_uid if row.uidvalidity == uidvalidity else 0


def store_batch(db: Database, config: Config, mailbox_config: MailboxConfig, *, uidvalidity: int,
                batch: list[FetchedMail], summary: MailboxSummary, now: datetime,
                parses: Parses | None = None) -> None:
    """Store one fetched batch and move the checkpoint past it, all in one transaction.

    *parses*, when given, has the parse results of the batch's mails by position (see ``store_mails``).
    """
    counts = {"stored": 0, "duplicate": 0, "quarantined": 0}
    with db.transaction() as store:
        mailbox = store.ensure_mailbox(mailbox_config, now=now)
        known = store.known_uids(mailbox, uidvalidity=uidvalidity, uids=[mail.uid for mail in batch])
        positions = [i for i, mail in enumerate(batch) if mail.uid not in known]
        fresh = [batch[i] for i in positions]
        counts["duplicate"] += len(batch) - len(fresh)
        outcomes = store_mails(store, store_name=mailbox_config.store, raws=_raws(fresh), now=now,
                               attachment_max_bytes=config.attachment_max_bytes,
                               received_at=[mail.internal_date for mail in fresh],
                               parses=_of_fresh(parses, positions))
        for mail, outcome in zip(fresh, outcomes, strict=True):
            if store.session.get(RawMail, outcome.raw_mail_id) is None:
                raise StoreError(f"{mailbox_config.label}: raw mail {outcome.raw_mail_id} vanished while "
                                 f"storing UID {mail.uid}; check the database")
            counts[outcome.outcome] += 1
        store.record_uids(mailbox, uidvalidity=uidvalidity,
                          raws=[(mail.uid, outcome.raw_mail_id) for mail, outcome in zip(fresh, outcomes, strict=True)])
        store.advance_checkpoint(mailbox, uidvalidity=uidvalidity, last_uid=batch[-1].uid, now=now)
    # Counted only after the commit, so a summary never claims what a rollback undid.
    summary.fetched += len(batch)
    summary.stored += counts["stored"]
    summary.duplicates += counts["duplicate"]
    summary.quarantined += counts["quarantined"]


def _of_fresh(parses: Parses | None, positions: list[int]) -> Parses | None:
    # store_mails counts positions among the fresh mails; the parses were made for the whole batch.
    if parses is None:
        return None
    return lambda todo: parses([positions[i] for i in todo])


def record_error(db: Database, mailbox_config: MailboxConfig, *, error: str) -> None:
    """Note the mailbox's last error on its row (best effort: the summary carries it anyway)."""
    try:
        with db.transaction() as store:
            store.ensure_mailbox(mailbox_config).last_error = error
    except StoreError:
        pass  # the database problem will surface on the next real write


def ingest_all(db: Database, config: Config, *, source_factory: SourceFactory = open_imap_source,
               now_fn: Clock = utc_now, batch_size: int = BATCH_SIZE, workers: int = 0) -> list[MailboxSummary]:
    """Ingest every configured mailbox once, one after the other; one summary per mailbox.

    A mailbox that fails is reported in its summary and the next one is still ingested. *workers*
    processes parse the mail while it is stored (0: parse in this process).
    """
    with open_parse_workers(workers) as pool:
        return [ingest_mailbox(db, config, box, source_factory=source_factory, now_fn=now_fn, batch_size=batch_size,
                               parse_workers=pool)
                for box in read_mailboxes(config)]


def read_mailboxes(config: Config) -> list[MailboxConfig]:
    """The mailboxes sellerdesk reads: all but the send-only ones (``imap_enabled = false``)."""
    return [box for box in config.mailboxes if box.imap_enabled]


def backoff_delay(failures: int, *, base: float = BACKOFF_BASE_SECONDS, cap: float = BACKOFF_CAP_SECONDS,
                  rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait before reconnecting after *failures* failures in a row.

    Exponential (base, 2·base, 4·base... up to *cap*) with "equal jitter": a random half of
    the step is added, so that many mailboxes of one provider do not reconnect in lockstep.
    """
    step = min(cap, base * 2.0 ** max(0, failures - 1))
    return step / 2 + rand() * step / 2


def watch_mailbox(db: Database, config: Config, mailbox_config: MailboxConfig, *, stop: threading.Event,
                  report: Callable[[MailboxSummary], None], source_factory: SourceFactory = open_imap_source,
                  now_fn: Clock = utc_now, batch_size: int = BATCH_SIZE,
                  rand: Callable[[], float] = random.random, parse_workers: ParseWorkers | None = None) -> None:
    """Keep one mailbox ingested until *stop* is set.

    After each pass *report* gets the pass's summary when it fetched something or failed.
    Between passes the source waits for new mail (IDLE when the server has it, else a
    sleep) for up to ``poll_seconds``; after a failure it reconnects with :func:`backoff_delay`.
    """
    failures = 0
    while not stop.is_set():
        source: MailSource | None = None
        try:
            source = source_factory(mailbox_config)
            state = source.open()
            failures = 0
            while not stop.is_set():
                summary = MailboxSummary(mailbox=mailbox_config.label, store=mailbox_config.store)
                drain(db, config, mailbox_config, source=source, state=state, summary=summary, now_fn=now_fn,
                      batch_size=batch_size, parse_workers=parse_workers)
                if summary.fetched:
                    report(summary)
                source.wait_for_mail(timeout=config.poll_seconds, should_stop=stop.is_set)
                state = source.refresh()
        except (MailError, ConfigError, StoreError) as exc:
            # A database outage is waited out like a mail server's: the checkpoint is safe.
            failures += 1
            report(MailboxSummary(mailbox=mailbox_config.label, store=mailbox_config.store, error=str(exc)))
            record_error(db, mailbox_config, error=str(exc))
            stop.wait(backoff_delay(failures, rand=rand))
        finally:
            if source is not None:
                source.close()


def watch_mailboxes(db: Database, config: Config, *, stop: threading.Event,
                    report: Callable[[MailboxSummary], None], source_factory: SourceFactory = open_imap_source,
                    now_fn: Clock = utc_now, workers: int = 0) -> None:
    """Run :func:`watch_mailbox` for every mailbox, one thread each, until *stop* is set.

    The threads share *workers* parsing processes (0: each parses in its own thread).
    """
    lock = threading.Lock()

    def locked_report(summary: MailboxSummary) -> None:
        with lock:  # one whole line at a time, whichever thread reports
            report(summary)

    with open_parse_workers(workers) as pool:
        threads = [threading.Thread(target=watch_mailbox, name=f"ingest {box.label}", daemon=True,
                                    args=(db, config, box),
                                    kwargs={"stop": stop, "report": locked_report, "source_factory": source_factory,
                                            "now_fn": now_fn, "parse_workers": pool})
                   for box in read_mailboxes(config)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
