"""``sellerdesk sla``: read Amazon's 24-hour clock for a batch of buyer messages (contracts §3).

In, one JSON object a line: ``{"id", "received_at", "replied_at"?, "no_response_needed"?}``, plus
an optional ``arrived_at`` (when the mail server got the mail: a ``received_at`` later than it,
or more than a week before it, is replaced by it; without ``received_at`` it is used alone).
Out: ``{"id", "due_at", "remaining_seconds", "state"}``, plus ``"safe_by"`` with ``--store``, and
``"received_at"`` / ``"received_from"`` when ``arrived_at`` was given. Times are written in UTC.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.jsonl import open_input, run_batch
from sellerdesk.core.sla import parse_instant, read_clock, receive_time
from sellerdesk.core.working_hours import WorkingCalendar, safe_by
from sellerdesk.errors import InputError
from sellerdesk.services.calendar import store_calendar


def _instant(record: Mapping[str, Any], name: str) -> datetime | None:
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"field {name!r} must be an ISO 8601 string such as \"2026-03-08T09:30:00Z\", "
                         f"got {type(value).__name__}")
    return parse_instant(value, field=name)


def clock_line(record: Mapping[str, Any], *, now: datetime, calendar: WorkingCalendar | None) -> dict[str, Any]:
    """The output fields of one input line (see the module docstring)."""
    excluded = record.get("no_response_needed", False)
    if excluded is None:
        excluded = False
    if not isinstance(excluded, bool):
        raise InputError(f"field 'no_response_needed' must be true or false, got {excluded!r}")
    if record.get("received_at") is None and record.get("arrived_at") is None:
        raise InputError("missing field 'received_at' (when Amazon received the buyer's message, ISO 8601)")
    start = receive_time(date_header=_instant(record, "received_at"), arrived_at=_instant(record, "arrived_at"))
    reading = read_clock(now, received_at=start.at, replied_at=_instant(record, "replied_at"), excluded=excluded)
    out: dict[str, Any] = {"due_at": reading.due_at.isoformat(), "remaining_seconds": reading.remaining_seconds,
                           "state": str(reading.state)}
    if calendar is not None:
        out["safe_by"] = safe_by(reading.due_at, calendar).isoformat()
    if record.get("arrived_at") is not None:
        out["received_at"] = start.at.isoformat()
        out["received_from"] = str(start.source)
    return out


def _now_option(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        return parse_instant(value, field="--now")
    except InputError as exc:
        raise click.BadParameter(str(exc)) from exc


@cli.command("sla")
@click.option("--now", "now", callback=_now_option, default=None, metavar="ISO8601",
              help="The moment to read the clock at (default: the current time), e.g. 2026-03-08T09:30:00Z.")
@click.option("--store", "store_name", default=None, metavar="NAME",
              help="Add \"safe_by\" from this store's working hours and holidays (a [[stores]] name).")
@config_option
@click.argument("source", metavar="FILE|-")
@handle_errors
def sla(now: datetime, store_name: str | None, config_path: str | None, source: str) -> None:
    """Due time, seconds left and state of each buyer message on Amazon's 24-hour clock.

    Reads JSON Lines {"id", "received_at", "replied_at"?, "no_response_needed"?} and writes
    {"id", "due_at", "remaining_seconds", "state"} per line; state is open, met, late or excluded.
    """
    calendar = None
    if store_name is not None:
        calendar = store_calendar(load(config_path), store_name, around_year=now.year)
    stream = open_input(source)
    try:
        status = run_batch(stream, sys.stdout, lambda record: clock_line(record, now=now, calendar=calendar))
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    raise SystemExit(status)
