"""The thread page and the original mail: everything a buyer wrote is shown as text, never as HTML."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.adapters.db.tables import Buyer, Message, MessageExclusion, Thread
from sellerdesk.core.priority import Risk
from sellerdesk.core.suspicion import Signal, Suspicion
from sellerdesk.services.database import Database
from sellerdesk.services.inbox_view import MessageView, ThreadView
from sellerdesk.services.thread_details import OrderPanel, PastThread, ThreadDetails
from sellerdesk.web.app import file_size, make_templates
from sellerdesk.web.context import SignedIn
from sellerdesk.web.inbox import Clock
from sellerdesk.web.thread_page import COMPOSER_DEFAULTS
from tests.web.conftest import T0, add_mail, relay_mail, sign_in

# Classic payloads from public XSS cheat sheets: tags, attributes, URLs, encodings, template syntax.
XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "\"><script>alert(document.cookie)</script>",
    "'><img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<details open ontoggle=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<div hx-get=\"/logout\" hx-trigger=\"load\">x</div>",
    "{{ 7*7 }} {% raw %}",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
)


def test_buyer_text_name_and_files_are_escaped_everywhere(client: TestClient, sqlite_db: Database) -> None:
    payload = "\n".join(XSS_PAYLOADS)
    thread_id = add_mail(sqlite_db, "acme-us", relay_mail(
        7, text=f"Hello\n{payload}", buyer_name="Eve <img src=x onerror=alert(1)>",
        attachment=("<svg onload=alert(1)>.pdf", b"%PDF-1.4")), at=T0)
    sign_in(client, "alice")
    with sqlite_db.reading() as store:
        message_id = store.thread_messages(thread_id)[0].id
    pages = [client.get(path).text for path in
             ("/inbox", f"/threads/{thread_id}", f"/messages/{message_id}/original", "/inbox?q=<script>")]
    for page in pages:
        for dangerous in ("<script>alert", "<img src=x", "<svg", "<iframe", "<body onload", "<details open",
                          "hx-trigger=\"load\"", "<object data", "<meta http-equiv", "<style>@import"):
            assert dangerous not in page
    thread_page = pages[1]
    assert html.escape("<script>alert(1)</script>") in thread_page
    assert "{{ 7*7 }}" in thread_page  # shown as typed, not evaluated as a template
    assert html.escape("<svg onload=alert(1)>.pdf") in thread_page
    assert html.escape("<script>alert(1)</script>") in pages[2]


def test_the_thread_shows_messages_in_order_with_attachments(client: TestClient, sqlite_db: Database) -> None:
    first = relay_mail(20, text="First question", attachment=("photo.jpg", b"\xff\xd8" * 700))
    thread_id = add_mail(sqlite_db, "acme-us", first, at=T0)
    with sqlite_db.reading() as store:
        order_id = store.get_thread(thread_id).order_id
    second = relay_mail(21, text="Second question", subject=f"Inquiry from Amazon customer Jane (Order: {order_id})")
    second = second.replace(b"w000021q@", b"w000020q@").replace(b"114-1000021-2000021", order_id.encode())
    assert add_mail(sqlite_db, "acme-us", second, at=T0 + timedelta(hours=1)) == thread_id
    sign_in(client, "alice")
    page = client.get(f"/threads/{thread_id}").text
    assert page.index("First question") < page.index("Second question")
    assert "photo.jpg" in page
    assert "1.4 KB" in page
    assert order_id in page
    assert "B000000020" in page  # the ASIN the messages name, though the thread is keyed by order
    assert "commMgrTok" not in page  # Amazon's wrapping is folded away...
    with sqlite_db.reading() as store:
        message_id = store.thread_messages(thread_id)[0].id
    assert "commMgrTok" in client.get(f"/messages/{message_id}/original").text  # ...and there on demand


def test_unknown_threads_and_messages_are_not_found(client: TestClient) -> None:
    sign_in(client, "alice")
    assert client.get("/threads/999").status_code == 404
    assert client.get("/messages/999/original").status_code == 404


def _view(text: str, name: str) -> ThreadView:
    thread = Thread(id=1, store_id=1, thread_key="k", order_id="114-1234567-1234567", state="open", subject=name)
    message = Message(id=1, store_id=1, thread_id=1, direction="in", kind="buyer_message", text=text,
                      buyer_name=name, received_at=T0, raw_mail_id=1, state="stored")
    buyer = Buyer(id=1, store_id=1, alias="a@marketplace.amazon.com", name=name)
    return ThreadView(thread=thread, store="acme-us", buyer=buyer, messages=[MessageView(message)],
                      due_at=T0 + timedelta(hours=24))


AGENT = SignedIn(id=1, name="amy", role="agent", ui_language="en", store_ids=[1])
_TEMPLATE = make_templates().env.get_template("thread.html")


def _details(text: str, name: str) -> ThreadDetails:
    """Panels that show buyer-supplied words too: an earlier subject, a signal's excerpt, a mark's reason."""
    past = PastThread(thread_id=2, subject=name, order_id=None, state="closed", last_at=T0, intents=("other",),
                      risks=("legal",))
    mark = MessageExclusion(message_id=1, actor="amy", reason=text, at=T0)
    return ThreadDetails(order=OrderPanel(None, None), history=(past,),
                         suspicion=Suspicion((Signal("buyer_link", "a link", text),), ("check",)),
                         risk=Risk(4, ("legal",)), marks={1: mark}, agents=("amy",), moves=("on_hold", "closed"),
                         last_message_id=1)


def _render(text: str, name: str) -> str:
    return _TEMPLATE.render(
        view=_view(text, name), details=_details(text, name),
        clock=Clock(datetime(2026, 3, 2, 10, tzinfo=UTC), ("h", "m", "s")),
        _=lambda s: s, ngettext=lambda s, p, n: s if n == 1 else p, lang="en", html_lang="en",
        languages={"en": "English"}, user=AGENT, csrf_token="t", path="/threads/1", done=None, problem=None,
        composer={**COMPOSER_DEFAULTS, "draft": text, "seen": 1})


@settings(max_examples=150, deadline=None)
@given(text=st.text(), name=st.text(max_size=40))
def test_no_buyer_text_adds_markup(text: str, name: str) -> None:
    page = _render(text, name)
    baseline = _render("plain" if text else "", "plain" if name else "")  # same branches taken
    for character in "<>\"'":
        assert page.count(character) == baseline.count(character)


def test_file_sizes_read_well() -> None:
    assert [file_size(n) for n in (0, 1023, 1400, 5 * 1024 * 1024)] == ["0 B", "1023 B", "1.4 KB", "5.0 MB"]
