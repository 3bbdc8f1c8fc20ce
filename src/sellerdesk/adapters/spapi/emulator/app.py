"""The emulator's HTTP face (Starlette): LWA's token endpoint and every SP-API operation sellerdesk uses.

Each SP-API request passes, in order: fault injection (latency, 500, 503, 429, expired tokens),
the access-token check (403 ``Unauthorized`` as Amazon answers), the operation's usage-plan
bucket (429 ``QuotaExceeded``), Amazon's static-sandbox cases, then the emulated behaviour.
Every answer carries ``x-amzn-RequestId``; SP-API answers carry ``x-amzn-RateLimit-Limit``.
``/_emulator/...`` lets a test or a demo inject faults, change an order and read what was sent.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sellerdesk.adapters.spapi.emulator import payloads
from sellerdesk.adapters.spapi.emulator.payloads import error_body
from sellerdesk.adapters.spapi.emulator.state import (
    ORDER_ID,
    SANDBOX_BAD_ORDER,
    SANDBOX_ORDER,
    Destination,
    EmulatedOrder,
    EmulatorState,
    Fault,
    SentMessage,
    Subscription,
)
from sellerdesk.core.marketplaces import by_id

Handler = Callable[[Request, EmulatorState], Awaitable[Response]]
TEXT_LIMITS = {"confirmCustomizationDetails": 800, "digitalAccessKey": 400}
NEEDS_ATTACHMENTS = frozenset({"invoice", "legalDisclosure"})
SQS_ARN = re.compile(r"^arn:aws:sqs:\S+:\S+:\S+")
SANDBOX_IDS = frozenset({SANDBOX_ORDER, "TEST_CASE_200", "TEST_CASE_IBA_200"})


def _json(body: Any, status: int = 200, *, rate: float | None = None) -> JSONResponse:
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    if rate is not None:
        headers["x-amzn-RateLimit-Limit"] = f"{rate:g}"
    return JSONResponse(body, status_code=status, headers=headers)


def _bad(details: str, *, rate: float | None = None) -> JSONResponse:
    return _json(error_body("InvalidInput", "Invalid Input", details), 400, rate=rate)


async def _json_body(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return _bad("The request body is not JSON")
    return body if isinstance(body, dict) else _bad("The request body is not a JSON object")


def _operation(name: str, handler: Handler, *, grantless: bool = False) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an operation's handler in faults, the token check (a seller's or, *grantless*, the app's) and throttling."""

    async def endpoint(request: Request) -> Response:
        state: EmulatorState = request.app.state.emulator
        order_id = request.path_params.get("order_id", "")
        with state.lock:
            state.requests.append((name, order_id))
        fault = state.next_fault(name)
        if fault is not None:
            if fault.kind == "latency":
                await anyio.sleep(fault.seconds)
            elif fault.kind == "expire_tokens":
                state.expire_tokens()
            elif fault.kind in ("500", "503"):
                code = "InternalFailure" if fault.kind == "500" else "ServiceUnavailable"
                return _json(error_body(code, "We encountered an internal error. Please try again."), int(fault.kind))
            elif fault.kind == "429":
                return _json(error_body("QuotaExceeded", "You exceeded your quota for the requested resource."),
                             429, rate=state.rate_of(name))
        token = state.token_state(request.headers.get("x-amz-access-token"), grantless=grantless)
        if token != "valid":
            details = {"missing": "Access token is missing in the request header.",
                       "expired": "The access token you provided has expired.",
                       "unknown": "The access token you provided is revoked, malformed or invalid."}[token]
            return _json(error_body("Unauthorized", "Access to requested resource is denied.", details), 403)
        if not state.take_token(name):
            return _json(error_body("QuotaExceeded", "You exceeded your quota for the requested resource."), 429,
                         rate=state.rate_of(name))
        response = await handler(request, state)
        response.headers["x-amzn-RateLimit-Limit"] = f"{state.rate_of(name):g}"
        return response

    return endpoint


async def lwa_token(request: Request) -> Response:
    """POST /auth/o2/token: the refresh-token grant of Login with Amazon."""
    state: EmulatorState = request.app.state.emulator
    form = await request.form()
    fields = {key: str(form.get(key) or "")
              for key in ("grant_type", "refresh_token", "client_id", "client_secret", "scope")}
    token: str | None
    if fields["grant_type"] == "client_credentials":
        token = state.issue_grantless_token(client_id=fields["client_id"], client_secret=fields["client_secret"],
                                            scope=fields["scope"])
    elif fields["grant_type"] == "refresh_token":
        token = state.issue_token(refresh_token=fields["refresh_token"], client_id=fields["client_id"],
                                  client_secret=fields["client_secret"])
    else:
        return _json({"error": "unsupported_grant_type",
                      "error_description": "Only refresh_token and client_credentials are supported"}, 400)
    if token == "invalid_scope":
        return _json({"error": "invalid_scope", "error_description": "The requested scope is invalid"}, 400)
    if token == "invalid_grant":
        return _json({"error": "invalid_grant",
                      "error_description": "The request has an invalid grant parameter : refresh_token"}, 400)
    if token == "invalid_client":
        return _json({"error": "invalid_client", "error_description": "Client authentication failed"}, 401)
    return _json({"access_token": token, "refresh_token": fields["refresh_token"], "token_type": "bearer",
                  "expires_in": 3600})


def _order_or_error(state: EmulatorState, order_id: str) -> EmulatedOrder | JSONResponse:
    if order_id.startswith("TEST_CASE_400") or not ORDER_ID.match(order_id):
        return _bad(f"{order_id} is not a valid order ID")
    order = state.order(order_id)
    if order is None:
        return _json(error_body("NotFound", "Order not found", f"No order {order_id} for this seller"), 404)
    return order


async def get_order(request: Request, state: EmulatorState) -> Response:
    """GET /orders/2026-01-01/orders/{orderId}."""
    found = _order_or_error(state, request.path_params["order_id"])
    if isinstance(found, Response):
        return found
    included = [part for value in request.query_params.getlist("includedData") for part in value.split(",") if part]
    return _json({"order": payloads.order_v2026(found, included)})


def _orders_after(state: EmulatorState, after_text: str, *, by_created: bool, markets: set[str],
                  size_text: str | None) -> tuple[list[EmulatedOrder], int] | JSONResponse:
    """The orders created (or last updated) after a time, oldest first, in *markets*; with the page size."""
    try:
        after = datetime.fromisoformat(after_text.replace("Z", "+00:00"))
        size = max(1, min(100, int(size_text or 100)))
    except ValueError:
        return _bad("the created/last-updated time must be an ISO 8601 date-time, the page size a number")
    if after.tzinfo is None:
        after = after.replace(tzinfo=UTC)
    for order_id in list(state.specs):
        state.order(order_id)
    with state.lock:
        orders = sorted(state.orders.values(), key=lambda o: (o.created if by_created else o.last_updated, o.order_id))
    return [o for o in orders if (o.created if by_created else o.last_updated) > after
            and (not markets or payloads.marketplace_id(o) in markets)], size


def _page_start(token: str | None) -> int:
    # A token the emulator did not give out (e.g. from Amazon's sandbox examples) reads as "no more pages".
    token = token or "0"
    return int(token) if token.isdigit() else 1 << 31


def _listed(query: Any, name: str) -> list[str]:
    return [part for value in query.getlist(name) for part in value.split(",") if part]


async def search_orders(request: Request, state: EmulatorState) -> Response:
    """GET /orders/2026-01-01/orders: by creation or last-update time, paginated."""
    query = request.query_params
    created, updated = query.get("createdAfter"), query.get("lastUpdatedAfter")
    if "TEST_CASE_400" in (created, updated) or (created is None) == (updated is None):
        return _bad("Exactly one of createdAfter and lastUpdatedAfter is required")
    found = _orders_after(state, str(created or updated), by_created=created is not None,
                          markets=set(_listed(query, "marketplaceIds")), size_text=query.get("maxResultsPerPage"))
    if isinstance(found, Response):
        return found
    matching, size = found
    start = _page_start(query.get("paginationToken"))
    included = _listed(query, "includedData")
    body: dict[str, Any] = {"orders": [payloads.order_v2026(o, included) for o in matching[start:start + size]]}
    if start + size < len(matching):
        body["pagination"] = {"nextToken": str(start + size)}
    return _json(body)


async def get_orders_v0(request: Request, state: EmulatorState) -> Response:
    """GET /orders/v0/orders: v0's list by creation or last-update time, paginated with NextToken."""
    query = request.query_params
    created, updated = query.get("CreatedAfter"), query.get("LastUpdatedAfter")
    if any(value and value.startswith("TEST_CASE_200") for value in (created, updated)):
        paged = "TEST_CASE_200_NEXT_TOKEN" in (created, updated) and not query.get("NextToken")
        return _json({"payload": payloads.sandbox_orders_v0(next_page=paged)})
    markets = set(_listed(query, "MarketplaceIds"))
    if "TEST_CASE_400" in (created, updated) or (created is None) == (updated is None) or not markets:
        return _bad("MarketplaceIds and exactly one of CreatedAfter and LastUpdatedAfter are required")
    found = _orders_after(state, str(created or updated), by_created=created is not None, markets=markets,
                          size_text=query.get("MaxResultsPerPage"))
    if isinstance(found, Response):
        return found
    matching, size = found
    start = _page_start(query.get("NextToken"))
    payload: dict[str, Any] = {"Orders": [payloads.order_v0(o) for o in matching[start:start + size]],
                               ("CreatedBefore" if created else "LastUpdatedBefore"): payloads.iso(state.now())}
    if start + size < len(matching):
        payload["NextToken"] = str(start + size)
    return _json({"payload": payload})


async def get_order_v0(request: Request, state: EmulatorState) -> Response:
    """GET /orders/v0/orders/{orderId}."""
    order_id = request.path_params["order_id"]
    if order_id in SANDBOX_IDS:
        return _json({"payload": payloads.sandbox_order_v0()})
    found = _order_or_error(state, order_id)
    if isinstance(found, Response):
        return found
    return _json({"payload": payloads.order_v0(found)})


async def get_order_items_v0(request: Request, state: EmulatorState) -> Response:
    """GET /orders/v0/orders/{orderId}/orderItems."""
    order_id = request.path_params["order_id"]
    if order_id in SANDBOX_IDS:
        return _json({"payload": payloads.sandbox_items_v0()})
    found = _order_or_error(state, order_id)
    if isinstance(found, Response):
        return found
    return _json({"payload": payloads.order_items_v0(found)})


def _order_in_marketplace(request: Request, state: EmulatorState) -> EmulatedOrder | JSONResponse:
    order_id = request.path_params["order_id"]
    market = request.query_params.get("marketplaceIds", "")
    if not market:
        return _bad("marketplaceIds is required")
    if order_id == SANDBOX_BAD_ORDER:
        return _bad("")
    found = _order_or_error(state, order_id)
    if isinstance(found, Response):
        return found
    if payloads.marketplace_id(found) != market:
        named = by_id(market)
        return _bad(f"Order {order_id} was placed in marketplace {found.marketplace}, not "
                    f"{named.code if named else market}")
    return found


async def messaging_actions(request: Request, state: EmulatorState) -> Response:
    """GET /messaging/v1/orders/{amazonOrderId}: the allowed message types."""
    order_id, market = request.path_params["order_id"], request.query_params.get("marketplaceIds", "")
    if order_id == SANDBOX_ORDER:
        return _json(payloads.links("messaging", order_id, market or "ATVPDKIKX0DER", payloads.ALL_TYPES))
    found = _order_in_marketplace(request, state)
    if isinstance(found, Response):
        return found
    names = payloads.allowed_messages(found, now=state.now())
    return _json(payloads.links("messaging", order_id, market, names))


async def attributes(request: Request, state: EmulatorState) -> Response:
    """GET /messaging/v1/orders/{amazonOrderId}/attributes: the buyer's locale."""
    if request.path_params["order_id"] == SANDBOX_ORDER:
        return _json({"buyer": {"locale": "en-US"}})
    found = _order_in_marketplace(request, state)
    if isinstance(found, Response):
        return found
    return _json({"buyer": {"locale": found.buyer_locale}})


async def send_message(request: Request, state: EmulatorState) -> Response:
    """POST /messaging/v1/orders/{amazonOrderId}/messages/{type}: accept, check and record a message."""
    order_id, kind = request.path_params["order_id"], request.path_params["message_type"]
    if kind not in payloads.ALL_TYPES:
        return _json(error_body("NotFound", "Resource not found", f"No message type {kind}"), 404)
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    text, files = body.get("text"), body.get("attachments") or []
    limit = TEXT_LIMITS.get(kind, 2000)
    if text is not None and (not isinstance(text, str) or not 1 <= len(text) <= limit):
        return _bad(f"text must be 1 to {limit} characters")
    if kind in NEEDS_ATTACHMENTS and not files:
        return _bad(f"{kind} needs at least one attachment")
    if order_id == SANDBOX_ORDER:
        return _json({}, 201)
    found = _order_in_marketplace(request, state)
    if isinstance(found, Response):
        return found
    if kind not in payloads.allowed_messages(found, now=state.now()):
        return _json(error_body("Unauthorized", "Access to requested resource is denied.",
                                f"The action {kind} is not available for order {order_id}"), 403)
    unknown = [f.get("uploadDestinationId") for f in files if f.get("uploadDestinationId") not in state.uploads]
    if unknown:
        return _bad(f"Unknown uploadDestinationId {unknown[0]}")
    state.record_message(SentMessage(order_id, kind, text, tuple(f.get("fileName", "") for f in files), state.now()))
    return _json({}, 201)


async def solicitation_actions(request: Request, state: EmulatorState) -> Response:
    """GET /solicitations/v1/orders/{amazonOrderId}: productReviewAndSellerFeedback when allowed."""
    order_id, market = request.path_params["order_id"], request.query_params.get("marketplaceIds", "")
    if order_id == SANDBOX_ORDER:
        return _json(payloads.links("solicitations", order_id, market or "ATVPDKIKX0DER",
                                    ["productReviewAndSellerFeedback"]))
    found = _order_in_marketplace(request, state)
    if isinstance(found, Response):
        return found
    allowed = payloads.review_allowed(found, now=state.now(), already=state.has_solicitation(order_id))
    names = ["productReviewAndSellerFeedback"] if allowed else []
    return _json(payloads.links("solicitations", order_id, market, names))


async def create_solicitation(request: Request, state: EmulatorState) -> Response:
    """POST .../solicitations/productReviewAndSellerFeedback: once per order, inside the window."""
    order_id = request.path_params["order_id"]
    if order_id == SANDBOX_ORDER:
        return _json({}, 201)
    found = _order_in_marketplace(request, state)
    if isinstance(found, Response):
        return found
    with state.lock:
        allowed = payloads.review_allowed(found, now=state.now(), already=state.has_solicitation(order_id))
        if allowed:
            state.record_solicitation(order_id)
    if not allowed:
        return _json(error_body("Unauthorized", "Access to requested resource is denied.",
                                f"The action productReviewAndSellerFeedback is not available for order {order_id}"),
                     403)
    return _json({}, 201)


def _subscription(made: Subscription) -> dict[str, Any]:
    return {"subscriptionId": made.subscription_id, "payloadVersion": made.payload_version,
            "destinationId": made.destination_id}


def _destination(made: Destination) -> dict[str, Any]:
    return {"destinationId": made.destination_id, "name": made.name, "resource": {"sqs": {"arn": made.arn}}}


async def get_subscription(request: Request, state: EmulatorState) -> Response:
    """GET /notifications/v1/subscriptions/{notificationType}: the seller's subscription, else 404."""
    with state.lock:
        found = state.subscriptions.get(request.path_params["notification_type"])
    if found is None:
        return _json(error_body("NotFound", "Subscription not found",
                                f"No subscription to {request.path_params['notification_type']}"), 404)
    return _json({"payload": _subscription(found)})


async def create_subscription(request: Request, state: EmulatorState) -> Response:
    """POST /notifications/v1/subscriptions/{notificationType}: once per type (409 after that)."""
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    destination, version = body.get("destinationId"), body.get("payloadVersion")
    if not isinstance(destination, str) or not isinstance(version, str):
        return _bad("destinationId and payloadVersion are required")
    made = state.subscribe(request.path_params["notification_type"], destination, version)
    if made == "no_destination":
        return _bad(f"Destination {destination} does not exist")
    if made == "conflict":
        return _json(error_body("Conflict", "Subscription already exists", "Delete it before subscribing again"),
                     409)
    assert isinstance(made, Subscription)
    return _json({"payload": _subscription(made)})


async def get_destinations(request: Request, state: EmulatorState) -> Response:
    """GET /notifications/v1/destinations (grantless): every destination of the app."""
    with state.lock:
        found = [_destination(d) for d in state.destinations.values()]
    return _json({"payload": found})


async def create_destination(request: Request, state: EmulatorState) -> Response:
    """POST /notifications/v1/destinations (grantless): an SQS destination, once per queue (409 after that)."""
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    name, arn = body.get("name"), ((body.get("resourceSpecification") or {}).get("sqs") or {}).get("arn")
    if not isinstance(name, str) or not isinstance(arn, str) or not SQS_ARN.match(arn):
        return _bad("name and resourceSpecification.sqs.arn (arn:aws:sqs:REGION:ACCOUNT:QUEUE) are required")
    made = state.add_destination(name, arn)
    if made is None:
        return _json(error_body("Conflict", "Destination already exists", f"A destination for {arn} exists"), 409)
    return _json({"payload": _destination(made)})


async def upload_destination(request: Request, state: EmulatorState) -> Response:
    """POST /uploads/2020-11-01/uploadDestinations/{resource}: a destination to PUT the file to."""
    if not request.query_params.get("contentMD5") or not request.query_params.get("marketplaceIds"):
        return _bad("marketplaceIds and contentMD5 are required")
    destination = str(uuid.uuid4())
    with state.lock:
        state.uploads[destination] = b""
    url = str(request.url_for("upload_put", destination=destination))
    return _json({"payload": {"uploadDestinationId": destination, "url": url, "headers": {}}}, 201)


async def upload_put(request: Request) -> Response:
    """PUT /_emulator/uploads/{destination}: the storage side of the Uploads API."""
    state: EmulatorState = request.app.state.emulator
    destination = request.path_params["destination"]
    if destination not in state.uploads:
        return Response(status_code=404)
    data = await request.body()
    with state.lock:
        state.uploads[destination] = data
    return Response(status_code=200)


async def control_faults(request: Request) -> Response:
    """POST /_emulator/faults: ``{"kind", "operation"?, "count"?, "seconds"?}``."""
    state: EmulatorState = request.app.state.emulator
    body = json.loads(await request.body() or b"{}")
    state.inject(Fault(kind=str(body["kind"]), operation=str(body.get("operation", "*")),
                       count=int(body.get("count", 1)), seconds=float(body.get("seconds", 0.0))))
    return _json({"faults": len(state.faults)})


async def control_state(request: Request) -> Response:
    """GET /_emulator/state: the messages and review requests received."""
    state: EmulatorState = request.app.state.emulator
    with state.lock:
        sent = [{**asdict(m), "at": payloads.iso(m.at)} for m in state.messages]
        asked = [{**asdict(m), "at": payloads.iso(m.at)} for m in state.solicitations]
    return _json({"messages": sent, "solicitations": asked, "orders": len(state.orders) + len(state.specs)})


def build_app(state: EmulatorState) -> Starlette:
    """The emulator as an ASGI app over *state* (one app per state; tests build their own)."""
    order_path = "/orders/2026-01-01/orders/{order_id}"
    routes = [
        Route("/auth/o2/token", lwa_token, methods=["POST"]),
        Route(order_path, _operation("getOrder", get_order), methods=["GET"]),
        Route("/orders/2026-01-01/orders", _operation("searchOrders", search_orders), methods=["GET"]),
        Route("/orders/v0/orders", _operation("getOrdersV0", get_orders_v0), methods=["GET"]),
        Route("/orders/v0/orders/{order_id}", _operation("getOrderV0", get_order_v0), methods=["GET"]),
        Route("/orders/v0/orders/{order_id}/orderItems", _operation("getOrderItemsV0", get_order_items_v0),
              methods=["GET"]),
        Route("/messaging/v1/orders/{order_id}", _operation("getMessagingActionsForOrder", messaging_actions),
              methods=["GET"]),
        Route("/messaging/v1/orders/{order_id}/attributes", _operation("getAttributes", attributes), methods=["GET"]),
        Route("/messaging/v1/orders/{order_id}/messages/{message_type}", _operation("sendMessage", send_message),
              methods=["POST"]),
        Route("/solicitations/v1/orders/{order_id}",
              _operation("getSolicitationActionsForOrder", solicitation_actions), methods=["GET"]),
        Route("/solicitations/v1/orders/{order_id}/solicitations/productReviewAndSellerFeedback",
              _operation("createProductReviewAndSellerFeedbackSolicitation", create_solicitation), methods=["POST"]),
        Route("/uploads/2020-11-01/uploadDestinations/{resource:path}",
              _operation("createUploadDestinationForResource", upload_destination), methods=["POST"]),
        Route("/notifications/v1/subscriptions/{notification_type}",
              _operation("getSubscription", get_subscription), methods=["GET"]),
        Route("/notifications/v1/subscriptions/{notification_type}",
              _operation("createSubscription", create_subscription), methods=["POST"]),
        Route("/notifications/v1/destinations", _operation("getDestinations", get_destinations, grantless=True),
              methods=["GET"]),
        Route("/notifications/v1/destinations", _operation("createDestination", create_destination, grantless=True),
              methods=["POST"]),
        Route("/_emulator/uploads/{destination}", upload_put, methods=["PUT"], name="upload_put"),
        Route("/_emulator/faults", control_faults, methods=["POST"]),
        Route("/_emulator/state", control_state, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.emulator = state
    return app
