"""Web app fixtures: a database with stores, users and relayed buyer mails, and a signed-in client."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.core.orders import Money, OrderItem, OrderSnapshot
from sellerdesk.services import users
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.storing import store_mail
from sellerdesk.web.app import create_app
from sellerdesk.web.settings import WebSettings
from tests.smtp_server import SmtpSink, running_sink

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
GOOD = "Hello Jane, your kettle left our warehouse today with UPS and should arrive on Thursday. Best regards, Acme"
BAD = "Hello Jane, write to me at jane.seller@gmail.com and I will refund you."


def relay_mail(number: int, *, text: str, buyer_name: str = "Jane", domain: str = "com",
               subject: str | None = None, attachment: tuple[str, bytes] | None = None,
               date: datetime | None = None) -> bytes:
    """A buyer message as Amazon relays it; *number* makes its order, alias and token unique."""
    order = f"114-{1000000 + number:07d}-{2000000 + number:07d}"
    msg = EmailMessage()
    msg["From"] = f'"{buyer_name} - Amazon Marketplace" <w{number:06d}q@marketplace.amazon.{domain}>'
    msg["To"] = "support@acme.example"
    msg["Subject"] = subject or f"Inquiry from Amazon customer {buyer_name} (Order: {order})"
    msg["Date"] = format_datetime(date or T0 + timedelta(minutes=number))
    msg["Message-ID"] = f"<web-{number}@marketplace.amazon.{domain}>"
    msg.set_content(
        f"Order ID {order}:\n1 of Blue Kettle [ASIN: B0{number:08d}]\n\n"
        "------------- Begin message -------------\n\n"
        f"{text}\n\n"
        "------------- End message -------------\n\n"
        f"[commMgrTok:W{number:012d}TOK]\n")
    if attachment is not None:
        msg.add_attachment(attachment[1], maintype="application", subtype="octet-stream", filename=attachment[0])
    return msg.as_bytes(policy=SMTP)


def add_mail(db: Database, store_name: str, raw: bytes, *, at: datetime) -> int:
    """Store *raw* for *store_name* as received at *at*; the thread id."""
    with db.transaction() as store:
        outcome = store_mail(store, store_name=store_name, raw=raw, now=at, attachment_max_bytes=1 << 20,
                             received_at=at)
    assert outcome.thread_id is not None, outcome
    return outcome.thread_id


def seed(db: Database) -> None:
    """Two stores, three users (admin, agent of acme-de only, viewer) and no mail yet."""
    with db.transaction() as store:
        store.ensure_store(StoreConfig("acme-us", ("US",)), now=T0)
        store.ensure_store(StoreConfig("acme-de", ("DE",)), now=T0)
        users.add_user(store, name="alice", password=PASSWORD, role="admin", now=T0)
        users.add_user(store, name="bob", password=PASSWORD, role="agent", stores=["acme-de"], now=T0)
        users.add_user(store, name="vera", password=PASSWORD, role="viewer", now=T0)


def make_client(db: Database, *, base_url: str = "http://testserver", config: Config | None = None,
                **settings: object) -> TestClient:
    """A test client of a fresh app over *db* (plain HTTP unless *base_url* says https)."""
    options: dict[str, object] = {"secret_key": SECRET, "secure_cookies": base_url.startswith("https"), **settings}
    app = create_app(config or Config(), db, settings=WebSettings(**options))  # type: ignore[arg-type]
    return TestClient(app, base_url=base_url)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the form on *path*."""
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    """Sign *name* in; fails the test when the login is refused."""
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": csrf_of(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with :func:`seed`'s data, made once: hashing passwords with argon2 is slow on purpose."""
    path = tmp_path_factory.mktemp("web-template") / "web.db"
    with open_database(f"sqlite:///{path}") as database:
        seed(database)
    return path


@pytest.fixture
def sqlite_db(seeded_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database (a copy of ``seeded_file``) with :func:`seed`'s stores and users."""
    copy = tmp_path / "web.db"
    shutil.copyfile(seeded_file, copy)
    database = open_database(f"sqlite:///{copy}")
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def seeded(db: Database) -> Database:
    """The shared ``db`` fixture (SQLite and PostgreSQL) with :func:`seed`'s stores and users."""
    seed(db)
    return db


@pytest.fixture
def client(sqlite_db: Database) -> Iterator[TestClient]:
    """A client of the app over ``sqlite_db``, nobody signed in."""
    with make_client(sqlite_db) as test_client:
        yield test_client


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    with running_sink() as server:
        yield server


def setup_store(db: Database, sink: SmtpSink) -> tuple[Config, int]:
    """Give acme-us a mailbox that sends through *sink* and one buyer thread; the config and thread id."""
    mailbox = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="support@acme.example",
                            imap_password_env="UNUSED", smtp_host=sink.host, smtp_port=sink.port,
                            smtp_security="none", from_address="support@acme.example")
    config = Config(stores=(StoreConfig("acme-us", ("US",)),), mailboxes=(mailbox,), source="test.toml")
    with db.transaction() as store:
        store.ensure_mailbox(mailbox, now=T0)
    return config, add_mail(db, "acme-us", relay_mail(30, text="Where is my kettle?"), at=T0)


def shipped_order(order_id: str) -> OrderSnapshot:
    """A shipped FBA order with one item, a delivery window, a carrier and a tracking number."""
    return OrderSnapshot(
        order_id=order_id, marketplace="US", status="shipped", fulfillment="AFN", purchase_date=T0 - timedelta(days=3),
        last_updated=T0 - timedelta(days=1), items=(OrderItem("B0KETTLE01", "Blue Kettle 1.7 l", "KET-BLUE", 2),),
        carrier="UPS", tracking_number="1Z999AA10123456784", ship_date=T0 - timedelta(days=2),
        delivery_start=T0 + timedelta(days=1), delivery_end=T0 + timedelta(days=3), package_status="in_transit",
        total=Money("59.98", "USD"))


def cache_order(db: Database, store_name: str, order: OrderSnapshot) -> None:
    """Put *order* into the store's order cache, as the order sync does."""
    with db.transaction() as store:
        SpApiRecords(store).put_order(store.get_store(store_name).id, order.to_dict(),
                                      amazon_updated_at=order.last_updated, fetched_at=T0)
