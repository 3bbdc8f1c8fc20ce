"""ORDER_CHANGE notifications from a real SQS API (moto's server on a loopback port) into order events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState, Fault
from sellerdesk.adapters.spapi.sqs import SqsNotificationQueue, queue_region
from sellerdesk.config import StoreConfig
from sellerdesk.services.database import Database
from sellerdesk.services.orders import drain_notifications
from tests.spapi.conftest import NOW, make_client
from tests.spapi.test_client import shipped_order
from tests.spapi.test_order_change import amazons_example

boto3 = pytest.importorskip("boto3", reason="boto3 is not installed (pip install -e '.[dev]')")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed (pip install -e '.[dev]')")
STORE = StoreConfig("acme-us", ("US",))


@pytest.fixture(scope="module")
def sqs_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def queue(sqs_endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> SqsNotificationQueue:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    name = f"order-change-{abs(hash(request.node.nodeid))}"
    sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=sqs_endpoint)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    return SqsNotificationQueue(url, region="us-east-1", endpoint_url=sqs_endpoint)


def send(queue: SqsNotificationQueue, body: Any) -> None:
    queue._sqs.send_message(QueueUrl=queue.queue_url, MessageBody=body if isinstance(body, str) else json.dumps(body))


def counts(queue: SqsNotificationQueue) -> tuple[int, int]:
    attributes = queue._sqs.get_queue_attributes(QueueUrl=queue.queue_url, AttributeNames=["All"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]), int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_notifications_become_events_and_unreadable_ones_are_dropped(db: Database, server: EmulatorServer,
                                                                     state: EmulatorState,
                                                                     queue: SqsNotificationQueue) -> None:
    example = amazons_example()
    state.put_order(shipped_order(example["Payload"]["OrderChangeNotification"]["AmazonOrderId"]))
    send(queue, example)
    send(queue, "not json")
    send(queue, {"NotificationType": "ANY_OFFER_CHANGED"})
    with make_client(server) as client:
        result = drain_notifications(db, STORE, queue=queue, client=client, now=NOW, wait_seconds=1)
    assert result.error is None
    assert result.events == ["903-8868176-2219830:buyer_requested_cancel"]
    assert len(result.problems) == 2
    assert counts(queue) == (0, 0)
    with db.reading() as sql:
        events = SpApiRecords(sql).events(sql.get_store("acme-us").id)
    assert [(e.trigger, e.source) for e in events] == [("buyer_requested_cancel", "notification")]


def test_an_outage_leaves_the_notification_in_the_queue(db: Database, server: EmulatorServer, state: EmulatorState,
                                                        queue: SqsNotificationQueue) -> None:
    send(queue, amazons_example())
    state.inject(Fault("503", count=100))
    with make_client(server, max_retries=1) as client:
        result = drain_notifications(db, STORE, queue=queue, client=client, now=NOW, wait_seconds=1)
    assert "try again later" in str(result.error)
    assert counts(queue) == (0, 1)  # received, not deleted: SQS delivers it again after the visibility timeout


def test_region_is_read_from_the_queue_url() -> None:
    assert queue_region("https://sqs.eu-west-1.amazonaws.com/123456789012/orders") == "eu-west-1"
    assert queue_region("http://127.0.0.1:4566/000000000000/orders") == "us-east-1"
