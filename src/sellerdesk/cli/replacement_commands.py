"""After-sales from the shell: ``sellerdesk replacements list|show|open|advance|costs|message|report|export|...``.

Batch commands (``open``, ``advance``, ``costs``, ``refund``, ``return``) read JSON Lines from a file
or ``-`` and print one result per line with the input's ``id`` (contracts §3), the case's, refund's or
return request's own number under ``case``, ``refund`` or ``return``; each line is its own
transaction, so one bad line neither stops nor undoes the others. Listing commands print one JSON
line per row; ``show``, ``message`` and ``export`` print one JSON object.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from sellerdesk.cli.base import actor_option, cli, config_option, handle_errors, load
from sellerdesk.cli.jsonl import open_input, require, run_batch
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.core.after_sales.money import costs_from, parse_amount, parse_currency, rate_from
from sellerdesk.core.after_sales.states import STATES
from sellerdesk.core.sla import parse_instant
from sellerdesk.errors import InputError
from sellerdesk.services import after_sales, after_sales_ledger, after_sales_messages, refunds, returns
from sellerdesk.services.replies import actor_named
from sellerdesk.services.wiring import Services, build_services

store_option = click.option("--store", "store_name", default=None, metavar="NAME", help="Only this store.")
now_option = click.option("--now", "now_text", default=None, metavar="ISO8601", help="The moment (default: now).")


def _local() -> str:
    return f"cli:{getpass.getuser()}"


def _now(text: str | None) -> datetime:
    return parse_instant(text, field="--now") if text else datetime.now(UTC)


def _json_value(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def _print(record: Any, *, indent: int | None = None) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, default=_json_value, indent=indent))


def _batch(config_path: str | None, database_url: str | None, source: str,
           handle: Callable[[Services, Mapping[str, Any]], Mapping[str, Any]]) -> None:
    with build_services(load(config_path), database_url=database_url) as services:
        status = run_batch(open_input(source), sys.stdout, lambda record: handle(services, record))
    raise SystemExit(status)


def _keyed(record: Mapping[str, Any], key: str) -> dict[str, Any]:
    """*record* with its own ``id`` renamed to *key* (a batch line's ``id`` is the input's, contracts §3) and
    its times in ISO 8601, UTC."""
    return {key: record["id"], **{k: _json_value(v) if isinstance(v, datetime) else v
                                  for k, v in record.items() if k != "id"}}


def _optional_time(record: Mapping[str, Any], name: str) -> datetime | None:
    value = record.get(name)
    return None if value is None else parse_instant(str(value), field=name)


def _optional_flag(record: Mapping[str, Any], name: str) -> bool | None:
    value = record.get(name)
    if value is not None and not isinstance(value, bool):
        raise InputError(f"field {name!r} must be true or false")
    return value


@cli.group("replacements")
def replacements_group() -> None:
    """After-sales: replacement cases, refunds, returns, the ledger and the replacement rate."""


@replacements_group.command("list")
@config_option
@database_url_option
@store_option
@click.option("--state", default=None, type=click.Choice(STATES), help="Only cases in this state.")
@click.option("--open", "in_progress", is_flag=True, help="Only cases in progress (not closed or refused).")
@handle_errors
def list_command(config_path: str | None, database_url: str | None, store_name: str | None, state: str | None,
                 in_progress: bool) -> None:
    """List replacement cases, newest first, one JSON line each."""
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        rows = after_sales.list_cases(store, store_name=store_name, state=state, in_progress=in_progress)
    for row in rows:
        _print(row)


@replacements_group.command("show")
@config_option
@database_url_option
@click.argument("case", type=int)
@handle_errors
def show_command(config_path: str | None, database_url: str | None, case: int) -> None:
    """Show a case: fields, costs, checklist and its history from the audit log."""
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        record = after_sales.show_case(store, case)
    _print(record, indent=2)


@replacements_group.command("open")
@config_option
@database_url_option
@click.argument("source", required=False, metavar="FILE|-")
@click.option("--from-events", is_flag=True, help="Open a case for every undeliverable parcel the order sync found.")
@store_option
@actor_option
@handle_errors
def open_command(config_path: str | None, database_url: str | None, source: str | None, from_events: bool,
                 store_name: str | None, actor: str | None) -> None:
    """Open cases: JSON Lines of {"id", "thread_id", "cause"?} or {"id", "store", "order_id", "cause", ...}.

    An order with a case in progress gets that case back ("existing": true), never a second one.
    """
    if from_events:
        _open_from_events(config_path, database_url, store_name)
        return
    if source is None:
        raise InputError("give a JSON Lines FILE (or - for standard input), or --from-events")

    def handle(services: Services, record: Mapping[str, Any]) -> Mapping[str, Any]:
        who = actor or _local()
        now = datetime.now(UTC)
        with services.db.transaction() as store:
            if record.get("thread_id") is not None:
                return _keyed(after_sales.open_from_thread(
                    store, thread_id=require(record, "thread_id", int), now=now, actor=who,
                    cause=record.get("cause"), problem=str(record.get("problem") or "")), "case")
            details = {k: record.get(k) for k in ("sku", "asin", "quantity", "marketplace", "destination",
                                                  "original_carrier")}
            return _keyed(after_sales.open_case(store, store_name=require(record, "store"),
                                                order_id=require(record, "order_id"), cause=require(record, "cause"),
                                                now=now, actor=who, problem=str(record.get("problem") or ""),
                                                details=details), "case")

    _batch(config_path, database_url, source, handle)


def _open_from_events(config_path: str | None, database_url: str | None, store_name: str | None) -> None:
    config = load(config_path)
    names = [store_name] if store_name else [s.name for s in config.stores]
    with build_services(config, database_url=database_url) as services:
        opened = after_sales.open_cases_from_events(services.db, names, now=datetime.now(UTC))
    for row in opened:
        _print(row)


@replacements_group.command("advance")
@config_option
@database_url_option
@click.argument("source", metavar="FILE|-")
@actor_option
@handle_errors
def advance_command(config_path: str | None, database_url: str | None, source: str, actor: str | None) -> None:
    """Move cases on: {"id", "case", "to", "carrier"?, "tracking_number"?, "ship_date"?, "reason"?,
    "tracking_uploaded"?, "return_closed"?} per line."""

    def handle(services: Services, record: Mapping[str, Any]) -> Mapping[str, Any]:
        with services.db.transaction() as store:
            return _keyed(after_sales.advance_case(
                store, case_id=require(record, "case", int), to=require(record, "to"), now=datetime.now(UTC),
                actor=actor or _local(), carrier=record.get("carrier"), tracking_number=record.get("tracking_number"),
                ship_date=_optional_time(record, "ship_date"), reason=record.get("reason"),
                tracking_uploaded=_optional_flag(record, "tracking_uploaded"),
                return_closed=_optional_flag(record, "return_closed")), "case")

    _batch(config_path, database_url, source, handle)


@replacements_group.command("costs")
@config_option
@database_url_option
@click.argument("source", metavar="FILE|-")
@actor_option
@handle_errors
def costs_command(config_path: str | None, database_url: str | None, source: str, actor: str | None) -> None:
    """Record what replacements cost: {"id", "case", "cost_item", "cost_packing", "cost_postage", "currency",
    "fx_rate"?} per line (fx_rate: ledger currency per unit of currency; not needed in the ledger currency)."""

    def handle(services: Services, record: Mapping[str, Any]) -> Mapping[str, Any]:
        costs = costs_from(dict(record), ledger_currency=after_sales_ledger.ledger_currency(services.config))
        with services.db.transaction() as store:
            return _keyed(after_sales.record_costs(store, case_id=require(record, "case", int), costs=costs,
                                                   now=datetime.now(UTC), actor=actor or _local()), "case")

    _batch(config_path, database_url, source, handle)


@replacements_group.command("checklist")
@config_option
@database_url_option
@click.argument("case", type=int)
@click.option("--tracking-uploaded/--tracking-not-uploaded", default=None,
              help="The replacement's tracking number is (not) uploaded to the order.")
@click.option("--return-closed/--return-open", default=None,
              help="The original return is closed or there is none (or it is still open).")
@actor_option
@handle_errors
def checklist_command(config_path: str | None, database_url: str | None, case: int, tracking_uploaded: bool | None,
                      return_closed: bool | None, actor: str | None) -> None:
    """Tick the closing checklist of a case."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = after_sales.update_checklist(store, case_id=case, now=datetime.now(UTC), actor=actor or _local(),
                                              tracking_uploaded=tracking_uploaded, return_closed=return_closed)
    _print(record)


@replacements_group.command("message")
@config_option
@database_url_option
@click.argument("case", type=int)
@click.option("--queue", is_flag=True, help="Queue the message as a reply in the case's thread (checked again).")
@click.option("--text-file", type=click.File("r", encoding="utf-8"), default=None,
              help="Send this text (an edited draft) instead of the draft.")
@click.option("--override-reason", default=None, help="Admins only: send a blocked text anyway, for this reason.")
@actor_option
@handle_errors
def message_command(config_path: str | None, database_url: str | None, case: int, queue: bool,
                    text_file: Any, override_reason: str | None, actor: str | None) -> None:
    """Draft the buyer message the case's state owes (with the compliance verdict); --queue sends it."""
    now = datetime.now(UTC)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        if not queue:
            record = after_sales_messages.draft_step(store, case_id=case, now=now, config=services.config)
        else:
            who = actor_named(store, actor, local_name=_local())
            record = after_sales_messages.queue_step(
                store, case_id=case, now=now, actor=who, config=services.config,
                text=text_file.read() if text_file is not None else None, override_reason=override_reason)
    _print(record, indent=2)


@replacements_group.command("refund")
@config_option
@database_url_option
@click.argument("source", metavar="FILE|-")
@actor_option
@handle_errors
def refund_command(config_path: str | None, database_url: str | None, source: str, actor: str | None) -> None:
    """Record refund decisions: {"id", "store", "order_id", "amount", "currency", "fx_rate"?, "reason", "case"?,
    "again"?} per line."""

    def handle(services: Services, record: Mapping[str, Any]) -> Mapping[str, Any]:
        ledger = after_sales_ledger.ledger_currency(services.config)
        currency = parse_currency(record.get("currency"))
        rate = rate_from(dict(record), currency=currency, ledger_currency=ledger)
        with services.db.transaction() as store:
            return _keyed(refunds.record_refund(
                store, store_name=require(record, "store"), order_id=require(record, "order_id"),
                amount=parse_amount(record.get("amount"), what="amount"), currency=currency, fx_rate=rate,
                ledger_currency=ledger, reason=require(record, "reason"), now=datetime.now(UTC),
                actor=actor or _local(), case_id=record.get("case"), again=bool(record.get("again"))), "refund")

    _batch(config_path, database_url, source, handle)


@replacements_group.command("refunds")
@config_option
@database_url_option
@store_option
@handle_errors
def refunds_command(config_path: str | None, database_url: str | None, store_name: str | None) -> None:
    """List refund decisions, newest first, one JSON line each."""
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        rows = refunds.list_refunds(store, store_name=store_name)
    for row in rows:
        _print(row)


@replacements_group.command("return")
@config_option
@database_url_option
@click.argument("source", metavar="FILE|-")
@actor_option
@handle_errors
def return_command(config_path: str | None, database_url: str | None, source: str, actor: str | None) -> None:
    """Record return requests: {"id", "store", "order_id", "marketplace", "reason", "requested_at"?, "note"?}
    per line; reason is one of damaged, defective, wrong_item, missing_parts, not_as_described,
    no_longer_needed, arrived_late, other."""

    def handle(services: Services, record: Mapping[str, Any]) -> Mapping[str, Any]:
        now = datetime.now(UTC)
        with services.db.transaction() as store:
            return _keyed(returns.record_return(
                store, store_name=require(record, "store"), order_id=require(record, "order_id"),
                marketplace=require(record, "marketplace"), reason=require(record, "reason"),
                requested_at=_optional_time(record, "requested_at") or now, now=now, actor=actor or _local(),
                note=str(record.get("note") or "")), "return")

    _batch(config_path, database_url, source, handle)


@replacements_group.command("returns")
@config_option
@database_url_option
@store_option
@click.option("--open", "open_only", is_flag=True, help="Only requests not reviewed yet.")
@handle_errors
def returns_command(config_path: str | None, database_url: str | None, store_name: str | None,
                    open_only: bool) -> None:
    """List return requests, soonest review deadline first, one JSON line each."""
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        rows = returns.list_returns(store, store_name=store_name, open_only=open_only)
    for row in rows:
        _print(row)


@replacements_group.command("review-return")
@config_option
@database_url_option
@click.argument("request", type=int)
@click.option("--decision", required=True, type=click.Choice(returns.DECISIONS), help="The outcome of the review.")
@click.option("--note", default=None, help="Why (kept with the request).")
@actor_option
@handle_errors
def review_return_command(config_path: str | None, database_url: str | None, request: int, decision: str,
                          note: str | None, actor: str | None) -> None:
    """Record the review of a return request."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = returns.review_return(store, return_id=request, decision=decision, now=datetime.now(UTC),
                                       actor=actor or _local(), note=note)
    _print(record)


@replacements_group.command("report")
@config_option
@database_url_option
@store_option
@now_option
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False), default=None,
              help="Also draw the charts (SVG and PNG) into this folder.")
@handle_errors
def report_command(config_path: str | None, database_url: str | None, store_name: str | None,
                   now_text: str | None, charts_dir: str | None) -> None:
    """The 90-day replacement rate per store and marketplace, the causes ranked, the cost per month (JSON Lines)."""
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        figures = after_sales_ledger.report(store, config=services.config, now=_now(now_text), store_name=store_name)
    for rate in figures["rates"]:
        _print({"kind": "rate", **rate})
    for ranked in figures["causes"].values():
        for row in ranked:
            _print({"kind": "cause", **row})
    for month in figures["months"]:
        _print({"kind": "month", "currency": figures["currency"], **month})
    if charts_dir:
        written = after_sales_ledger.write_charts(figures, directory=Path(charts_dir),
                                                  prefix=f"{store_name}-" if store_name else "")
        _print({"kind": "charts", "files": [str(p) for p in written]})


@replacements_group.command("export")
@config_option
@database_url_option
@store_option
@click.option("--format", "fmt", type=click.Choice(("csv", "xlsx")), default=None,
              help="File format (default: from the file name).")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="The file to write.")
@click.option("--since", default=None, metavar="ISO8601", help="Only rows at or after this time.")
@click.option("--until", default=None, metavar="ISO8601", help="Only rows before this time.")
@handle_errors
def export_command(config_path: str | None, database_url: str | None, store_name: str | None, fmt: str | None,
                   out_path: str, since: str | None, until: str | None) -> None:
    """Write the ledger (every replacement and refund) as CSV or XLSX."""
    path = Path(out_path)
    chosen = fmt or path.suffix.lstrip(".").lower()
    with build_services(load(config_path), database_url=database_url) as services, services.db.reading() as store:
        record = after_sales_ledger.export_ledger(
            store, path=path, fmt=chosen, store_name=store_name,
            start=parse_instant(since, field="--since") if since else None,
            end=parse_instant(until, field="--until") if until else None)
    _print(record)


@replacements_group.command("import-orders")
@config_option
@database_url_option
@click.option("--store", "store_name", required=True, metavar="NAME", help="The store the report belongs to.")
@click.argument("report", type=click.Path(exists=True, dir_okay=False))
@handle_errors
def import_orders_command(config_path: str | None, database_url: str | None, store_name: str, report: str) -> None:
    """Import an order report (Seller Central's tab-separated "All Orders" report) for the replacement rate."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = after_sales_ledger.import_order_report(store, store_name=store_name, raw=Path(report).read_bytes(),
                                                        source=report, now=datetime.now(UTC))
    _print(record)
