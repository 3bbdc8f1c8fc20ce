"""The SP-API commands end to end: a config naming the emulator, a real database, JSON out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.cli import _register, cli
from tests.spapi.test_client import shipped_order


def write_config(tmp_path: Path, server: EmulatorServer) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text(f'database_url = "sqlite:///{tmp_path / "db.sqlite"}"\n\n[[stores]]\nname = "acme-us"\n'
                    f'marketplaces = ["US"]\nspapi_endpoint = "{server.url}"\n', encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, list[dict[str, object]]]:
    _register()
    result = CliRunner().invoke(cli, list(args))
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines


def test_orders_show_fetches_then_serves_from_cache(tmp_path: Path, server: EmulatorServer,
                                                    state: EmulatorState) -> None:
    state.put_order(shipped_order())
    config = write_config(tmp_path, server)
    code, first = run("orders", "show", "111-2223334-4445556", "--store", "acme-us", "--config", str(config))
    assert code == 0
    assert first[0]["from_cache"] is False
    order = first[0]["order"]
    assert isinstance(order, dict)
    assert order["tracking_number"] == "1Z999AA10123456784"
    code, second = run("orders", "show", "111-2223334-4445556", "--store", "acme-us", "--config", str(config))
    assert (code, second[0]["from_cache"]) == (0, True)


def test_unknown_order_exits_1_with_the_reason(tmp_path: Path, server: EmulatorServer, state: EmulatorState) -> None:
    state.derive_unknown = False
    code, lines = run("orders", "show", "111-0000000-0000009", "--store", "acme-us", "--config",
                      str(write_config(tmp_path, server)))
    assert code == 1
    assert "check the order ID" in str(lines[0]["problem"])


def test_api_message_and_review_dry_run(tmp_path: Path, server: EmulatorServer, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    config = str(write_config(tmp_path, server))
    code, lines = run("api-message", "--store", "acme-us", "--order", "111-2223334-4445556", "--marketplace", "US",
                      "--type", "confirmDeliveryDetails", "--text", "Your parcel arrives on Friday.",
                      "--config", config)
    assert (code, lines[0]["state"]) == (0, "sent")
    code, lines = run("orders", "sync", "--config", config)
    assert code == 0
    code, lines = run("reviews", "request", "--dry-run", "--config", config)
    assert code == 0
    assert lines[-1]["dry_run"] is True
    assert state.solicitations == []


def test_spapi_emulator_command_serves_until_stopped() -> None:
    import socket
    import subprocess
    import sys
    import time

    import httpx

    from sellerdesk.adapters.spapi import ManualClock, SpApiClient
    from tests.spapi.conftest import DEMO_CREDENTIALS

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "sellerdesk", "spapi-emulator", "--port", str(port),
                                "--seed", "none", "--marketplaces", "DE"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60  # a wait for start-up on a loaded machine, not a speed check
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/_emulator/state", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the emulator did not start"
                time.sleep(0.2)
        with SpApiClient(store="s", region="EU", credentials=DEMO_CREDENTIALS, endpoint=f"http://127.0.0.1:{port}",
                         clock=ManualClock()) as client:
            order = client.get_order("302-1234567-7654321")
        assert order["salesChannel"]["marketplaceId"] == "A1PA6795UKMFR9"
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()
