"""Security of the web app: response headers, CSRF tokens and login rate limiting.

The Content-Security-Policy allows scripts, styles and connections from the app's own
origin only: no inline script or style, no ``eval`` (htmx is configured accordingly), no
framing. Every form POST carries the session's CSRF token (a hidden field, or the
``X-CSRF-Token`` header that htmx requests send).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SecurityHeadersMiddleware:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (and ``no-store`` to pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in dict(SECURITY_HEADERS)]
                headers.extend(SECURITY_HEADERS)
                if not static:  # pages show buyers' data: keep them out of shared caches
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, created on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def rotate_csrf(session: MutableMapping[str, Any]) -> str:
    """A new CSRF token for the session (after a login, so a token seen before it is worthless)."""
    session.pop(CSRF_FIELD, None)
    return csrf_token(session)


def csrf_matches(session: MutableMapping[str, Any], submitted: str | None) -> bool:
    """True when *submitted* equals the session's CSRF token (compared in constant time)."""
    expected = session.get(CSRF_FIELD)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


class LoginLimiter:
    """Counts failed logins per (client address, user name) in a sliding window.

    In memory, per process: a restart forgets the counts, and at most *max_keys* pairs are
    tracked (the least recently failed are dropped first), so a flood cannot exhaust memory.
    """

    def __init__(self, *, failures: int, window_seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        self.failures = failures
        self.window = window_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._seen: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        times = self._seen.get(key, deque())
        cutoff = self.clock() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        return times

    def retry_after(self, address: str, name: str) -> int:
        """Seconds until this pair may try again; 0 when it may try now."""
        key = (address, name.lower())
        times = self._recent(key)
        if len(times) < self.failures:
            return 0
        return max(1, int(times[0] + self.window - self.clock()) + 1)

    def failed(self, address: str, name: str) -> None:
        """Record a failed login of *name* from *address*."""
        key = (address, name.lower())
        times = self._recent(key)
        times.append(self.clock())
        self._seen[key] = times
        self._seen.move_to_end(key)
        while len(self._seen) > self.max_keys:
            self._seen.popitem(last=False)

    def succeeded(self, address: str, name: str) -> None:
        """Forget the failures of this pair after a good login."""
        self._seen.pop((address, name.lower()), None)
