"""The SP-API client over real HTTP against the emulator: orders, messages, reviews, errors, faults."""

from __future__ import annotations

import hashlib

import pytest

from sellerdesk.adapters.spapi import LwaCredentials, ManualClock, SpApiClient
from sellerdesk.adapters.spapi.emulator import EmulatedItem, EmulatedOrder, EmulatorServer, EmulatorState, Fault
from sellerdesk.adapters.spapi.errors import (
    SpApiAuthError,
    SpApiInvalidInputError,
    SpApiNotAllowedError,
    SpApiNotFoundError,
    SpApiRetriesExhaustedError,
    SpApiUnavailableError,
)
from sellerdesk.errors import SpApiError, SpApiThrottledError
from tests.spapi.conftest import NOW, make_client

US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"


def shipped_order(order_id: str = "111-2223334-4445556", marketplace: str = "US") -> EmulatedOrder:
    from datetime import timedelta

    return EmulatedOrder(order_id=order_id, marketplace=marketplace, status="SHIPPED", fulfilled_by="MERCHANT",
                         created=NOW - timedelta(days=12), last_updated=NOW - timedelta(days=9),
                         items=[EmulatedItem("B0C7K2M4Q1", "Trail Backpack 30L", "TB-30")],
                         delivery_start=NOW - timedelta(days=8), delivery_end=NOW - timedelta(days=6),
                         package_status="DELIVERED", carrier="UPS", tracking_number="1Z999AA10123456784",
                         ship_time=NOW - timedelta(days=10), buyer_locale="en-US")


def test_get_order_2026_has_items_fulfilment_and_packages(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    order = client.get_order("111-2223334-4445556")
    assert order["orderItems"][0]["product"]["asin"] == "B0C7K2M4Q1"
    assert order["fulfillment"]["fulfilledBy"] == "MERCHANT"
    assert order["packages"][0]["trackingNumber"] == "1Z999AA10123456784"


def test_the_same_order_id_always_gives_the_same_order(server: EmulatorServer) -> None:
    with make_client(server) as client:
        first = client.get_order("305-1111111-2222222")
    other_state = EmulatorState(marketplaces=("US", "DE"), now=lambda: NOW, throttle=False)
    with EmulatorServer(other_state) as again, make_client(again) as client:
        assert client.get_order("305-1111111-2222222") == first


def test_v0_order_and_items(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    assert client.get_order_v0("111-2223334-4445556")["OrderStatus"] == "Shipped"
    assert client.get_order_items_v0("111-2223334-4445556")[0]["ASIN"] == "B0C7K2M4Q1"


def test_messaging_lists_actions_and_records_a_sent_message(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    actions = client.messaging_actions("111-2223334-4445556", US)
    assert "confirmDeliveryDetails" in actions
    assert "confirmOrderDetails" not in actions  # only before shipping
    assert "attributes" not in actions
    assert client.buyer_locale("111-2223334-4445556", US) == "en-US"
    client.send_message("confirmDeliveryDetails", "111-2223334-4445556", US, text="Your parcel arrives Friday.")
    assert [(m.message_type, m.text) for m in state.messages] == [
        ("confirmDeliveryDetails", "Your parcel arrives Friday.")]


def test_a_type_amazon_does_not_list_is_refused_and_named(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    with pytest.raises(SpApiNotAllowedError, match="not available for order 111-2223334-4445556") as caught:
        client.send_message("confirmOrderDetails", "111-2223334-4445556", US, text="Please confirm the colour.")
    assert caught.value.status == 403
    assert caught.value.request_id
    assert state.messages == []


def test_invoice_goes_through_the_uploads_api(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    data = b"%PDF-1.4 invoice"
    destination = client.upload_file(US, data=data, content_type="application/pdf",
                                     content_md5=hashlib.md5(data).hexdigest())
    client.send_message("invoice", "111-2223334-4445556", US,
                        attachments=[{"uploadDestinationId": destination, "fileName": "invoice.pdf"}])
    assert state.uploads[destination] == data
    assert state.messages[0].attachments == ("invoice.pdf",)


def test_second_review_request_gets_amazons_403(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order())
    assert client.solicitation_actions("111-2223334-4445556", US) == ["productReviewAndSellerFeedback"]
    client.request_review("111-2223334-4445556", US)
    assert client.solicitation_actions("111-2223334-4445556", US) == []
    with pytest.raises(SpApiNotAllowedError):
        client.request_review("111-2223334-4445556", US)
    assert len(state.solicitations) == 1


def test_order_of_another_marketplace_is_explained(client: SpApiClient, state: EmulatorState) -> None:
    state.put_order(shipped_order(marketplace="DE"))
    with pytest.raises(SpApiInvalidInputError, match="placed in marketplace DE, not US"):
        client.messaging_actions("111-2223334-4445556", US)
    assert client.messaging_actions("111-2223334-4445556", DE)


def test_unknown_order_is_not_found_and_not_retried(server: EmulatorServer, state: EmulatorState) -> None:
    state.derive_unknown = False
    with make_client(server) as client, pytest.raises(SpApiNotFoundError, match="check the order ID"):
        client.get_order("111-0000000-0000001")
    assert state.requests == [("getOrder", "111-0000000-0000001")]


def test_sandbox_400_case(client: SpApiClient) -> None:
    with pytest.raises(SpApiInvalidInputError, match="InvalidInput"):
        client.messaging_actions("123-1234567-0000000", US)


@pytest.mark.parametrize(("credentials", "code"), [
    (LwaCredentials("amzn1.application-oa2-client.sellerdesk-demo", "sellerdesk-demo-secret", "Atzr|revoked"),
     "invalid_grant"),
    (LwaCredentials("amzn1.application-oa2-client.sellerdesk-demo", "wrong", "Atzr|sellerdesk-demo"),
     "invalid_client"),
])
def test_wrong_or_revoked_credentials_name_the_store_and_the_fix(server: EmulatorServer,
                                                                 credentials: LwaCredentials, code: str) -> None:
    with make_client(server, credentials=credentials, store="nordlicht-eu") as client, \
            pytest.raises(SpApiAuthError, match=f"store 'nordlicht-eu'.*{code}.*spapi_") as caught:
        client.get_order("111-2223334-4445556")
    assert caught.value.code == code


def test_expired_access_token_is_refreshed_once(client: SpApiClient, state: EmulatorState) -> None:
    client.get_order("111-2223334-4445556")
    state.inject(Fault("expire_tokens"))
    assert client.get_order("111-2223334-4445556")["orderId"] == "111-2223334-4445556"
    assert len(state.tokens) == 2


def test_503_is_retried_with_backoff(server: EmulatorServer, state: EmulatorState) -> None:
    clock = ManualClock()
    state.inject(Fault("503", operation="sendMessage", count=2))
    state.put_order(shipped_order())
    with make_client(server, clock=clock) as client:
        client.send_message("unexpectedProblem", "111-2223334-4445556", US, text="The parcel is delayed by a day.")
    assert len(state.messages) == 1
    assert len(clock.slept) == 2
    assert clock.slept[1] > clock.slept[0] * 0.9  # exponential ceiling, jittered


def test_500_on_a_send_is_reported_not_repeated(server: EmulatorServer, state: EmulatorState) -> None:
    state.inject(Fault("500", operation="sendMessage"))
    state.put_order(shipped_order())
    with make_client(server) as client, pytest.raises(SpApiUnavailableError, match="request ID"):
        client.send_message("unexpectedProblem", "111-2223334-4445556", US, text="The parcel is delayed by a day.")
    assert [op for op, _ in state.requests].count("sendMessage") == 1


def test_429_through_every_retry_is_a_throttled_error(server: EmulatorServer, state: EmulatorState) -> None:
    state.inject(Fault("429", operation="getOrder", count=10))
    with make_client(server, max_retries=3) as client, pytest.raises(SpApiRetriesExhaustedError) as caught:
        client.get_order("111-2223334-4445556")
    assert isinstance(caught.value, SpApiThrottledError)
    assert isinstance(caught.value, SpApiError)
    assert [op for op, _ in state.requests].count("getOrder") == 4


def test_latency_fault_still_answers(client: SpApiClient, state: EmulatorState) -> None:
    state.inject(Fault("latency", seconds=0.05))
    assert client.get_order("111-2223334-4445556")["orderId"] == "111-2223334-4445556"


def test_unreachable_endpoint_is_an_unavailable_error() -> None:
    from tests.spapi.conftest import DEMO_CREDENTIALS

    with SpApiClient(store="acme-us", region="NA", credentials=DEMO_CREDENTIALS, endpoint="http://127.0.0.1:9",
                     clock=ManualClock()) as client, pytest.raises(SpApiUnavailableError, match="could not be reached"):
        client.get_order("111-2223334-4445556")
