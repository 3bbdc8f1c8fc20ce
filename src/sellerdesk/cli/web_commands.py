"""``sellerdesk serve`` (the web app) and ``sellerdesk user add`` (accounts for it)."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import click

from sellerdesk.cli.base import cli, config_option, handle_errors, load
from sellerdesk.services import users
from sellerdesk.services.wiring import build_services, run_web

PASSWORD_ENV = "SELLERDESK_NEW_PASSWORD"
SECRET_ENV = "SELLERDESK_SECRET_KEY"

database_option = click.option("--database-url", default=None, metavar="URL",
                               help="Database to use instead of the configured database_url.")


@cli.command("serve")
@config_option
@database_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--allow-demo-login", is_flag=True,
              help="Create the demo user and accept its password (demo / demo). Demo databases only.")
@handle_errors
def serve(config_path: str | None, database_url: str | None, host: str, port: int, allow_demo_login: bool) -> None:
    """Run the web app (inbox, threads) until stopped with Ctrl-C.

    The session cookie is signed with $SELLERDESK_SECRET_KEY (at least 32 characters); without
    it a random key is used and everyone must sign in again after a restart.
    """
    with build_services(load(config_path), database_url=database_url) as services:
        run_web(services, host=host, port=port, secret_key=os.environ.get(SECRET_ENV),
                allow_demo_login=allow_demo_login, announce=click.echo)


@cli.group("user")
def user_group() -> None:
    """Accounts of the web app."""


@user_group.command("add")
@config_option
@database_option
@click.argument("name")
@click.option("--role", type=click.Choice(users.ROLES), default="agent", show_default=True,
              help="admin: everything; agent: reads and answers; viewer: reads only.")
@click.option("--store", "stores", multiple=True, metavar="NAME",
              help="A store the user may see (repeat for several; default: every store).")
@click.option("--language", type=click.Choice(users.UI_LANGUAGES), default="en", show_default=True,
              help="UI language.")
@handle_errors
def user_add(config_path: str | None, database_url: str | None, name: str, role: str, stores: tuple[str, ...],
             language: str) -> None:
    """Add a user NAME; the password comes from $SELLERDESK_NEW_PASSWORD or a prompt (never an argument)."""
    password = os.environ.get(PASSWORD_ENV) or click.prompt(f"Password for {name}", hide_input=True,
                                                          confirmation_prompt=True)
    with build_services(load(config_path), database_url=database_url) as services, \
            services.db.transaction() as store:
        user = users.add_user(store, name=name, password=password, role=role, stores=stores,
                              ui_language=language, now=datetime.now(UTC))
        where = ", ".join(user.stores) if users.ALL_STORES not in user.stores else "every store"
    click.echo(f"sellerdesk: added {role} {name!r} ({where})")
