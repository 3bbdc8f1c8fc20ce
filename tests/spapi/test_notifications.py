"""Subscribing to ORDER_CHANGE through the Notifications API: client, emulator, service, command, models."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sellerdesk.adapters.spapi import ManualClock, SpApiClient
from sellerdesk.adapters.spapi.auth import LwaTokens
from sellerdesk.adapters.spapi.emulator import EmulatorServer, EmulatorState
from sellerdesk.adapters.spapi.errors import SpApiAuthError, SpApiRequestError
from sellerdesk.cli import _register, cli
from sellerdesk.errors import InputError
from sellerdesk.services.notifications import subscribe_order_change
from tests.spapi.conftest import DEMO_CREDENTIALS
from tests.spapi.contracts import (
    RecordingTransport,
    find_operation,
    load_operations,
    request_problems,
    response_problems,
)
from tests.spapi.test_cli import run, write_config

QUEUE = "arn:aws:sqs:us-east-1:123456789012:sellerdesk-order-change"


def operations_called(state: EmulatorState) -> list[str]:
    return [operation for operation, _ in state.requests]


def test_the_first_run_subscribes_and_the_second_reports_it(client: SpApiClient, state: EmulatorState) -> None:
    first = subscribe_order_change(client, queue_arn=QUEUE)
    again = subscribe_order_change(client, queue_arn=QUEUE)
    assert (first.created_destination, first.created_subscription) == (True, True)
    assert (again.created_destination, again.created_subscription) == (False, False)
    assert (again.subscription_id, again.destination_id, again.queue_arn) == \
        (first.subscription_id, first.destination_id, QUEUE)
    assert [d.arn for d in state.destinations.values()] == [QUEUE]
    assert list(state.subscriptions) == ["ORDER_CHANGE"]
    assert operations_called(state).count("createSubscription") == 1
    assert operations_called(state).count("createDestination") == 1


def test_the_apps_destination_for_the_queue_is_reused(client: SpApiClient, state: EmulatorState) -> None:
    made = state.add_destination("made-by-hand", QUEUE)
    assert made is not None
    outcome = subscribe_order_change(client, queue_arn=QUEUE)
    assert (outcome.created_destination, outcome.destination_id) == (False, made.destination_id)
    assert "createDestination" not in operations_called(state)


def test_a_wrong_arn_is_refused_before_amazon_is_asked(client: SpApiClient, state: EmulatorState) -> None:
    with pytest.raises(InputError, match="arn:aws:sqs:REGION:ACCOUNT_ID:QUEUE_NAME"):
        subscribe_order_change(client, queue_arn="https://sqs.us-east-1.amazonaws.com/123456789012/q")
    assert state.requests == []


def test_destinations_need_the_grantless_token_and_subscriptions_the_sellers(client: SpApiClient) -> None:
    with pytest.raises(SpApiAuthError):  # the seller's token on a grantless operation: Amazon's 403
        client.request("getDestinations", "GET", "/notifications/v1/destinations")
    with pytest.raises(SpApiAuthError):  # and the app's grantless token on the seller's subscription
        client.request("getSubscription", "GET", "/notifications/v1/subscriptions/ORDER_CHANGE", grantless=True)


def test_a_scope_lwa_does_not_grant_names_the_fix(server: EmulatorServer) -> None:
    with httpx.Client() as http:
        tokens = LwaTokens(DEMO_CREDENTIALS, http=http, store="acme-us", token_url=f"{server.url}/auth/o2/token",
                           clock=ManualClock(), scope="sellingpartnerapi::migration")
        with pytest.raises(SpApiAuthError, match=r"invalid_scope.*may not ask for the scope"):
            tokens.access_token()


def test_every_exchange_matches_amazons_notifications_model(server: EmulatorServer, state: EmulatorState) -> None:
    transport = RecordingTransport()
    with SpApiClient(store="acme-us", region="NA", credentials=DEMO_CREDENTIALS, endpoint=server.url,
                     transport=transport, clock=ManualClock(), max_retries=1) as client:
        assert client.get_subscription("ORDER_CHANGE") is None  # 404 first
        subscribe_order_change(client, queue_arn=QUEUE)
        subscribe_order_change(client, queue_arn=QUEUE)
        destination = next(iter(state.destinations))
        for failing in (lambda: client.create_destination("again", QUEUE),  # 409: one destination per queue
                        lambda: client.create_subscription("ORDER_CHANGE", destination)):  # 409: subscribed
            with pytest.raises(SpApiRequestError):
                failing()
    operations = load_operations()
    statuses = []
    problems = []
    for request, status, body in transport.exchanges:
        op = find_operation(operations, request.method, request.url.path)
        statuses.append((op.operation_id, status))
        problems += request_problems(op, request) + response_problems(op, status, body)
    assert problems == []
    assert ("createDestination", 409) in statuses
    assert ("createSubscription", 409) in statuses
    assert ("getSubscription", 404) in statuses


def test_the_command_subscribes_once(tmp_path: Path, server: EmulatorServer, state: EmulatorState) -> None:
    config = str(write_config(tmp_path, server))
    code, first = run("spapi", "subscribe", "--store", "acme-us", "--queue-arn", QUEUE, "--config", config)
    code_again, again = run("spapi", "subscribe", "--store", "acme-us", "--queue-arn", QUEUE, "--config", config)
    assert (code, code_again) == (0, 0)
    assert (first[0]["created_subscription"], again[0]["created_subscription"]) == (True, False)
    assert first[0]["subscription_id"] == again[0]["subscription_id"]
    assert len(state.subscriptions) == 1


def test_the_command_names_a_bad_arn(tmp_path: Path, server: EmulatorServer) -> None:
    _register()
    result = CliRunner().invoke(cli, ["spapi", "subscribe", "--store", "acme-us", "--queue-arn", "my-queue",
                                      "--config", str(write_config(tmp_path, server))])
    assert result.exit_code == 2
    assert "--queue-arn 'my-queue' is not an SQS queue ARN" in result.stderr
