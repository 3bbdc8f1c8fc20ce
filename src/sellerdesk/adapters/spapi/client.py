"""A thin SP-API client on httpx: one store, one region, the operations sellerdesk uses.

Each call waits for a token of its operation's bucket (:mod:`.ratelimit`), sends the request with
an LWA access token (:mod:`.auth`), retries 429 and 503 with exponential backoff and jitter, and
turns Amazon's error bodies into :mod:`.errors` with Amazon's request ID. Nothing above this
module sees httpx. ``endpoint`` and ``token_url`` point it at the emulator; ``transport`` lets a
test put any httpx transport underneath.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx

from sellerdesk.adapters.spapi.auth import LWA_TOKEN_URL, NOTIFICATIONS_SCOPE, LwaCredentials, LwaTokens
from sellerdesk.adapters.spapi.errors import (
    SpApiAuthError,
    SpApiInvalidInputError,
    SpApiNotAllowedError,
    SpApiNotFoundError,
    SpApiRequestError,
    SpApiRetriesExhaustedError,
    SpApiUnavailableError,
)
from sellerdesk.adapters.spapi.ratelimit import Clock, RateLimiter, SystemClock
from sellerdesk.errors import ConfigError

ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}
MESSAGE_TYPES = (
    "confirmCustomizationDetails", "confirmDeliveryDetails", "legalDisclosure", "confirmOrderDetails",
    "confirmServiceDetails", "warranty", "digitalAccessKey", "unexpectedProblem", "invoice",
)
"""Messaging types sellerdesk can send (each is the last segment of its path)."""
ORDER_DATA = ("BUYER", "FULFILLMENT", "PACKAGES", "PROCEEDS")
"""The datasets sellerdesk asks getOrder for: who bought, how it ships, where the parcels are, what it came to."""
RETRY_STATUSES = frozenset({429, 503})
# A 500/502/504 on a GET is safe to repeat; on a POST Amazon may have acted, so it is reported instead.
RETRY_STATUSES_READ = frozenset({429, 500, 502, 503, 504})
# Actions whose 403 means "not allowed for this order", not "your token is bad".
ACTION_OPERATIONS = frozenset({"sendMessage", "createProductReviewAndSellerFeedbackSolicitation"})


class SpApiClient:
    """The SP-API of one store in one region.

    Args:
        store: the store's name (named in every error message).
        region: ``NA``, ``EU`` or ``FE``.
        credentials: the store's LWA credentials.
        endpoint: base URL instead of the region's (the emulator's, in tests and the demo).
        token_url: LWA token URL (default Amazon's; ``{endpoint}/auth/o2/token`` for the emulator).
        transport: an httpx transport (tests); default a real network transport.
        clock: time for the buckets, token expiry and backoff waits.
        max_retries: retries of a 429/503 before giving up with an error.
        rng: randomness for the jitter (seed it in tests).
    """

    def __init__(self, *, store: str, region: str, credentials: LwaCredentials, endpoint: str | None = None,
                 token_url: str | None = None, transport: httpx.BaseTransport | None = None,
                 clock: Clock | None = None, limiter: RateLimiter | None = None, max_retries: int = 6,
                 rng: random.Random | None = None, timeout: float = 30.0) -> None:
        if region not in ENDPOINTS:
            raise ConfigError(f"store {store!r}: spapi_region {region!r} is not one of {', '.join(ENDPOINTS)}")
        self.store = store
        self.region = region
        self.endpoint = (endpoint or ENDPOINTS[region]).rstrip("/")
        self.clock: Clock = clock or SystemClock()
        self.limiter = limiter or RateLimiter(clock=self.clock)
        self.max_retries = max_retries
        self.rng = rng or random.Random()
        self.http = httpx.Client(transport=transport, timeout=timeout,
                                 headers={"user-agent": "sellerdesk/0.1 (Language=Python)"})
        url = token_url or (f"{self.endpoint}/auth/o2/token" if endpoint else LWA_TOKEN_URL)
        self.tokens = LwaTokens(credentials, http=self.http, store=store, token_url=url, clock=self.clock)
        self.grantless_tokens = LwaTokens(credentials, http=self.http, store=store, token_url=url, clock=self.clock,
                                          scope=NOTIFICATIONS_SCOPE)

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()

    def __enter__(self) -> SpApiClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Orders --------------------------------------------------------------------------------------

    def get_order(self, order_id: str, *, included_data: Sequence[str] = ORDER_DATA) -> dict[str, Any]:
        """Orders API 2026-01-01 getOrder: the ``order`` object."""
        body = self.request("getOrder", "GET", f"/orders/2026-01-01/orders/{order_id}",
                            params={"includedData": ",".join(included_data)}, order_id=order_id)
        order = body.get("order")
        return order if isinstance(order, dict) else {}

    def search_orders(self, *, marketplace_ids: Sequence[str], last_updated_after: str | None = None,
                      created_after: str | None = None, pagination_token: str | None = None,
                      included_data: Sequence[str] = ORDER_DATA, max_results: int = 100) -> dict[str, Any]:
        """Orders API 2026-01-01 searchOrders: one page (``orders`` and ``pagination.nextToken``)."""
        params: dict[str, str] = {"marketplaceIds": ",".join(marketplace_ids), "maxResultsPerPage": str(max_results),
                                  "includedData": ",".join(included_data)}
        if last_updated_after:
            params["lastUpdatedAfter"] = last_updated_after
        if created_after:
            params["createdAfter"] = created_after
        if pagination_token:
            params["paginationToken"] = pagination_token
        return self.request("searchOrders", "GET", "/orders/2026-01-01/orders", params=params)

    def get_order_v0(self, order_id: str) -> dict[str, Any]:
        """Orders API v0 getOrder (retired 2027-03-27): the ``payload`` order."""
        body = self.request("getOrderV0", "GET", f"/orders/v0/orders/{order_id}", order_id=order_id)
        payload = body.get("payload")
        return payload if isinstance(payload, dict) else {}

    def get_orders_v0(self, *, marketplace_ids: Sequence[str], last_updated_after: str,
                      next_token: str | None = None, max_results: int = 100) -> dict[str, Any]:
        """Orders API v0 getOrders (retired 2027-03-27): one page (``Orders`` and ``NextToken``) of the payload."""
        params = {"MarketplaceIds": ",".join(marketplace_ids), "LastUpdatedAfter": last_updated_after,
                  "MaxResultsPerPage": str(max_results)}
        if next_token:
            params["NextToken"] = next_token
        body = self.request("getOrdersV0", "GET", "/orders/v0/orders", params=params)
        payload = body.get("payload")
        return payload if isinstance(payload, dict) else {}

    def get_order_items_v0(self, order_id: str) -> list[dict[str, Any]]:
        """Orders API v0 getOrderItems: every item of the order (following NextToken)."""
        items: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            params = {"NextToken": token} if token else None
            body = self.request("getOrderItemsV0", "GET", f"/orders/v0/orders/{order_id}/orderItems",
                                params=params, order_id=order_id)
            payload = body.get("payload") or {}
            items.extend(payload.get("OrderItems") or [])
            token = payload.get("NextToken")
            if not token:
                return items

    # Messaging -----------------------------------------------------------------------------------

    def messaging_actions(self, order_id: str, marketplace_id: str) -> list[str]:
        """getMessagingActionsForOrder: the message types Amazon allows for the order now."""
        body = self.request("getMessagingActionsForOrder", "GET", f"/messaging/v1/orders/{order_id}",
                            params={"marketplaceIds": marketplace_id}, order_id=order_id)
        return _action_names(body)

    def buyer_locale(self, order_id: str, marketplace_id: str) -> str | None:
        """GetAttributes: the buyer's preferred locale, e.g. ``de-DE`` (None when Amazon does not say)."""
        body = self.request("getAttributes", "GET", f"/messaging/v1/orders/{order_id}/attributes",
                            params={"marketplaceIds": marketplace_id}, order_id=order_id)
        locale = (body.get("buyer") or {}).get("locale")
        return locale if isinstance(locale, str) else None

    def send_message(self, message_type: str, order_id: str, marketplace_id: str, *, text: str | None = None,
                     attachments: Iterable[Mapping[str, str]] = (), extra: Mapping[str, Any] | None = None) -> None:
        """Send one typed message (createConfirmDeliveryDetails, sendInvoice, ...).

        Args:
            attachments: ``{"uploadDestinationId", "fileName"}`` from :meth:`upload_file`.
            extra: further body fields some types need (warranty's coverage dates).
        """
        if message_type not in MESSAGE_TYPES:
            raise SpApiInvalidInputError(f"store {self.store!r}: {message_type!r} is not a message type; use one of "
                                         f"{', '.join(MESSAGE_TYPES)}", operation="sendMessage")
        body: dict[str, Any] = dict(extra or {})
        if text is not None:
            body["text"] = text
        files = [dict(a) for a in attachments]
        if files:
            body["attachments"] = files
        self.request("sendMessage", "POST", f"/messaging/v1/orders/{order_id}/messages/{message_type}",
                     params={"marketplaceIds": marketplace_id}, json=body, order_id=order_id)

    def upload_file(self, marketplace_id: str, *, data: bytes, content_type: str, content_md5: str,
                    resource: str = "messaging/v1/orders/attachments") -> str:
        """Uploads API: create a destination and PUT *data* there; return the ``uploadDestinationId``."""
        body = self.request("createUploadDestinationForResource", "POST",
                            f"/uploads/2020-11-01/uploadDestinations/{resource}",
                            params={"marketplaceIds": marketplace_id, "contentMD5": content_md5,
                                    "contentType": content_type})
        payload = body.get("payload") or {}
        destination, url = payload.get("uploadDestinationId"), payload.get("url")
        if not isinstance(destination, str) or not isinstance(url, str):
            raise SpApiUnavailableError(f"store {self.store!r}: the Uploads API gave no destination; try again",
                                        operation="createUploadDestinationForResource")
        try:
            response = self.http.put(url, content=data, headers={"content-type": content_type,
                                                                 **(payload.get("headers") or {})})
        except httpx.HTTPError as exc:
            raise SpApiUnavailableError(f"store {self.store!r}: uploading the attachment failed "
                                        f"({type(exc).__name__}); try again", operation="upload") from exc
        if response.status_code >= 300:
            raise SpApiUnavailableError(f"store {self.store!r}: uploading the attachment was refused "
                                        f"({response.status_code}); try again", operation="upload",
                                        status=response.status_code)
        return destination

    # Solicitations -------------------------------------------------------------------------------

    def solicitation_actions(self, order_id: str, marketplace_id: str) -> list[str]:
        """getSolicitationActionsForOrder: the solicitations Amazon allows for the order now."""
        body = self.request("getSolicitationActionsForOrder", "GET", f"/solicitations/v1/orders/{order_id}",
                            params={"marketplaceIds": marketplace_id}, order_id=order_id)
        return _action_names(body)

    def request_review(self, order_id: str, marketplace_id: str) -> None:
        """createProductReviewAndSellerFeedbackSolicitation: Amazon's own review request, once per order."""
        self.request("createProductReviewAndSellerFeedbackSolicitation", "POST",
                     f"/solicitations/v1/orders/{order_id}/solicitations/productReviewAndSellerFeedback",
                     params={"marketplaceIds": marketplace_id}, order_id=order_id)

    # Notifications -------------------------------------------------------------------------------

    def get_subscription(self, notification_type: str) -> dict[str, Any] | None:
        """getSubscription: the app's subscription of this seller to *notification_type*, or None."""
        try:
            body = self.request("getSubscription", "GET", f"/notifications/v1/subscriptions/{notification_type}")
        except SpApiNotFoundError:
            return None
        payload = body.get("payload")
        return payload if isinstance(payload, dict) else None

    def create_subscription(self, notification_type: str, destination_id: str, *,
                            payload_version: str = "1.0") -> dict[str, Any]:
        """createSubscription: deliver this seller's *notification_type* notifications to a destination."""
        body = self.request("createSubscription", "POST", f"/notifications/v1/subscriptions/{notification_type}",
                            json={"payloadVersion": payload_version, "destinationId": destination_id})
        payload = body.get("payload")
        return payload if isinstance(payload, dict) else {}

    def get_destinations(self) -> list[dict[str, Any]]:
        """getDestinations (grantless): every destination of the app."""
        body = self.request("getDestinations", "GET", "/notifications/v1/destinations", grantless=True)
        payload = body.get("payload")
        return [d for d in payload if isinstance(d, dict)] if isinstance(payload, list) else []

    def create_destination(self, name: str, queue_arn: str) -> dict[str, Any]:
        """createDestination (grantless): an SQS queue Amazon may deliver the app's notifications to."""
        body = self.request("createDestination", "POST", "/notifications/v1/destinations", grantless=True,
                            json={"name": name, "resourceSpecification": {"sqs": {"arn": queue_arn}}})
        payload = body.get("payload")
        return payload if isinstance(payload, dict) else {}

    # The one place requests are sent ------------------------------------------------------------

    def request(self, operation: str, method: str, path: str, *, params: Mapping[str, str] | None = None,
                json: Any = None, order_id: str | None = None, grantless: bool = False) -> dict[str, Any]:
        """Send one SP-API request, waiting for its bucket and retrying 429/503; return the JSON body.

        *grantless* operations carry the app's own token (scope ``sellingpartnerapi::notifications``)
        instead of the seller's.

        Raises:
            SpApiAuthError, SpApiNotFoundError, SpApiNotAllowedError, SpApiInvalidInputError: Amazon said no.
            SpApiUnavailableError: Amazon (or the network) kept failing through every retry.
        """
        retryable = RETRY_STATUSES_READ if method == "GET" else RETRY_STATUSES
        tokens = self.grantless_tokens if grantless else self.tokens
        refreshed = False
        attempt = 0
        while True:
            self.limiter.acquire(operation)
            headers = {"x-amz-access-token": tokens.access_token(), "accept": "application/json"}
            try:
                response = self.http.request(method, f"{self.endpoint}{path}", params=params, json=json,
                                             headers=headers)
            except httpx.TransportError as exc:
                if method == "GET" and attempt < self.max_retries:
                    attempt += 1
                    self._back_off(attempt)
                    continue
                raise SpApiUnavailableError(f"store {self.store!r}: {operation}{_about(order_id)}: Amazon could not "
                                            f"be reached ({type(exc).__name__}); try again later",
                                            operation=operation) from exc
            self.limiter.observe(operation, response.headers.get("x-amzn-RateLimit-Limit"))
            if response.status_code < 300:
                return _body(response)
            if response.status_code == 403 and not refreshed and _token_problem(response):
                refreshed = True  # an expired access token: fetch a new one once, then try again
                tokens.invalidate()
                continue
            if response.status_code in retryable and attempt < self.max_retries:
                if response.status_code == 429:
                    self.limiter.throttled(operation)
                attempt += 1
                self._back_off(attempt)
                continue
            raise self._error(operation, response, order_id=order_id, attempts=attempt + 1)

    def _back_off(self, attempt: int) -> None:
        # Full jitter (a random share of an exponential ceiling): many clients retrying at once spread out.
        ceiling = min(60.0, 0.5 * 2 ** attempt)
        self.clock.sleep(ceiling * (0.5 + self.rng.random() / 2))

    def _error(self, operation: str, response: httpx.Response, *, order_id: str | None,
               attempts: int) -> SpApiRequestError:
        status = response.status_code
        request_id = response.headers.get("x-amzn-RequestId")
        first = _first_error(response)
        code = str(first.get("code") or status)
        said = "; ".join(str(part) for part in (first.get("message"), first.get("details")) if part)
        where = f"store {self.store!r}: {operation}{_about(order_id)}: Amazon answered {status} {code}"
        where += f" ({said})" if said else ""
        tail = f" [request ID {request_id}]" if request_id else ""
        kwargs: dict[str, Any] = {"operation": operation, "status": status, "code": code, "request_id": request_id}
        if status == 429:
            return SpApiRetriesExhaustedError(f"{where} after {attempts} tries; the store's quota for this operation "
                                              f"is used up, try again later{tail}", **kwargs)
        if status >= 500:
            return SpApiUnavailableError(f"{where} after {attempts} tries; Amazon is having trouble, try again "
                                         f"later{tail}", **kwargs)
        if status == 404:
            return SpApiNotFoundError(f"{where}; check the order ID, and that the order belongs to this store and "
                                      f"region ({self.region}){tail}", **kwargs)
        if status == 403 and operation in ACTION_OPERATIONS and not _token_problem(response):
            return SpApiNotAllowedError(f"{where}; Amazon does not allow this for the order (any more): ask for the "
                                        f"order's allowed actions first, and do not retry{tail}", **kwargs)
        if status in (401, 403):
            return SpApiAuthError(f"{where}; the store's app is not authorised for this: check its SP-API roles "
                                  f"and re-authorise it in Seller Central{tail}", **kwargs)
        return SpApiInvalidInputError(f"{where}; fix the request (order ID, marketplace){tail}", **kwargs)


def _about(order_id: str | None) -> str:
    return f" for order {order_id}" if order_id else ""


def _body(response: httpx.Response) -> dict[str, Any]:
    if not response.content:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _first_error(response: httpx.Response) -> dict[str, Any]:
    errors = _body(response).get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0]
    return {}


def _token_problem(response: httpx.Response) -> bool:
    first = _first_error(response)
    text = f"{first.get('message', '')} {first.get('details', '')}".lower()
    return "token" in text or "signature" in text


def _action_names(body: Mapping[str, Any]) -> list[str]:
    actions = (body.get("_links") or {}).get("actions") or []
    # Amazon lists "attributes" (GetAttributes) among the actions; it is a read, not something to send.
    return [str(a["name"]) for a in actions if isinstance(a, dict) and a.get("name") not in (None, "attributes")]
