"""The command-line shell: parse arguments, call one service, print the result.

Each command group lives in its own module and registers itself on :data:`cli`.
Library errors (:class:`sellerdesk.errors.SellerdeskError`) become a one-line message on
standard error and exit status 2 (usage/config) or 1 (a failure while working).
"""

from __future__ import annotations

import importlib

import click

from sellerdesk.cli.base import cli

COMMAND_MODULES = (
    "sellerdesk.cli.config_commands",
    "sellerdesk.cli.demo_commands",
    "sellerdesk.cli.run_commands",
    "sellerdesk.cli.sla_commands",
    "sellerdesk.cli.check_commands",
    "sellerdesk.cli.web_commands",
    "sellerdesk.cli.store_commands",
    "sellerdesk.cli.parse_commands",
    "sellerdesk.cli.ingest_commands",
    "sellerdesk.cli.outbox_commands",
    "sellerdesk.cli.classify_commands",
    "sellerdesk.cli.draft_commands",
    "sellerdesk.cli.spapi_commands",
    "sellerdesk.cli.thread_commands",
    "sellerdesk.cli.report_commands",
    "sellerdesk.cli.case_commands",
    "sellerdesk.cli.replacement_commands",
    "sellerdesk.cli.token_commands",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main() -> None:
    """Entry point of the ``sellerdesk`` command."""
    _register()
    cli(prog_name="sellerdesk")


__all__ = ["cli", "click", "main"]
