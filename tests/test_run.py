"""`sellerdesk run` serves the web app, sends the outbox and syncs orders from the emulator, on a demo database."""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import httpx
from sqlalchemy import func, select

from sellerdesk.adapters.db.tables import CachedOrder
from sellerdesk.services.database import open_database
from tests.servers import free_port

SELLERDESK = [sys.executable, "-m", "sellerdesk"]


def cached_orders(url: str) -> int:
    with open_database(url) as db, db.reading() as store:
        return int(store.session.scalar(select(func.count()).select_from(CachedOrder)) or 0)


def wait_for(check: object, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {seconds} s")


def test_run_serves_the_app_and_delivers_a_queued_reply(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    url = f"sqlite:///{tmp_path / 'd.db'}"
    made = subprocess.run([*SELLERDESK, "demo", "--database-url", url, "--threads", "19",
                           "--config-out", str(tmp_path / "demo.toml"),
                           "--spapi-endpoint", f"http://127.0.0.1:{free_port()}"],
                          capture_output=True, text=True, env=env, check=False)
    assert made.returncode == 0, made.stderr
    port = free_port()
    server = subprocess.Popen([*SELLERDESK, "run", "--config", str(tmp_path / "demo.toml"), "--port", str(port),
                               "--outbox-every", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=env)
    try:
        def up() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                return False

        wait_for(up, seconds=120, what="the web app")
        queued = subprocess.run([*SELLERDESK, "reply", "--config", str(tmp_path / "demo.toml"), "--thread", "1",
                                 "--text", "Hello, thank you for your message. We have checked your order and "
                                 "will write again tomorrow with the details."],
                                capture_output=True, text=True, env=env, check=False)
        assert queued.returncode == 0, queued.stderr
        message_id = json.loads(queued.stdout)["message_id"]
        sent = tmp_path / "demo-outbox" / f"{message_id}.eml"
        wait_for(sent.exists, seconds=120, what="the reply in the outbox folder")
        mail = email.message_from_bytes(sent.read_bytes(), policy=email.policy.default)
        assert isinstance(mail, EmailMessage)
        assert "will write again tomorrow" in mail.get_content()
        wait_for(lambda: cached_orders(url) > 0, seconds=120, what="orders from the SP-API emulator")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()
