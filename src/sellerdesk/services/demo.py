"""``sellerdesk demo``: a realistic multi-store inbox in an embedded database, in about a minute.

The demo mails (:mod:`sellerdesk.samples.demo`) go through the same storing path as mail read
from IMAP, so what the demo shows is what ingest would have made of them. Beside the database
it writes a configuration file for the demo stores: send-only mailboxes, an ``outbox_folder``
(replies sent in the demo are written as ``.eml`` files and never leave the machine) and an
``spapi_endpoint`` on loopback, where ``sellerdesk run`` starts the SP-API emulator.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from sellerdesk.config import load_config
from sellerdesk.errors import ConfigError
from sellerdesk.samples.demo import STORES, demo_mails
from sellerdesk.services.database import open_database
from sellerdesk.services.storing import store_mail
from sellerdesk.services.users import ensure_demo_user

BATCH = 100
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class DemoSummary:
    """What the demo wrote."""

    database_url: str
    config_path: str
    mails: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    threads: int = 0
    stores: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"database_url": self.database_url, "config": self.config_path, "mails": self.mails,
                "outcomes": dict(self.outcomes), "threads": self.threads, "stores": self.stores}


DEMO_SPAPI_ENDPOINT = "http://127.0.0.1:8790"


def demo_config_text(*, database_url: str, outbox_folder: str, spapi_endpoint: str = DEMO_SPAPI_ENDPOINT) -> str:
    """The TOML configuration of the demo stores.

    Send-only mailboxes, replies written to *outbox_folder*, and orders from the local SP-API
    emulator at *spapi_endpoint* (``sellerdesk run`` starts it there).
    """
    lines = ["# The demo stores of `sellerdesk demo`: replies are written to outbox_folder, never sent.",
             f"database_url = {json.dumps(database_url)}", f"outbox_folder = {json.dumps(outbox_folder)}", ""]
    for store in STORES:
        lines += ["[[stores]]", f"name = {json.dumps(store.name)}",
                  f"marketplaces = {json.dumps(list(store.marketplaces))}", f"timezone = {json.dumps(store.timezone)}",
                  f"signature = {json.dumps(store.signature, ensure_ascii=False)}",
                  f"spapi_endpoint = {json.dumps(spapi_endpoint)}", ""]
    for store in STORES:
        lines += ["[[mailboxes]]", f"store = {json.dumps(store.name)}", "imap_enabled = false",
                  f"from_address = {json.dumps(store.from_address)}", ""]
    return "\n".join(lines)


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other databases or in-memory SQLite)."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise ConfigError(f"database_url {database_url!r} is not a database URL such as "
                          "sqlite:///sellerdesk.db") from exc
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def write_demo(*, database_url: str, config_path: Path, now: datetime, seed: int = 7, threads: int = 240,
               reset: bool = False, spapi_endpoint: str = DEMO_SPAPI_ENDPOINT) -> DemoSummary:
    """Fill the database at *database_url* with the demo inbox and write the demo configuration.

    Args:
        database_url: where to write; SQLite by default.
        config_path: where to write the demo's TOML configuration.
        now: the moment the demo inbox is anchored at (mails arrive over the 72 hours before).
        seed: the random seed of the demo mails.
        threads: how many buyer conversations.
        reset: delete the SQLite file first (refused for other databases: drop them yourself).
        spapi_endpoint: where the demo stores expect the SP-API emulator.

    Raises:
        ConfigError: *reset* on a non-SQLite database, or the database already holds demo stores.
        StoreError: the database cannot be reached or written.
    """
    path = sqlite_path(database_url)
    if reset:
        if path is None:
            raise ConfigError(f"--reset deletes a SQLite file; {database_url} is not one: drop that database "
                              "yourself or point --database-url at a SQLite file")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    outbox = (config_path.parent / "demo-outbox").resolve()
    config_path.write_text(demo_config_text(database_url=database_url, outbox_folder=str(outbox),
                                                    spapi_endpoint=spapi_endpoint), encoding="utf-8")
    config = load_config(config_path, env={})
    summary = DemoSummary(database_url=database_url, config_path=str(config_path),
                          stores=[s.name for s in config.stores])
    with open_database(database_url) as db:
        with db.transaction() as store:
            if any(store.find_store(s.name) is not None for s in STORES):
                raise ConfigError(f"{database_url} already holds the demo stores; run `sellerdesk demo --reset` "
                                  "to start over")
            for store_config in config.stores:
                store.ensure_store(store_config, now=now)
            for mailbox in config.mailboxes:
                store.ensure_mailbox(mailbox, now=now)
            ensure_demo_user(store, now=now)
        mails = demo_mails(now=now, seed=seed, threads=threads)
        thread_ids: set[int] = set()
        for start in range(0, len(mails), BATCH):
            with db.transaction() as store:
                for mail in mails[start:start + BATCH]:
                    outcome = store_mail(store, store_name=mail.store, raw=mail.raw, now=mail.arrived_at,
                                         attachment_max_bytes=ATTACHMENT_MAX_BYTES)
                    summary.outcomes[outcome.outcome] += 1
                    if outcome.thread_id is not None:
                        thread_ids.add(outcome.thread_id)
        summary.mails = len(mails)
        summary.threads = len(thread_ids)
    return summary
