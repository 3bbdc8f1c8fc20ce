"""Settings of the web app, passed to :func:`sellerdesk.web.app.create_app`."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass

from sellerdesk.errors import ConfigError

MIN_SECRET_LENGTH = 32


@dataclass(frozen=True)
class WebSettings:
    """How the web app signs sessions, limits logins and pages the inbox.

    Attributes:
        secret_key: signs the session cookie; at least 32 characters, kept secret.
        allow_demo_login: accept the demo password (``demo``); only for demo databases.
        secure_cookies: send the session cookie only over HTTPS (on unless serving on loopback).
        session_max_age: seconds a login lasts.
        login_failures: failed logins allowed per client address and user name in the window.
        login_window_seconds: the window of *login_failures*.
        page_size: threads per inbox page.
    """

    secret_key: str
    allow_demo_login: bool = False
    secure_cookies: bool = True
    session_max_age: int = 12 * 3600
    login_failures: int = 5
    login_window_seconds: int = 300
    page_size: int = 50

    def __post_init__(self) -> None:
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ConfigError(f"the web secret key is {len(self.secret_key)} characters long; use at least "
                              f"{MIN_SECRET_LENGTH} (e.g. SELLERDESK_SECRET_KEY=$(python -c "
                              "'import secrets; print(secrets.token_urlsafe(32))'))")


def is_loopback(host: str) -> bool:
    """True when *host* names this machine only (``127.0.0.0/8``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def random_secret() -> str:
    """A fresh secret key (sessions signed with it end when the process does)."""
    return secrets.token_urlsafe(32)
