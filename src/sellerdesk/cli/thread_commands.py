"""The inbox workflow from the shell: ``sellerdesk threads assign|state|no-response|hold-reply|view``.

Each command does one workflow action (see :mod:`sellerdesk.services.workflow`) in one transaction
and prints its result as one JSON line. The actor is ``--as USER`` or the local login.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Any

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.outbox_commands import user_option
from sellerdesk.cli.store_commands import database_url_option
from sellerdesk.core.workflow import HOLD_REASONS, ThreadState
from sellerdesk.services import workflow
from sellerdesk.services.wiring import build_services

thread_option = click.option("--thread", "thread_id", type=int, required=True, help="Id of the thread.")


def _echo(record: dict[str, Any] | list[str]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False, default=str))


def _actor(user_name: str | None) -> str:
    return user_name or f"cli:{getpass.getuser()}"


@cli.group("threads")
def threads_group() -> None:
    """The inbox workflow: thread states, assignment, "no response needed", holding replies."""


@threads_group.command("assign")
@config_option
@database_url_option
@thread_option
@click.option("--agent", default=None, metavar="USER", help="Give the thread to this user.")
@click.option("--round-robin", is_flag=True, help="Give it to the store's next agent in turn.")
@user_option
@handle_errors
def assign_command(config_path: str | None, database_url: str | None, thread_id: int, agent: str | None,
                   round_robin: bool, user_name: str | None) -> None:
    """Assign a thread to an agent, by name or by the store's round robin."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = workflow.assign(store, thread_id=thread_id, actor=_actor(user_name), now=datetime.now(UTC),
                                 agent=agent, round_robin=round_robin)
    _echo(record)


@threads_group.command("state")
@config_option
@database_url_option
@thread_option
@click.option("--to", "state", required=True, type=click.Choice([s.value for s in ThreadState]),
              help="The new state.")
@click.option("--reason", default=None, type=click.Choice(HOLD_REASONS), help="Why (needed for on_hold).")
@user_option
@handle_errors
def state_command(config_path: str | None, database_url: str | None, thread_id: int, state: str,
                  reason: str | None, user_name: str | None) -> None:
    """Move a thread to another workflow state."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = workflow.set_state(store, thread_id=thread_id, state=state, actor=_actor(user_name),
                                    now=datetime.now(UTC), reason=reason)
    _echo(record)


@threads_group.command("no-response")
@config_option
@database_url_option
@click.option("--message", "message_id", type=int, required=True, help="Id of the buyer message.")
@click.option("--reason", required=True, help="Why no response is needed (kept in the audit log).")
@user_option
@handle_errors
def no_response_command(config_path: str | None, database_url: str | None, message_id: int, reason: str,
                        user_name: str | None) -> None:
    """Mark a buyer message "no response needed": it leaves Contact Response Time."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = workflow.mark_no_response_needed(store, message_id=message_id, actor=_actor(user_name),
                                                  reason=reason, now=datetime.now(UTC))
    _echo(record)


@threads_group.command("hold-reply")
@config_option
@database_url_option
@thread_option
@click.option("--text", required=True, help="The holding reply: what is being checked and when the answer comes.")
@user_option
@handle_errors
def hold_reply_command(config_path: str | None, database_url: str | None, thread_id: int, text: str,
                       user_name: str | None) -> None:
    """Queue a holding reply a person wrote and put the thread on hold."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        record = workflow.send_holding_reply(store, user_name=user_name, local_name=_actor(None),
                                             thread_id=thread_id, text=text, now=datetime.now(UTC),
                                             config=services.config)
    _echo(record)


@threads_group.command("view")
@config_option
@database_url_option
@thread_option
@user_option
@handle_errors
def view_command(config_path: str | None, database_url: str | None, thread_id: int, user_name: str | None) -> None:
    """Note that you opened a thread; print the others who have it open (a collision warning)."""
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        others = workflow.record_view(store, thread_id=thread_id, user=_actor(user_name), now=datetime.now(UTC))
    _echo({"thread": thread_id, "also_viewing": others})
