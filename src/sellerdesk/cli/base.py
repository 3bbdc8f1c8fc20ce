"""The root command group and the options every command shares."""

from __future__ import annotations

import functools
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeVar

import click

from sellerdesk import __version__
from sellerdesk.config import Config, load_config
from sellerdesk.errors import ConfigError, InputError, SellerdeskError

F = TypeVar("F", bound=Callable[..., Any])


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sellerdesk")
def cli() -> None:
    """sellerdesk: the customer-service desk for Amazon sellers."""


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    help="Configuration file (default: $SELLERDESK_CONFIG or ./sellerdesk.toml).",
)

actor_option = click.option("--as", "actor", default=None, metavar="USER", help="Who acts (default: the local login).")


def load(config_path: str | None) -> Config:
    """Load the configuration for a command (errors become clean CLI messages)."""
    return load_config(config_path)


def handle_errors(func: F) -> F:
    """Turn sellerdesk errors into a one-line message and an exit status (2: usage/config, 1: failure)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (ConfigError, InputError) as exc:
            click.echo(f"sellerdesk: {exc}", err=True)
            raise SystemExit(2) from exc
        except SellerdeskError as exc:
            click.echo(f"sellerdesk: {exc}", err=True)
            raise SystemExit(1) from exc

    return wrapper  # type: ignore[return-value]


def stop_on_signals() -> threading.Event:
    """An event set by Ctrl-C or SIGTERM, for commands that keep working until stopped."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop
