"""Subscribing a store's seller account to ORDER_CHANGE notifications in an SQS queue (Notifications API).

Two steps, each done at most once however often the command runs: the app's *destination* for
the queue (createDestination, grantless: it belongs to the app, not to one seller; an existing
destination for the same queue is reused), then the seller's *subscription* of ORDER_CHANGE to
it (createSubscription). A seller already subscribed is reported as it is, never subscribed twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sellerdesk.adapters.spapi.client import SpApiClient
from sellerdesk.errors import InputError

ORDER_CHANGE = "ORDER_CHANGE"
PAYLOAD_VERSION = "1.0"
SQS_ARN = re.compile(r"^arn:aws:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}(\.fifo)?$")


@dataclass(frozen=True)
class SubscriptionOutcome:
    """Where the store's ORDER_CHANGE notifications go, and what this run created."""

    store: str
    subscription_id: str
    destination_id: str
    queue_arn: str | None  # None: subscribed to a destination that is not among the app's destinations
    created_destination: bool
    created_subscription: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"store": self.store, "notification_type": ORDER_CHANGE, "subscription_id": self.subscription_id,
                "destination_id": self.destination_id, "queue_arn": self.queue_arn,
                "created_destination": self.created_destination, "created_subscription": self.created_subscription}


def check_queue_arn(queue_arn: str) -> str:
    """The ARN unchanged when it names an SQS queue.

    Raises:
        InputError: it does not (the message shows the expected form).
    """
    if not SQS_ARN.match(queue_arn):
        raise InputError(f"--queue-arn {queue_arn!r} is not an SQS queue ARN; give it as "
                         "arn:aws:sqs:REGION:ACCOUNT_ID:QUEUE_NAME (the queue's Details page in the AWS console)")
    return queue_arn


def subscribe_order_change(client: SpApiClient, *, queue_arn: str, name: str = "sellerdesk") -> SubscriptionOutcome:
    """Make sure the store's ORDER_CHANGE notifications go to the SQS queue *queue_arn*.

    Args:
        name: the destination's name, should one be created.

    Raises:
        InputError: *queue_arn* is no SQS queue ARN.
        SpApiError: Amazon refused (e.g. the app lacks the Notifications role) or stayed unavailable.
    """
    check_queue_arn(queue_arn)
    arns = {str(d.get("destinationId")): ((d.get("resource") or {}).get("sqs") or {}).get("arn")
            for d in client.get_destinations()}
    existing = client.get_subscription(ORDER_CHANGE)
    if existing is not None:
        destination = str(existing.get("destinationId"))
        return SubscriptionOutcome(client.store, str(existing.get("subscriptionId")), destination,
                                   arns.get(destination), created_destination=False, created_subscription=False)
    destination_id = next((d for d, arn in arns.items() if arn == queue_arn), None)
    created_destination = destination_id is None
    if destination_id is None:
        destination_id = str(client.create_destination(name, queue_arn).get("destinationId"))
    made = client.create_subscription(ORDER_CHANGE, destination_id, payload_version=PAYLOAD_VERSION)
    return SubscriptionOutcome(client.store, str(made.get("subscriptionId")), destination_id, queue_arn,
                               created_destination=created_destination, created_subscription=True)
