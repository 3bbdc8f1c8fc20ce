"""Contract tests: every request of the client and every answer of the emulator against Amazon's models."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from sellerdesk.adapters.spapi import ManualClock, SpApiClient
from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState, Fault
from sellerdesk.adapters.spapi.errors import SpApiRequestError
from tests.spapi.conftest import DEMO_CREDENTIALS, NOW
from tests.spapi.contracts import (
    Operation,
    RecordingTransport,
    find_operation,
    load_operations,
    request_problems,
    response_problems,
)
from tests.spapi.test_client import shipped_order

US = "ATVPDKIKX0DER"
IMPLEMENTED = {
    "/orders/2026-01-01/orders", "/orders/2026-01-01/orders/{orderId}", "/orders/v0/orders",
    "/orders/v0/orders/{orderId}", "/orders/v0/orders/{orderId}/orderItems", "/messaging/v1/orders/{amazonOrderId}",
    "/messaging/v1/orders/{amazonOrderId}/attributes", "/solicitations/v1/orders/{amazonOrderId}",
    "/solicitations/v1/orders/{amazonOrderId}/solicitations/productReviewAndSellerFeedback",
}


@pytest.fixture(scope="module")
def operations() -> list[Operation]:
    return load_operations()


@pytest.fixture
def recorded(server: EmulatorServer) -> Iterator[tuple[SpApiClient, RecordingTransport]]:
    transport = RecordingTransport()
    with SpApiClient(store="acme-us", region="NA", credentials=DEMO_CREDENTIALS, endpoint=server.url,
                     transport=transport, clock=ManualClock(), max_retries=1) as client:
        yield client, transport


def check_all(operations: list[Operation], transport: RecordingTransport) -> list[str]:
    problems = []
    for request, status, body in transport.exchanges:
        op = find_operation(operations, request.method, request.url.path)
        problems += request_problems(op, request) + response_problems(op, status, body)
    return problems


def test_a_whole_workflow_matches_the_models(operations: list[Operation], state: EmulatorState,
                                             recorded: tuple[SpApiClient, RecordingTransport]) -> None:
    client, transport = recorded
    state.put_order(shipped_order())
    order_id = "111-2223334-4445556"
    client.get_order(order_id)
    client.search_orders(marketplace_ids=[US], last_updated_after="2026-11-01T00:00:00Z")
    client.search_orders(marketplace_ids=[US], created_after="2026-11-01T00:00:00Z", max_results=1)
    client.get_order_v0(order_id)
    client.get_order_items_v0(order_id)
    client.get_orders_v0(marketplace_ids=[US], last_updated_after="2026-11-01T00:00:00Z", max_results=1)
    client.messaging_actions(order_id, US)
    client.buyer_locale(order_id, US)
    client.send_message("confirmDeliveryDetails", order_id, US, text="Your parcel arrives on Friday.")
    client.send_message("unexpectedProblem", order_id, US, text="The parcel is delayed by one day.")
    data = b"%PDF-1.4"
    upload = client.upload_file(US, data=data, content_type="application/pdf",
                                content_md5=hashlib.md5(data).hexdigest())
    client.send_message("invoice", order_id, US, attachments=[{"uploadDestinationId": upload, "fileName": "a.pdf"}])
    client.solicitation_actions(order_id, US)
    client.request_review(order_id, US)
    for failing in (lambda: client.request_review(order_id, US),  # 403: the second request
                    lambda: client.send_message("confirmOrderDetails", order_id, US, text="Confirm please."),
                    lambda: client.get_order("TEST_CASE_400"),
                    lambda: client.messaging_actions(order_id, "A1PA6795UKMFR9")):
        with pytest.raises(SpApiRequestError):
            failing()
    state.inject(Fault("429", operation="getOrder", count=5))
    with pytest.raises(SpApiRequestError):
        client.get_order(order_id)
    assert len(transport.exchanges) >= 18
    assert check_all(operations, transport) == []


def test_an_unknown_order_404_matches_the_models(operations: list[Operation], state: EmulatorState,
                                                 recorded: tuple[SpApiClient, RecordingTransport]) -> None:
    client, transport = recorded
    state.derive_unknown = False
    with pytest.raises(SpApiRequestError):
        client.get_order("111-0000000-0000001")
    assert [status for _, status, _ in transport.exchanges] == [404]
    assert check_all(operations, transport) == []


def sandbox_cases(operations: list[Operation]) -> list[tuple[Operation, int, dict[str, Any]]]:
    cases = []
    for op in operations:
        if op.template not in IMPLEMENTED:
            continue
        for status, response in op.spec["responses"].items():
            for case in (response.get("x-amzn-api-sandbox") or {}).get("static", []):
                cases.append((op, int(status), case["request"]["parameters"]))
    return cases


def test_amazons_static_sandbox_cases(operations: list[Operation], state: EmulatorState,
                                      recorded: tuple[SpApiClient, RecordingTransport]) -> None:
    client, transport = recorded
    cases = sandbox_cases(operations)
    assert len(cases) >= 15
    failures = []
    for op, status, parameters in cases:
        path, query, body = op.template, {}, None
        for param in op.spec.get("parameters", []):
            if param["name"] not in parameters:
                continue
            value = parameters[param["name"]]["value"]
            if param["in"] == "path":
                path = path.replace("{" + param["name"] + "}", str(value))
            elif param["in"] == "query":
                query[param["name"]] = ",".join(value) if isinstance(value, list) else str(value)
            elif param["in"] == "body":
                body = value
        required = {p["name"] for p in op.spec["parameters"] if p.get("required")}
        for name in {"marketplaceIds", "MarketplaceIds"} & required:
            query.setdefault(name, US)  # Amazon's examples leave out the marketplace some cases need
        with contextlib.suppress(SpApiRequestError):  # the status is read from the recording below
            client.request(op.operation_id, op.method, path, params=query, json=body)
        got = transport.exchanges[-1][1]
        if got != status:
            failures.append(f"{op.operation_id} {json.dumps(parameters)[:80]}: expected {status}, got {got}")
    assert failures == []
    assert check_all(operations, transport) == []


def test_derived_orders_of_every_state_match_the_models(operations: list[Operation], state: EmulatorState,
                                                        recorded: tuple[SpApiClient, RecordingTransport]) -> None:
    client, transport = recorded
    for number in range(40):  # enough IDs to draw every status, both fulfilment channels and all carriers
        order_id = f"{200 + number}-{number:07d}-7654321"
        client.get_order(order_id)
        client.get_order_v0(order_id)
    statuses = {o.status for o in state.orders.values()}
    assert statuses == {"UNSHIPPED", "SHIPPED", "CANCELLED"}
    assert all(o.created < NOW - timedelta(hours=1) for o in state.orders.values())
    assert check_all(operations, transport) == []
