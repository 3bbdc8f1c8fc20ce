"""Queueing a reply through the JSON API, once per ``Idempotency-Key``.

An ERP that retries a POST after a timeout must not queue the reply twice. Each send carries
a key chosen by the caller; the first request with a key queues the reply
(:func:`sellerdesk.services.replies.reply_as`: the same guard, override rules and audit log as
the web composer) and records the answer under the user and key in the same transaction. A
request repeating the key gets that answer back and queues nothing; a request reusing the
key for another thread or text is refused. When the guard blocks the reply, nothing is
recorded, so the same key may carry the rewritten text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sellerdesk.adapters.db.api_records import ApiRecords
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import ApiIdempotencyKey
from sellerdesk.config import Config
from sellerdesk.errors import InputError
from sellerdesk.services.replies import reply_as

_KEY = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass(frozen=True)
class ApiReply:
    """What a send through the API came to.

    ``status`` is ``queued`` (queued now), ``replayed`` (the key was used before for the same
    request: ``result`` is that answer) or ``key_reused`` (the key was used for another request;
    nothing was queued).
    """

    status: str
    result: dict[str, Any]


def request_hash(*, thread_id: int, text: str, override_reason: str | None) -> str:
    """The fingerprint of a send request, to tell a retry from another request under the same key."""
    body = json.dumps({"thread": thread_id, "text": text, "override_reason": override_reason}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()


def reply_once(store: SqlStore, *, user_id: int, user_name: str, token_name: str, key: str, thread_id: int,
               text: str, now: datetime, config: Config, override_reason: str | None = None) -> ApiReply:
    """Queue a reply as *user_name* unless *key* was used before (see the module docstring).

    Args:
        store: the repository of the caller's transaction.
        user_id, user_name: the token's user (who answers; their role decides send and override).
        token_name: the token's name, kept in the audit log.
        key: the caller's ``Idempotency-Key`` (1 to 200 visible ASCII characters).
        thread_id, text, override_reason: as for :func:`sellerdesk.services.replies.reply_as`.
        now: the current time.
        config: the configuration (the store's ``[compliance]`` tuning).

    Raises:
        InputError: a bad key, or what :func:`~sellerdesk.services.replies.reply_as` raises.
        SendBlockedError, ConfigError, NotFoundError: as :func:`~sellerdesk.services.replies.reply_as`.
    """
    if not _KEY.match(key):
        raise InputError("the Idempotency-Key header must be 1 to 200 visible ASCII characters, e.g. a UUID; "
                         "send the same key again only to retry the same request")
    fingerprint = request_hash(thread_id=thread_id, text=text, override_reason=override_reason)
    records = ApiRecords(store)
    claim = ApiIdempotencyKey(user_id=user_id, key=key, request_hash=fingerprint, response={}, created_at=now)
    if not records.claim_idempotency_key(claim):
        earlier = records.idempotency_key(user_id, key)
        assert earlier is not None  # the unique key that refused the claim belongs to it
        return _replay(earlier, fingerprint)
    result = reply_as(store, user_name=user_name, local_name=f"api:{user_name}", thread_id=thread_id, text=text,
                      now=now, override_reason=override_reason, config=config)
    claim.message_id = result["message"]
    claim.response = result
    store.audit(user_name, "api.reply", at=now, store_id=store.get_thread(thread_id).store_id, thread_id=thread_id,
                message_id=result["message"],
                detail={"token": token_name, "idempotency_key": key})
    return ApiReply("queued", result)


def _replay(earlier: ApiIdempotencyKey, fingerprint: str) -> ApiReply:
    if earlier.request_hash != fingerprint:
        return ApiReply("key_reused", {})
    return ApiReply("replayed", dict(earlier.response))
