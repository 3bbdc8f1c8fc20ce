"""Configuration commands: ``config check`` and ``config docs``."""

from __future__ import annotations

import json
import os

import click

from sellerdesk.cli.base import cli, config_option, handle_errors
from sellerdesk.config import load_config, render_docs


@cli.group("config")
def config_group() -> None:
    """Check the configuration file, or print its reference."""


@config_group.command("check")
@config_option
@handle_errors
def check(config_path: str | None) -> None:
    """Validate the configuration and say which secrets are missing (never printing them)."""
    config = load_config(config_path, required=True)
    problems = 0
    for mailbox in config.mailboxes:
        missing = [name for name in (mailbox.imap_password_env, mailbox.smtp_password_env)
                   if name and not os.environ.get(name)]
        problems += bool(missing)
        click.echo(json.dumps({"mailbox": mailbox.label, "missing_secrets": missing}))
    click.echo(json.dumps({"config": config.source, "stores": [s.name for s in config.stores],
                           "mailboxes": len(config.mailboxes), "ok": problems == 0}))
    if problems:
        raise SystemExit(1)


@config_group.command("docs")
def docs() -> None:
    """Print the reference of every configuration key (docs/configuration.md is generated from it)."""
    click.echo(render_docs(), nl=False)
