"""Wiring: the one place where the shells (CLI, web) get their services from a configuration.

Both shells call :func:`build_services` with the loaded configuration and hand the result
down; neither opens databases or reads settings on its own. :func:`run_web` is how the CLI
starts the web app without importing it (the two shells never import each other).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sellerdesk.config import Config
from sellerdesk.errors import ConfigError
from sellerdesk.services import users
from sellerdesk.services.database import Database, open_database


@dataclass
class Services:
    """What a shell needs to work: the configuration and the opened database."""

    config: Config
    db: Database

    def close(self) -> None:
        """Release the database connections."""
        self.db.close()

    def __enter__(self) -> Services:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def build_services(config: Config, *, database_url: str | None = None) -> Services:
    """Open (and migrate) the configured database and bundle it with *config*.

    Args:
        config: the loaded configuration.
        database_url: overrides ``config.database_url`` (e.g. ``--database-url``).

    Raises:
        ConfigError: the database URL is not usable.
        StoreError: the database cannot be reached or migrated.
    """
    if database_url is not None:
        config = replace(config, database_url=database_url)
    return Services(config=config, db=open_database(config.database_url))


def run_web(services: Services, *, host: str, port: int, secret_key: str | None, allow_demo_login: bool,
            announce: Callable[[str], None]) -> None:
    """Serve the web app on *host*:*port* until stopped (blocks).

    Args:
        services: from :func:`build_services`.
        host, port: where to listen.
        secret_key: signs session cookies; ``None`` makes a random one (sessions end with the process).
        allow_demo_login: create the demo user and accept its password; loopback hosts only.
        announce: prints a line for the person who started the server (the URL, the demo login).

    Raises:
        ConfigError: the demo login on a non-loopback host, or a secret key that is too short.
    """
    import uvicorn

    from sellerdesk.web.app import create_app
    from sellerdesk.web.settings import WebSettings, is_loopback, random_secret

    if allow_demo_login and not is_loopback(host):
        raise ConfigError(f"--allow-demo-login with --host {host}: the demo password must never be reachable "
                          "from other machines; serve on 127.0.0.1 or drop --allow-demo-login")
    settings = WebSettings(secret_key=secret_key or random_secret(), allow_demo_login=allow_demo_login,
                           secure_cookies=not is_loopback(host))
    if allow_demo_login:
        with services.db.transaction() as store:
            users.ensure_demo_user(store, now=datetime.now(UTC))
    app = create_app(services.config, services.db, settings=settings)
    shown = f"[{host}]" if ":" in host else host
    announce(f"sellerdesk: open http://{shown}:{port}/ (database {services.db.url}); stop with Ctrl-C")
    if allow_demo_login:
        announce("sellerdesk: demo login: demo / demo (demo data only)")
    if not secret_key:
        announce("sellerdesk: no SELLERDESK_SECRET_KEY set: sessions end when the server stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")
