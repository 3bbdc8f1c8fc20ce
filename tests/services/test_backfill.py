"""Back-filling history from exports into SQLite and PostgreSQL: counts, progress, idempotent re-runs."""

from __future__ import annotations

import mailbox
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import Message, Store
from sellerdesk.config import StoreConfig
from sellerdesk.services.backfill import date_of, import_mails
from sellerdesk.services.database import Database
from tests.mails import BASE_TIME, buyer_mail, malformed_mail

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def count(db: Database, model: type[Any]) -> int:
    with db.reading() as store:
        return int(store.session.scalar(select(func.count()).select_from(model)) or 0)


def write_mbox(path: Path, raws: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in raws:
        box.add(raw)
    box.close()
    return path


def test_import_of_an_mbox_stores_each_mail_once_and_a_rerun_nothing(db: Database, tmp_path: Path) -> None:
    path = write_mbox(tmp_path / "history.mbox", [buyer_mail(n) for n in range(12)] + [malformed_mail()])
    calls: list[tuple[int, int | None, str]] = []
    first = import_mails(db, store_name="acme-us", path=path, now_fn=clock, batch_size=5,
                         progress=lambda done, total, unit: calls.append((done, total, unit)),
                         store_config=StoreConfig("acme-us", ("US",), timezone="America/Los_Angeles"))
    assert (first.kind, first.read, first.stored, first.quarantined, first.duplicates) == ("mbox", 13, 12, 1, 0)
    size = path.stat().st_size
    assert calls[0] == (0, size, "bytes")
    assert calls[-1] == (size, size, "bytes")
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)
    again = import_mails(db, store_name="acme-us", path=path, now_fn=clock)
    assert (again.read, again.stored, again.quarantined, again.duplicates) == (13, 0, 0, 13)
    assert count(db, Message) == 13
    with db.reading() as store:
        shop = store.session.scalars(select(Store)).one()
        assert (shop.name, shop.marketplaces, shop.timezone) == ("acme-us", ["US"], "America/Los_Angeles")


def test_arrival_time_of_imported_mail_is_its_date_header(db: Database, tmp_path: Path) -> None:
    (tmp_path / "one.eml").write_bytes(buyer_mail(30))
    import_mails(db, store_name="acme-us", path=tmp_path / "one.eml", now_fn=clock)
    with db.reading() as store:
        received = store.session.scalars(select(Message.received_at)).one()
    assert received == date_of(buyer_mail(30))
    assert received is not None
    assert received > BASE_TIME


def test_same_mail_from_two_exports_is_one_message(db: Database, tmp_path: Path) -> None:
    mbox = write_mbox(tmp_path / "a.mbox", [buyer_mail(1), buyer_mail(2)])
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "2.eml").write_bytes(buyer_mail(2))  # CRLF here, LF in the mbox: same message key
    (folder / "3.eml").write_bytes(buyer_mail(3))
    assert import_mails(db, store_name="acme-us", path=mbox, now_fn=clock).stored == 2
    second = import_mails(db, store_name="acme-us", path=folder, now_fn=clock)
    assert (second.stored, second.duplicates) == (1, 1)
    assert count(db, Message) == 3


def test_maildir_import(db: Database, tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n in range(4):
        (root / "cur" / f"17000000{n}.M{n}P1.host:2,S").write_bytes(buyer_mail(n))
    summary = import_mails(db, store_name="acme-us", path=root, now_fn=clock)
    assert (summary.kind, summary.stored) == ("maildir", 4)


def test_date_of_tolerates_missing_and_broken_dates() -> None:
    assert date_of(b"Subject: x\r\n\r\nbody") is None
    assert date_of(b"Date: not a date\r\n\r\n") is None
    assert date_of(b"Date: Mon, 02 Mar 2026 09:00:00 -0000\r\n\r\n") is None  # -0000: zone unknown
    assert date_of(b"Date: Mon, 02 Mar 2026 09:00:00 +0100\r\n\r\n") == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@given(raw=st.binary(max_size=300) | st.text(max_size=80).map(lambda s: f"Date: {s}\r\n\r\n".encode()))
def test_date_of_never_crashes_and_is_aware_or_none(raw: bytes) -> None:
    when = date_of(raw)
    assert when is None or when.tzinfo is not None
