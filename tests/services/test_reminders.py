"""Reminders sent once to a real local webhook server and a real SMTP server (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sellerdesk.config import Config, MailboxConfig, StoreConfig
from sellerdesk.errors import ConfigError
from sellerdesk.services import cases
from sellerdesk.services.database import Database
from sellerdesk.services.jobs import InProcessJobRunner
from sellerdesk.services.reminders import digest_lines, reminder_settings, reminders_job, send_reminders
from tests.desk_rows import add_message, add_store, add_thread
from tests.smtp_server import SmtpSink, running_sink

RECEIVED = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)  # a Monday
NOW = RECEIVED + timedelta(hours=23, minutes=30)  # half an hour before Amazon's deadline


@dataclass
class Hook:
    """A webhook endpoint on loopback that records every JSON body posted to it."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    failures: int = 0  # answer this many posts with 500 first


@pytest.fixture
def hook() -> Iterator[Hook]:
    record = Hook("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if record.failures:
                record.failures -= 1
                self.send_response(500)
            else:
                record.posts.append(body)
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}')

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sink() -> Iterator[SmtpSink]:
    with running_sink() as server:
        yield server


def _config(sink: SmtpSink, *, digest_hour: int = 23) -> Config:
    store = StoreConfig("acme-us", ("US",), working_hours=("mon-sun 00:00-24:00",))
    mailbox = MailboxConfig(store="acme-us", imap_host="127.0.0.1", imap_username="support@acme.example",
                            imap_password_env="UNUSED", smtp_host=sink.host, smtp_port=sink.port,
                            smtp_security="none", from_address="support@acme.example")
    reminders = {"points": ["4h", "1h"], "targets": ["deadline"], "digest_hour": digest_hour,
                 "email_to": ["lead@acme.example"],
                 "webhooks": [{"format": "dingtalk", "url_env": "SD_TEST_HOOK"}]}
    return Config(stores=(store,), mailboxes=(mailbox,), source="test.toml", extra={"reminders": reminders})


def _waiting_thread(db: Database) -> int:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=RECEIVED), "t1", now=RECEIVED)
        add_message(store, thread, at=RECEIVED)
        return thread.id


def test_each_reminder_goes_out_once_per_channel(db: Database, hook: Hook, sink: SmtpSink,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_HOOK", hook.url)
    thread_id = _waiting_thread(db)
    config = _config(sink)
    first = send_reminders(db, config, now=NOW)
    again = send_reminders(db, config, now=NOW + timedelta(minutes=5))
    assert [(r["channel"], r["state"]) for r in first] == [("email", "sent"), ("webhook1-dingtalk", "sent")]
    assert again == []
    assert len(hook.posts) == 1
    assert hook.posts[0]["msgtype"] == "text"
    assert f"thread {thread_id}: 0 h 30 min left" in hook.posts[0]["text"]["content"]
    assert [m.rcpt_tos for m in sink.accepted] == [("lead@acme.example",)]


def test_a_failed_send_is_tried_again_at_the_next_run(db: Database, hook: Hook, sink: SmtpSink,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_HOOK", hook.url)
    _waiting_thread(db)
    hook.failures = 1
    first = send_reminders(db, _config(sink), now=NOW)
    second = send_reminders(db, _config(sink), now=NOW + timedelta(minutes=1))
    assert [r["state"] for r in first] == ["sent", "failed"]
    assert "answered 500" in first[1]["error"]
    assert [(r["channel"], r["state"]) for r in second] == [("webhook1-dingtalk", "sent")]
    assert len(hook.posts) == 1


def test_the_morning_digest_runs_from_the_job_runner(db: Database, hook: Hook, sink: SmtpSink,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_HOOK", hook.url)
    _waiting_thread(db)
    results: list[dict[str, Any]] = []
    runner = InProcessJobRunner(workers=1)
    runner.submit("reminders", reminders_job(db, _config(sink, digest_hour=8), report=results.append,
                                             clock=lambda: NOW))
    stop = threading.Event()
    worker = threading.Thread(target=runner.run, args=(stop,))
    worker.start()
    try:
        for _ in range(200):
            if len(results) >= 4:
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        worker.join()
    keys = sorted({r["key"].split(":")[0] for r in results})
    assert keys == ["digest", "thread"]
    digest = next(p for p in hook.posts if "Morning digest" in p["text"]["content"])
    assert "1 threads waiting for an answer, 0 past Amazon's deadline" in digest["text"]["content"]


def test_bad_reminder_settings_are_named(sink: SmtpSink) -> None:
    config = _config(sink)
    broken = Config(stores=config.stores, mailboxes=config.mailboxes, source="test.toml",
                    extra={"reminders": {"points": ["soon"]}})
    with pytest.raises(ConfigError, match=r"points in test\.toml"):
        reminder_settings(broken)
    unset = Config(stores=config.stores, mailboxes=config.mailboxes, source="test.toml",
                   extra={"reminders": {"webhooks": [{"format": "slack", "url_env": "SD_TEST_UNSET_HOOK"}]}})
    with pytest.raises(ConfigError):
        reminder_settings(unset)


def test_a_due_case_follow_up_is_reminded_once(db: Database, hook: Hook, sink: SmtpSink,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SD_TEST_HOOK", hook.url)
    config = _config(sink)
    with db.transaction() as store:
        add_store(store, now=RECEIVED)
        opened = cases.open_case(store, config=config, topic="other", now=RECEIVED, actor="amy",
                                 form={"request": "Please restore the listing.", "details": "It vanished."},
                                 amazon_case_id="17011", store_name="acme-us")
    before = send_reminders(db, config, now=RECEIVED + timedelta(days=1))
    first = send_reminders(db, config, now=RECEIVED + timedelta(days=2))
    again = send_reminders(db, config, now=RECEIVED + timedelta(days=2, hours=1))
    assert before == []
    assert [(r["key"].split(":")[0], r["channel"], r["state"]) for r in first] == [
        ("case", "email", "sent"), ("case", "webhook1-dingtalk", "sent")]
    assert first[0]["key"].startswith(f"case:{opened['id']}:follow-up:")
    assert again == []
    assert "case 17011 (open): follow-up due since" in hook.posts[0]["text"]["content"]
    assert sink.accepted[0].rcpt_tos == ("lead@acme.example",)
    digest = digest_lines(db, config, "acme-us", now=RECEIVED + timedelta(days=2))
    assert "1 Seller Support cases due for a follow-up (sellerdesk cases list --due)" in digest
