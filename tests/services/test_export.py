"""`sellerdesk export`: the contract's fields, filters, quarantined mails, the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.cli import _register, cli
from sellerdesk.errors import InputError, NotFoundError
from sellerdesk.services.database import Database
from sellerdesk.services.export import FIELDS, export_messages, parse_since
from sellerdesk.services.storing import store_mail
from tests.store_mails import NOT_A_MAIL, T0, notice, relay

ORDER = "114-1234567-1234567"


def fill(db: Database) -> None:
    with db.transaction() as store:
        for raw, name, now in ((relay(), "acme-us", T0), (NOT_A_MAIL, "acme-us", T0 + timedelta(hours=1)),
                               (relay(token="DE1", alias="x1@marketplace.amazon.de"), "acme-de",
                                T0 + timedelta(hours=2)),
                               (notice(subject=f"Refund initiated for order {ORDER}", body=f"Order ID: {ORDER}"),
                                "acme-us", T0 + timedelta(hours=3))):
            store_mail(store, store_name=name, raw=raw, now=now, attachment_max_bytes=1000)


def test_every_message_is_exported_with_the_contract_fields(db: Database) -> None:
    fill(db)
    records = list(export_messages(db))
    assert [r["store"] for r in records] == ["acme-us", "acme-us", "acme-de", "acme-us"]
    for record in records:
        assert set(FIELDS) <= set(record)
    buyer, quarantined, _, update = records
    assert buyer["direction"] == "in"
    assert buyer["message_id"] == "relay-1@marketplace.amazon.com"
    assert (buyer["message_key"], buyer["kind"], buyer["state"]) == ("tok:TOK1", "buyer_message", "stored")
    assert (buyer["order_id"], buyer["asin"], buyer["marketplace"]) == (ORDER, "B0ABCDEF12", "US")
    assert buyer["buyer_alias"] == "abc123xyz@marketplace.amazon.com"
    assert buyer["text"] == "Where is my order? It has not arrived yet."
    assert buyer["received_at"] == "2026-03-02T09:00:00Z"
    assert isinstance(buyer["thread_id"], int)
    assert update["thread_id"] == buyer["thread_id"]
    assert (quarantined["state"], quarantined["message_id"]) == ("quarantined", None)
    assert "not an e-mail" in quarantined["reason"]
    assert quarantined["message_key"].startswith("sha:")


def test_export_filters_by_store_and_time(db: Database) -> None:
    fill(db)
    assert [r["store"] for r in export_messages(db, store_name="acme-de")] == ["acme-de"]
    since = [r["received_at"] for r in export_messages(db, since=T0 + timedelta(hours=1))]
    assert since == ["2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z", "2026-03-02T12:00:00Z"]
    assert list(export_messages(db, store_name="acme-us", since=T0 + timedelta(days=1))) == []
    with pytest.raises(NotFoundError, match=r"\(stores: acme-de, acme-us\)"):
        list(export_messages(db, store_name="acme-fr"))


def test_export_streams_in_batches(db: Database) -> None:
    with db.transaction() as store:
        for number in range(7):
            store_mail(store, store_name="acme-us", raw=relay(token=f"B{number}", message_id=f"b{number}@x"),
                       now=T0, attachment_max_bytes=0)
    keys = [r["message_key"] for r in export_messages(db, batch_size=3)]
    assert keys == [f"tok:B{n}" for n in range(7)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", datetime(2026, 3, 1, tzinfo=UTC)),
    ("2026-03-01T09:00:00+01:00", datetime(2026, 3, 1, 8, tzinfo=UTC)),
    ("2026-03-01T09:00:00Z", datetime(2026, 3, 1, 9, tzinfo=UTC)),
])
def test_since_reads_iso_8601(text: str, expected: datetime) -> None:
    assert parse_since(text) == expected


def _since_or_error(text: str) -> tuple[datetime | None, str | None]:
    try:
        return parse_since(text), None
    except InputError as exc:
        return None, str(exc)


@given(st.text(max_size=40))
def test_since_either_reads_a_time_or_says_what_is_wrong(text: str) -> None:
    value, error = _since_or_error(text)
    if error is not None:
        assert error.startswith(f"--since {text.strip()!r}"[:9])
    else:
        assert value is not None
        assert value.tzinfo is not None


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200))
def test_any_buyer_text_survives_storing_and_export(db: Database, words: str) -> None:
    token = f"H{abs(hash(words))}"
    with db.transaction() as store:
        outcome = store_mail(store, store_name="acme-us", raw=relay(token=token, text=words, message_id=None),
                             now=T0, attachment_max_bytes=0)
    [record] = [r for r in export_messages(db) if r["id"] == outcome.message_id]
    line = json.loads(json.dumps(record, ensure_ascii=False))
    assert line["message_key"] == f"tok:{token}"
    assert line["state"] in {"stored", "quarantined"}


def invoke(*args: str) -> tuple[int, str, str]:
    _register()
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_command_prints_json_lines_from_the_database_url(db: Database, database_url: str,
                                                             tmp_path: Path) -> None:
    fill(db)
    config = tmp_path / "sellerdesk.toml"
    config.write_text('database_url = "sqlite:////nonexistent/elsewhere.db"\n', encoding="utf-8")
    code, out, err = invoke("export", "--config", str(config), "--database-url", database_url,
                            "--store", "acme-us", "--since", "2026-03-02T09:30:00Z")
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [(r["store"], r["state"]) for r in lines] == [("acme-us", "quarantined"), ("acme-us", "stored")]


@pytest.mark.parametrize(("args", "code", "message"), [
    (("--since", "soon"), 2, "--since 'soon' is not an ISO 8601 time"),
    (("--store", "nope"), 1, "no store named 'nope'"),
])
def test_the_command_explains_bad_input(database_url: str, args: tuple[str, ...], code: int,
                                        message: str) -> None:
    exit_code, out, err = invoke("export", "--database-url", database_url, *args)
    assert (exit_code, out) == (code, "")
    assert message in err


def test_a_bad_database_url_is_a_usage_error() -> None:
    code, _, err = invoke("export", "--database-url", "mysql://u@h/db")
    assert code == 2
    assert "database_url" in err
