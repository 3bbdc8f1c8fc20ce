"""The optional language-model writer, against a small OpenAI-compatible server started by the test."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from sellerdesk.adapters.llm import LlmError, LlmSettings, OpenAiChatLlm
from sellerdesk.cli import _register, cli
from sellerdesk.core.orders import OrderItem, OrderSnapshot
from sellerdesk.services.drafts import draft_message

_register()
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
ORDER = OrderSnapshot(order_id="114-1234567-7654321", marketplace="US", status="shipped", fulfillment="MFN",
                      purchase_date=T0, last_updated=T0, items=(OrderItem("B0CHAIR001", "Garden Chair", "GC", 1),),
                      carrier="UPS", tracking_number="1Z999AA10123456784", ship_date=T0 + timedelta(days=1),
                      delivery_start=T0 + timedelta(days=3), delivery_end=T0 + timedelta(days=5))


class ChatServer(ThreadingHTTPServer):
    """Answers POST /v1/chat/completions with the next scripted reply and keeps the requests."""

    replies: ClassVar[list[tuple[int, Any]]] = []
    requests: ClassVar[list[dict[str, Any]]] = []


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ChatServer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        status, reply = ChatServer.replies.pop(0)
        data = json.dumps(reply if not isinstance(reply, str) else
                          {"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ChatServer(("127.0.0.1", 0), Handler)
    ChatServer.replies.clear()
    ChatServer.requests.clear()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


GOOD = ("Hello,\n\nThanks for checking on order 114-1234567-7654321. It left our warehouse with UPS; "
        "the tracking number is 1Z999AA10123456784.\n\nBest regards,\nAcme")


def test_the_model_writes_from_the_grounding_and_its_text_is_checked(server: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_LLM_KEY", "sk-local")
    ChatServer.replies.append((200, GOOD))
    writer = OpenAiChatLlm(LlmSettings(base_url=server, model="tiny", api_key_env="TEST_LLM_KEY"))
    try:
        result = draft_message("Can you send me the tracking number?", marketplace="US", order=ORDER,
                               store_name="Acme", writer=writer)
    finally:
        writer.close()
    assert result.draft.text == GOOD
    assert result.draft.template == "llm"
    assert result.draft.check.verdict == "pass"
    assert result.draft.facts == ("tracking_number", "carrier")
    sent = ChatServer.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer sk-local"
    assert sent["body"]["model"] == "tiny"
    prompt = sent["body"]["messages"][1]["content"]
    assert "1Z999AA10123456784" in prompt
    assert "Can you send me the tracking number?" in prompt
    assert "Never ask for a review" in sent["body"]["messages"][0]["content"]


def test_a_model_draft_that_breaks_the_rules_falls_back_to_the_template(server: str) -> None:
    ChatServer.replies.append((200, "Here you go! Leave us 5 stars and get a $10 gift card: shop@acme.com"))
    writer = OpenAiChatLlm(LlmSettings(base_url=server, model="tiny"))
    try:
        result = draft_message("Tracking number please?", marketplace="US", order=ORDER, writer=writer)
    finally:
        writer.close()
    assert result.draft.template.startswith("en/tracking_request/")
    assert result.note is not None
    assert "email_address" in result.note
    assert result.draft.check.verdict == "pass"


@pytest.mark.parametrize(("status", "reply", "message"), [
    (500, {"error": "boom"}, "answered 500"),
    (200, {"choices": []}, "not an OpenAI chat completion"),
    (200, "   ", "no text"),
])
def test_endpoint_failures_are_llm_errors_and_the_cli_falls_back(server: str, status: int, reply: Any,
                                                                message: str) -> None:
    ChatServer.replies.append((status, reply))
    writer = OpenAiChatLlm(LlmSettings(base_url=server, model="tiny"))
    try:
        with pytest.raises(LlmError, match=message):
            writer([{"role": "user", "content": "hi"}])
    finally:
        writer.close()
    ChatServer.replies.append((status, reply))
    line = {"id": 1, "text": "Where is my order?", "marketplace": "US"}
    result = CliRunner().invoke(cli, ["draft", "--llm-url", server, "--llm-model", "tiny", "-"],
                                input=json.dumps(line) + "\n")
    out = json.loads(result.output)
    assert result.exit_code == 0
    assert message in out["note"]
    assert out["template"].startswith("en/order_status/")


def test_an_unreachable_endpoint_and_a_missing_key_are_named() -> None:
    writer = OpenAiChatLlm(LlmSettings(base_url="http://127.0.0.1:9/v1", model="tiny", timeout=2))
    try:
        with pytest.raises(LlmError, match="cannot reach"):
            writer([{"role": "user", "content": "hi"}])
    finally:
        writer.close()
    with pytest.raises(LlmError, match="NO_SUCH_KEY_VAR"):
        OpenAiChatLlm(LlmSettings(base_url="http://127.0.0.1:9/v1", model="tiny", api_key_env="NO_SUCH_KEY_VAR"))
