"""Seller Support cases from the shell: ``sellerdesk cases new|list|show|summary|link|status|topics``.

``cases new`` composes a case from a JSON form and prints the subject, the text, the findings, the
timing advice and any duplicate warning; with ``--case-id`` (Amazon's, once the case is opened in
Seller Central) it also records the case in the tracker. ``--json`` prints one JSON object instead.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import IO, Any

import click

from sellerdesk.cli.base import actor_option, cli, config_option, handle_errors, load
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.core.case_topics import TOPIC_KEYS, TOPICS
from sellerdesk.errors import InputError
from sellerdesk.services import cases
from sellerdesk.services.wiring import build_services

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def _actor(name: str | None) -> str:
    return name or f"cli:{getpass.getuser()}"


def _echo_json(record: Any) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, default=str, indent=2))


def _read_form(source: IO[str]) -> dict[str, Any]:
    try:
        form = json.loads(source.read())
    except json.JSONDecodeError as exc:
        raise InputError(f"--form: not JSON ({exc.msg} at line {exc.lineno}); write one JSON object of facts") \
            from exc
    if not isinstance(form, dict):
        raise InputError("--form: write one JSON object of facts, e.g. {\"request\": \"...\", \"asins\": [...]}")
    return form


@cli.group("cases")
def cases_group() -> None:
    """Messages to Amazon Seller Support: compose, check and track cases."""


@cases_group.command("topics")
def topics_command() -> None:
    """List the case topics and the facts each asks for (* = required)."""
    for topic in TOPICS.values():
        facts = ", ".join(f"{f.key}{'*' if f.key in topic.required else ''}" for f in topic.facts)
        click.echo(f"{topic.key}: {topic.title}\n  {facts}")


@cases_group.command("new")
@config_option
@database_url_option
@click.option("--topic", required=True, type=click.Choice(TOPIC_KEYS), help="What the case is about.")
@click.option("--form", "form_file", required=True, type=click.File("r", encoding="utf-8"),
              help="JSON object of the facts (a file, or - for standard input); see `sellerdesk cases topics`.")
@click.option("--case-id", default=None, help="Amazon's case ID: record the case in the tracker.")
@click.option("--record", is_flag=True, help="Record the case in the tracker even without Amazon's case ID yet.")
@click.option("--store", "store_name", default=None, help="Store the case belongs to.")
@actor_option
@json_option
@handle_errors
def new_command(config_path: str | None, database_url: str | None, topic: str, form_file: IO[str],
                case_id: str | None, record: bool, store_name: str | None, actor: str | None, as_json: bool) -> None:
    """Compose a case: subject, text, findings, timing advice, duplicate warning."""
    form = _read_form(form_file)
    now = datetime.now(UTC)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        if case_id or record:
            result = cases.open_case(store, config=services.config, topic=topic, form=form, now=now,
                                     actor=_actor(actor), amazon_case_id=case_id, store_name=store_name)
        else:
            result = cases.compose(store, config=services.config, topic=topic, form=form, now=now,
                                   store_name=store_name)
    if as_json:
        _echo_json(result)
        return
    click.echo(f"Subject: {result['subject']}\n\n{result['text']}\n")
    click.echo(f"Check: {result['verdict']}")
    for finding in result["findings"]:
        click.echo(f"  - [{finding['severity']}] {finding['rule']}: {finding['explanation']} "
                   f"{finding['suggestion']}")
    click.echo(f"Timing: {result['timing']}")
    if result.get("duplicate_warning"):
        click.echo(f"Duplicate warning: {result['duplicate_warning']}")
    if "id" in result:
        click.echo(f"Recorded as case {result['case_id']} (tracker #{result['id']}).")


@cases_group.command("list")
@config_option
@database_url_option
@click.option("--status", default=None, type=click.Choice(cases.STATUSES), help="Only cases in this status.")
@click.option("--due", is_flag=True, help="Only cases whose follow-up is due now.")
@handle_errors
def list_command(config_path: str | None, database_url: str | None, status: str | None, due: bool) -> None:
    """List tracked cases, newest first, one JSON line each."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        rows = cases.list_cases(store, status=status, due_at=datetime.now(UTC) if due else None)
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False, default=str))


@cases_group.command("show")
@config_option
@database_url_option
@click.argument("case")
@handle_errors
def show_command(config_path: str | None, database_url: str | None, case: str) -> None:
    """Show a case (Amazon case ID or tracker #number): fields, text, events, linked cases."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = cases.show(store, case)
    _echo_json(record)


@cases_group.command("summary")
@config_option
@database_url_option
@click.argument("case")
@handle_errors
def summary_command(config_path: str | None, database_url: str | None, case: str) -> None:
    """Print the history of a case and its linked cases, to paste into the next message."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        text = cases.summary(store, case)
    click.echo(text)


@cases_group.command("link")
@config_option
@database_url_option
@click.argument("from_case")
@click.argument("to_case")
@click.option("--reason", required=True, help="Why the case moved, e.g. \"moved to the FBA reimbursements team\".")
@actor_option
@handle_errors
def link_command(config_path: str | None, database_url: str | None, from_case: str, to_case: str, reason: str,
                 actor: str | None) -> None:
    """Record that FROM_CASE moved to another team as TO_CASE."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = cases.link(store, from_case=from_case, to_case=to_case, reason=reason, now=datetime.now(UTC),
                            actor=_actor(actor))
    click.echo(json.dumps(record, ensure_ascii=False, default=str))


@cases_group.command("status")
@config_option
@database_url_option
@click.argument("case")
@click.option("--to", "status", required=True, type=click.Choice(cases.STATUSES), help="The new status.")
@click.option("--note", default=None, help="What happened (kept in the case history).")
@click.option("--case-id", default=None, help="Amazon's case ID, if the case was recorded without one.")
@actor_option
@handle_errors
def status_command(config_path: str | None, database_url: str | None, case: str, status: str, note: str | None,
                   case_id: str | None, actor: str | None) -> None:
    """Change a case's status; the follow-up reminder moves with it."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = cases.set_status(store, case=case, status=status, now=datetime.now(UTC), actor=_actor(actor),
                                  note=note, amazon_case_id=case_id,
                                  follow_up=cases.follow_up_interval(services.config))
    click.echo(json.dumps(record, ensure_ascii=False, default=str))
