"""`sellerdesk report`: JSON Lines of Contact Response Time and valid SVG/PNG charts (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

from click.testing import CliRunner

from sellerdesk.cli import _register, cli
from sellerdesk.services import workflow
from sellerdesk.services.database import open_database
from tests.desk_rows import add_message, add_store, add_thread

_register()
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "sellerdesk.toml"
    path.write_text('[[stores]]\nname = "acme-us"\nmarketplaces = ["US"]\ntimezone = "America/Los_Angeles"\n',
                    encoding="utf-8")
    return path


def _desk(database_url: str) -> None:
    """Four buyer messages in the last week: on time, late, unanswered, excluded."""
    with open_database(database_url) as db, db.transaction() as store:
        shop = add_store(store, now=NOW - timedelta(days=9))
        for number, (age, answer) in enumerate([(5, 2), (4, 30), (3, None), (2, None)]):
            thread = add_thread(store, shop, f"t{number}", now=NOW, assigned_to="amy" if number % 2 else "bo")
            received = NOW - timedelta(days=age)
            message = add_message(store, thread, at=received)
            if answer is not None:
                add_message(store, thread, at=received + timedelta(hours=answer), direction="out")
            if number == 3:
                workflow.mark_no_response_needed(store, message_id=message.id, actor="amy", reason="thanks only",
                                                 now=NOW)


def _valid_png(data: bytes) -> bool:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False
    length, kind = struct.unpack(">I4s", data[8:16])
    crc = struct.unpack(">I", data[16 + length:20 + length])[0]
    return kind == b"IHDR" and zlib.crc32(data[12:16 + length]) == crc and data.endswith(b"IEND\xaeB`\x82")


def test_report_prints_the_metrics_and_writes_charts(tmp_path: Path, database_url: str) -> None:
    _desk(database_url)
    result = CliRunner().invoke(cli, ["report", "--config", str(_config(tmp_path)), "--database-url", database_url,
                                      "--store", "acme-us", "--days", "7", "--now", NOW.isoformat(),
                                      "--charts", str(tmp_path / "charts")])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    total = lines[0]
    assert (total["group_by"], total["days"], total["received"], total["excluded"]) == ("all", 7, 4, 1)
    assert (total["on_time"], total["late"], total["no_response"]) == (1, 1, 1)
    assert total["within_24h_share"] == 1 / 3
    assert total["average_response_hours"] == 16.0
    assert total["within_24h_gap"] == 0.9 - 1 / 3
    assert total["average_gap_hours"] == 4.0
    assert total["meets_goals"] is False
    agents = {line["group"]: line["received"] for line in lines if line.get("group_by") == "agent"}
    assert agents == {"amy": 2, "bo": 2}
    assert {"group_by": "no_response_marks", "group": "amy", "marked": 1}.items() <= lines[-2].items()
    files = [Path(name) for name in lines[-1]["charts"]]
    charts = ("response-times", "daily-volume", "agent-load")
    assert sorted(path.name for path in files) == sorted(
        f"acme-us-{chart}.{fmt}" for chart in charts for fmt in ("svg", "png"))
    for path in files:
        if path.suffix == ".svg":
            assert ElementTree.parse(path).getroot().tag == "{http://www.w3.org/2000/svg}svg"
        else:
            assert _valid_png(path.read_bytes())


def test_report_refuses_mixed_windows(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "--config", str(_config(tmp_path)), "--days", "7",
                                      "--since", "2026-03-01T00:00:00Z"])
    assert result.exit_code == 2
    assert "either --days or --since" in result.output
