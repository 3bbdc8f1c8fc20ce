"""A notification for another seller is logged and left in the queue; the store's own is applied."""

from __future__ import annotations

import copy
import logging
from dataclasses import replace

import pytest

from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.adapters.spapi.sqs import SqsNotificationQueue
from sellerdesk.core.orders import parse_order_change
from sellerdesk.services.database import Database
from sellerdesk.services.orders import drain_notifications
from tests.spapi.conftest import NOW, make_client
from tests.spapi.test_client import shipped_order
from tests.spapi.test_order_change import amazons_example
from tests.spapi.test_sqs import STORE, counts, queue, send, sqs_endpoint

__all__ = ["queue", "sqs_endpoint"]  # the SQS fixtures, shared with test_sqs


def test_the_seller_id_is_read_from_amazons_example() -> None:
    assert parse_order_change(amazons_example()).seller_id == "A3TH9S8BH6GOGM"


def test_another_sellers_notification_is_logged_and_left_in_the_queue(
        db: Database, server: EmulatorServer, state: EmulatorState, queue: SqsNotificationQueue,
        caplog: pytest.LogCaptureFixture) -> None:
    ours = amazons_example()
    theirs = copy.deepcopy(ours)
    theirs["Payload"]["OrderChangeNotification"]["SellerId"] = "A1OTHERSELLER"
    state.put_order(shipped_order(ours["Payload"]["OrderChangeNotification"]["AmazonOrderId"]))
    send(queue, theirs)
    send(queue, ours)
    store = replace(STORE, spapi_seller_id="A3TH9S8BH6GOGM")
    with make_client(server) as client, caplog.at_level(logging.WARNING, logger="sellerdesk.services.orders"):
        result = drain_notifications(db, store, queue=queue, client=client, now=NOW, wait_seconds=1)
    assert result.events == ["903-8868176-2219830:buyer_requested_cancel"]
    assert len(result.problems) == 1
    assert "'A1OTHERSELLER', not this store's spapi_seller_id 'A3TH9S8BH6GOGM'" in result.problems[0]
    assert result.problems[0] in caplog.text
    assert counts(queue) == (0, 1)  # the other seller's message waits for its own store
