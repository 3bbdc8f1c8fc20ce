"""``sellerdesk token create|list|revoke``: API tokens for ERPs calling the JSON API."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.cli.web_commands import database_option
from sellerdesk.services import api_tokens
from sellerdesk.services.wiring import build_services


def _operator() -> str:
    """Who runs the command, for the audit log (whoever may open the database acts as an admin)."""
    return f"cli:{getpass.getuser()}"


@cli.group("token")
def token_group() -> None:
    """API tokens for the JSON API (/api/v1): create, list, revoke."""


@token_group.command("create")
@config_option
@database_option
@click.argument("name")
@click.option("--user", "user_name", required=True, metavar="USER",
              help="The user the token acts as: its role and store access apply.")
@click.option("--expires", default=None, metavar="WHEN",
              help="When it stops working: 90d, 12h or an ISO 8601 time (default: never; revoke it instead).")
@handle_errors
def token_create(config_path: str | None, database_url: str | None, name: str, user_name: str,
                 expires: str | None) -> None:
    """Create an API token NAME for USER and print it once (only its hash is kept)."""
    now = datetime.now(UTC)
    expires_at = api_tokens.expiry_from(expires, now=now) if expires else None
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        row, token = api_tokens.create_token(store, name=name, user_name=user_name, now=now,
                                             created_by=_operator(), expires_at=expires_at)
        line = api_tokens.token_line(row, user_name=user_name, now=now)
    click.echo(json.dumps({**line, "token": token}))
    click.echo("sellerdesk: keep the token now; it is shown only once. Send it as "
               "'Authorization: Bearer <token>'.", err=True)


@token_group.command("list")
@config_option
@database_option
@handle_errors
def token_list(config_path: str | None, database_url: str | None) -> None:
    """Every API token as a JSON line: id, name, user, prefix, state, times (never the token)."""
    now = datetime.now(UTC)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.reading() as store:
        lines = api_tokens.list_tokens(store, now=now)
    for line in lines:
        click.echo(json.dumps(line))


@token_group.command("revoke")
@config_option
@database_option
@click.argument("token")
@handle_errors
def token_revoke(config_path: str | None, database_url: str | None, token: str) -> None:
    """Revoke TOKEN (its id, its prefix sd_... or the whole token): requests with it get 401 from now on."""
    now = datetime.now(UTC)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        line = api_tokens.revoke_token(store, ident=token, now=now, actor=_operator())
    click.echo(json.dumps(line))
