"""The SQS queue that Amazon's Notifications API delivers ORDER_CHANGE notifications to (boto3, optional).

AWS credentials come from boto3's usual chain (environment, shared files, instance role), never
from sellerdesk's configuration. A message is deleted only after it was handled, so a crash or
an outage leaves it in the queue and SQS delivers it again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sellerdesk.adapters.spapi.errors import SpApiUnavailableError
from sellerdesk.errors import ConfigError


@dataclass(frozen=True)
class QueuedNotification:
    """One SQS message: its receipt handle and the decoded notification (``None`` with the reason if unreadable)."""

    receipt: str
    body: dict[str, Any] | None
    problem: str | None = None


class SqsNotificationQueue:
    """Receives and deletes notification messages of one SQS queue.

    Args:
        queue_url: the queue's URL (``https://sqs.<region>.amazonaws.com/<account>/<name>``).
        region: the AWS region of the queue.
        endpoint_url: another SQS endpoint (a local test server).
    """

    def __init__(self, queue_url: str, *, region: str, endpoint_url: str | None = None) -> None:
        try:
            import boto3
            from botocore.exceptions import BotoCoreError, ClientError
        except ImportError as exc:
            raise ConfigError("ORDER_CHANGE notifications through SQS need boto3: "
                              "pip install 'sellerdesk[sqs]'") from exc
        self.queue_url = queue_url
        self._errors: tuple[type[Exception], ...] = (BotoCoreError, ClientError)
        self._sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)

    def receive(self, *, max_messages: int = 10, wait_seconds: int = 20) -> list[QueuedNotification]:
        """Long-poll for up to *max_messages* messages (at most *wait_seconds*).

        Raises:
            SpApiUnavailableError: SQS could not be reached or refused the request.
        """
        try:
            answer = self._sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=max_messages,
                                               WaitTimeSeconds=wait_seconds)
        except self._errors as exc:
            raise SpApiUnavailableError(f"SQS queue {self.queue_url}: receiving failed ({exc}); check the queue URL "
                                        "and the AWS credentials", operation="sqsReceive") from exc
        found = []
        for message in answer.get("Messages", []):
            try:
                body = json.loads(message.get("Body") or "")
            except ValueError:
                found.append(QueuedNotification(message["ReceiptHandle"], None, "the message body is not JSON"))
                continue
            if not isinstance(body, dict):
                found.append(QueuedNotification(message["ReceiptHandle"], None, "the message body is not an object"))
                continue
            found.append(QueuedNotification(message["ReceiptHandle"], body))
        return found

    def delete(self, receipt: str) -> None:
        """Delete a handled message.

        Raises:
            SpApiUnavailableError: SQS refused (the message will come again and be handled again).
        """
        try:
            self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt)
        except self._errors as exc:
            raise SpApiUnavailableError(f"SQS queue {self.queue_url}: deleting a message failed ({exc})",
                                        operation="sqsDelete") from exc


_REGION_IN_URL = re.compile(r"^https?://sqs[.-]([a-z0-9-]+)\.amazonaws\.com", re.IGNORECASE)


def queue_region(queue_url: str) -> str:
    """The AWS region named in a queue URL (``https://sqs.eu-west-1.amazonaws.com/...``), else us-east-1."""
    found = _REGION_IN_URL.match(queue_url)
    return found.group(1) if found else "us-east-1"
