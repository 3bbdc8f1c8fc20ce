"""The web app in Debian's headless Chromium: sign in, the inbox, a thread, the live check, Chinese;
the thread page's order panel, a suggested draft, "no response needed" and a holding reply sent to SMTP.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``): skipped without it, failed under CI=true.
Playwright drives the system browser; it never downloads one of its own.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from sellerdesk.services.database import Database
from sellerdesk.services.outbox import send_outbox
from sellerdesk.web.app import create_app
from sellerdesk.web.settings import WebSettings
from tests.smtp_server import SmtpSink
from tests.web.browser import chromium, serving
from tests.web.conftest import (
    BAD,
    PASSWORD,
    SECRET,
    T0,
    add_mail,
    cache_order,
    relay_mail,
    setup_store,
    shipped_order,
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def sign_in(page: Page, base: str, name: str = "alice") -> None:
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}/inbox")


def test_sign_in_inbox_thread_live_check_and_chinese(browser: Browser, sqlite_db: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    add_mail(sqlite_db, "acme-de", relay_mail(31, text="Wo ist meine Bestellung?", domain="de"), at=T0)
    app = create_app(config, sqlite_db, settings=WebSettings(secret_key=SECRET, secure_cookies=False))
    problems: list[str] = []
    with serving(app) as base:
        context = browser.new_context(locale="en-US")
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":  # a CSP violation is reported here
                problems.append(message.text)

        page.on("console", on_console)
        sign_in(page, base)
        rows = page.locator("tr.row")
        expect(rows).to_have_count(2)
        expect(page.locator(".countdown.level-late").first).to_contain_text("overdue")

        page.get_by_placeholder("Order ID, ASIN, buyer alias or words").fill("Bestellung")
        expect(rows).to_have_count(1)  # htmx swapped the rows in, no page load
        page.get_by_placeholder("Order ID, ASIN, buyer alias or words").fill("")
        expect(rows).to_have_count(2)

        page.goto(f"{base}/threads/{thread_id}")
        expect(page.locator(".message .text").first).to_have_text("Where is my kettle?")
        page.locator("#reply-text").fill(BAD)
        expect(page.locator('#findings li[data-rule="email_address"]')).to_be_visible()
        expect(page.locator("#findings mark.sev-block").first).to_have_text("jane.seller@gmail.com")

        page.get_by_test_id("lang-zh_Hans").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        expect(page.get_by_role("heading", name="回复")).to_be_visible()
        page.goto(f"{base}/inbox")
        expect(page.locator("nav a[aria-current=page]")).to_have_text("收件箱")
        context.close()
    assert problems == []


def test_thread_page_order_draft_no_response_and_holding_reply(browser: Browser, sqlite_db: Database,
                                                              sink: SmtpSink) -> None:
    config, thread_id = setup_store(sqlite_db, sink)
    cache_order(sqlite_db, "acme-us", shipped_order("114-1000030-2000030"))
    app = create_app(config, sqlite_db, settings=WebSettings(secret_key=SECRET, secure_cookies=False))
    problems: list[str] = []
    with serving(app) as base:
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        sign_in(page, base)
        page.goto(f"{base}/threads/{thread_id}")
        panel = page.get_by_test_id("order-panel")
        expect(panel).to_contain_text("Blue Kettle 1.7 l")
        expect(panel).to_contain_text("1Z999AA10123456784")

        page.get_by_test_id("get-draft").click()  # htmx puts the draft and its check in place
        expect(page.get_by_test_id("suggestion")).to_be_visible()
        expect(page.locator("#reply-text")).not_to_have_value("")
        expect(page.get_by_test_id("verdict")).to_be_visible()

        page.locator("details.no-response summary").first.click()
        page.get_by_label("Why no response is needed").fill("buyer asked the same in the other thread")
        page.get_by_role("button", name="Mark", exact=True).click()
        expect(page.get_by_test_id("no-response-mark")).to_contain_text("buyer asked the same in the other thread")

        page.locator("#reply-text").fill("Hello Jane, we are checking with UPS and will write to you again by "
                                         "tomorrow 18:00. Best regards, Acme")
        page.get_by_test_id("send-holding").click()
        expect(page.get_by_test_id("done")).to_contain_text("Holding reply queued")
        expect(page.get_by_test_id("thread-state")).to_have_text("on_hold")
        context.close()
    assert problems == []
    send_outbox(sqlite_db, config, now=datetime.now(UTC), rng=random.Random(1))
    assert [m.rcpt_tos for m in sink.accepted] == [("w000030q@marketplace.amazon.com",)]
    assert b"we are checking with UPS" in sink.accepted[0].data
