"""Posting JSON to chat webhooks (Slack, Feishu/Lark, DingTalk, WeCom, or any endpoint) with httpx.

The transport is injectable (an ``httpx`` transport), so callers and tests choose the network.
httpx errors and refusals (a status of 400 or more, or the ``errcode``/``code`` that Feishu,
DingTalk and WeCom put in a 200 answer) become :class:`~sellerdesk.errors.SellerdeskError`.
"""

from __future__ import annotations

from typing import Any

import httpx

from sellerdesk.errors import SellerdeskError


class HttpWebhookSender:
    """Sends JSON payloads to webhook URLs.

    Args:
        timeout: seconds to wait for the connection and for the answer.
        transport: an httpx transport (default: the network).
    """

    def __init__(self, *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def post(self, url: str, payload: dict[str, Any], *, label: str) -> None:
        """POST *payload* as JSON to *url*; *label* names the webhook in errors (never the URL: it is a secret).

        Raises:
            SellerdeskError: the request failed or the service refused it.
        """
        try:
            answer = self._client.post(url, json=payload)
        except httpx.HTTPError as exc:
            raise SellerdeskError(f"webhook {label}: {type(exc).__name__}: {exc}; check its URL and the network") \
                from exc
        if answer.status_code >= 400:
            raise SellerdeskError(f"webhook {label} answered {answer.status_code}: {answer.text[:200]}")
        refusal = _refusal(answer)
        if refusal:
            raise SellerdeskError(f"webhook {label} refused the message: {refusal}")

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> HttpWebhookSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _refusal(answer: httpx.Response) -> str | None:
    if "json" not in answer.headers.get("content-type", ""):
        return None
    try:
        body = answer.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    code = body.get("errcode", body.get("code", 0))
    if code not in (0, None):
        return f"code {code}: {body.get('errmsg') or body.get('msg') or ''}"
    return None
