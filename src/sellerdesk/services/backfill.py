"""Back-filling history from mail exports (mbox, Maildir, ``.eml``): ``sellerdesk import``.

Every mail goes through :func:`sellerdesk.services.storing.store_mails`, like mail from IMAP,
so an imported mail and the same mail fetched later are one message (same commMgrTok,
Message-ID or bytes), and running the import again stores nothing twice. Mails are stored
in batches, one transaction each; a crash loses at most the batch under way, which the
next run stores.

A mail's arrival time is its ``Date`` header (an export keeps no better record of when it
reached the mailbox); without a usable one it is the time of the import.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from typing import Any

from sellerdesk.adapters.mailfiles import MailFile, open_mail_files
from sellerdesk.config import StoreConfig
from sellerdesk.services.database import Database
from sellerdesk.services.ingest import Clock, utc_now
from sellerdesk.services.parse_workers import open_parse_workers, parsed_ahead
from sellerdesk.services.storing import Parses, store_mails

IMPORT_BATCH_SIZE = 1000
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

Progress = Callable[[int, int | None, str], None]
"""Called after every batch with (done, total, unit): how far the reading got, as in :class:`MailFiles`."""

_HEADERS = BytesHeaderParser()


@dataclass
class ImportSummary:
    """What one import did (the JSON summary of ``sellerdesk import``)."""

    path: str
    kind: str
    store: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0

    def as_record(self) -> dict[str, Any]:
        """The summary as a JSON-ready mapping."""
        return asdict(self)


def import_mails(db: Database, *, store_name: str, path: str | os.PathLike[str], progress: Progress | None = None,
                 store_config: StoreConfig | None = None, now_fn: Clock = utc_now,
                 attachment_max_bytes: int = DEFAULT_ATTACHMENT_MAX_BYTES,
                 batch_size: int = IMPORT_BATCH_SIZE, workers: int = 0) -> ImportSummary:
    """Store every mail of the export at *path* for the store *store_name*.

    Args:
        db: the opened database.
        store_name: the store the mails belong to (created bare when unknown).
        path: an mbox file, a Maildir, a folder of ``.eml`` files or one ``.eml`` file.
        progress: called after every batch with (done, total, unit), and once at the start and the end.
        store_config: the store's configuration, to record its marketplaces and time zone.
        now_fn: the clock.
        attachment_max_bytes: attachments larger than this are recorded without content.
        batch_size: mails per transaction.
        workers: processes that parse the next batch while this one is stored (0: parse in this process).

    Raises:
        InputError: *path* is not a mail export or cannot be read.
        StoreError: the database failed (batches committed before stay stored).
    """
    files = open_mail_files(path)
    summary = ImportSummary(path=str(files.path), kind=files.kind, store=store_name)
    if store_config is not None:
        with db.transaction() as store:
            store.ensure_store(store_config, now=now_fn())
    if progress is not None:
        progress(0, files.total, files.unit)
    with open_parse_workers(workers) as pool:
        for batch, parses in parsed_ahead(batched(files, batch_size), raws=_raws, workers=pool):
            _store_batch(db, batch, summary=summary, now=now_fn(), attachment_max_bytes=attachment_max_bytes,
                         parses=parses)
            if progress is not None:
                progress(batch[-1].done, files.total, files.unit)
    if progress is not None:
        progress(files.total if files.total is not None else summary.read, files.total, files.unit)
    return summary


def batched(mails: Iterable[MailFile], size: int) -> Iterator[list[MailFile]]:
    """*mails* in lists of *size* (the last one shorter), read lazily."""
    batch: list[MailFile] = []
    for mail in mails:
        batch.append(mail)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _raws(batch: list[MailFile]) -> list[bytes]:
    return [mail.raw for mail in batch]


def _store_batch(db: Database, batch: list[MailFile], *, summary: ImportSummary, now: datetime,
                 attachment_max_bytes: int, parses: Parses | None) -> None:
    counts = {"stored": 0, "duplicate": 0, "quarantined": 0}
    with db.transaction() as store:
        for outcome in store_mails(store, store_name=summary.store, raws=_raws(batch), now=now,
                                   attachment_max_bytes=attachment_max_bytes,
                                   received_at=[date_of(mail.raw) for mail in batch], parses=parses):
            counts[outcome.outcome] += 1
    # Counted after the commit, so the summary never claims what a rollback undid.
    summary.read += len(batch)
    summary.stored += counts["stored"]
    summary.duplicates += counts["duplicate"]
    summary.quarantined += counts["quarantined"]


def date_of(raw: bytes) -> datetime | None:
    """The mail's ``Date`` header as an aware datetime, or ``None`` when it is missing or unreadable."""
    try:
        value = _HEADERS.parsebytes(raw, headersonly=True).get("Date")
        if not value:
            return None
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, LookupError):
        return None  # a broken Date header is the parser's business; arrival falls back to now
    return when if when.tzinfo is not None else None
