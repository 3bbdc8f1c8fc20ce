"""ORDER_CHANGE notifications: Amazon's own example read, then acted on against the emulator."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.config import StoreConfig
from sellerdesk.core.orders import parse_order_change
from sellerdesk.services.database import Database
from sellerdesk.services.orders import apply_order_change
from tests.spapi.conftest import NOW, make_client
from tests.spapi.contracts import models_dir
from tests.spapi.test_client import shipped_order


def amazons_example() -> dict[str, Any]:
    schema = json.loads((models_dir() / "OrderChangeNotification.json").read_text(encoding="utf-8"))
    example: dict[str, Any] = schema["examples"][0]
    jsonschema.Draft7Validator(schema).validate(example)
    return example


def test_amazons_example_is_read() -> None:
    change = parse_order_change(amazons_example())
    assert (change.order_id, change.marketplace, change.reason) == ("903-8868176-2219830", "US",
                                                                    "Buyer Requested Cancel")
    assert change.buyer_requested_cancel
    assert change.order_status == "unshipped"
    assert change.notification_id == "d0e9e693-c3ad-4373-979f-ed4ec98dd746"


def test_other_notifications_are_refused() -> None:
    with pytest.raises(ValueError, match="not an ORDER_CHANGE"):
        parse_order_change({"NotificationType": "ANY_OFFER_CHANGED"})


@given(st.recursive(st.none() | st.booleans() | st.text(max_size=5),
                    lambda inner: st.dictionaries(st.text(max_size=8), inner, max_size=4) | st.lists(inner, max_size=3),
                    max_leaves=12))
def test_any_payload_is_read_or_refused_with_value_error(payload: Any) -> None:
    notification = {"NotificationType": "ORDER_CHANGE", "Payload": {"OrderChangeNotification": payload}}
    with contextlib.suppress(ValueError):  # refusing is fine; any other exception fails the test
        change = parse_order_change(notification)
        assert change.order_id


def test_a_buyers_cancellation_request_becomes_an_order_event(db: Database, server: EmulatorServer,
                                                              state: EmulatorState) -> None:
    example = amazons_example()
    order_id = example["Payload"]["OrderChangeNotification"]["AmazonOrderId"]
    state.put_order(shipped_order(order_id))  # Amazon's read side does not show the request yet
    store = StoreConfig("acme-us", ("US",))
    with make_client(server) as client:
        found = apply_order_change(db, store, client=client, change=parse_order_change(example), now=NOW)
    assert found == ("buyer_requested_cancel",)
    with db.reading() as sql:
        events = SpApiRecords(sql).events(sql.get_store("acme-us").id)
    assert [(e.order_id, e.trigger, e.source) for e in events] == [(order_id, "buyer_requested_cancel", "notification")]
