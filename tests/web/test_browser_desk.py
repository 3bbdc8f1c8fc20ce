"""The dashboard and the case composer in Debian's headless Chromium: charts load under the strict CSP,
a case is composed, checked and recorded, and the pages switch to Chinese; a replacement is opened from a
thread, approved and shipped.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``): skipped without it, failed under CI=true.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, ConsoleMessage, expect

from sellerdesk.config import Config, StoreConfig
from sellerdesk.services.database import Database
from sellerdesk.web.app import create_app
from sellerdesk.web.settings import WebSettings
from tests.desk_rows import add_message, add_thread
from tests.web.browser import chromium, serving
from tests.web.conftest import SECRET
from tests.web.test_browser import sign_in
from tests.web.test_replacements import CONFIG as REPLACEMENT_CONFIG
from tests.web.test_replacements import damaged_thread


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _answered_thread(db: Database) -> None:
    now = datetime.now(UTC)
    with db.transaction() as store:
        thread = add_thread(store, store.get_store("acme-us").id, "t1", now=now, assigned_to="alice")
        add_message(store, thread, at=now - timedelta(hours=30))
        add_message(store, thread, at=now - timedelta(hours=27), direction="out")


def test_dashboard_charts_and_a_composed_case(browser: Browser, sqlite_db: Database) -> None:
    _answered_thread(sqlite_db)
    config = Config(stores=(StoreConfig("acme-us", ("US",)), StoreConfig("acme-de", ("DE",))), source="test.toml")
    app = create_app(config, sqlite_db, settings=WebSettings(secret_key=SECRET, secure_cookies=False))
    problems: list[str] = []
    with serving(app) as base:
        context = browser.new_context(locale="en-US")
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":  # CSP violations and failed loads are reported here
                problems.append(message.text)

        page.on("console", on_console)
        sign_in(page, base)
        page.get_by_role("link", name="Dashboard").click()
        expect(page.get_by_role("heading", name="Contact Response Time")).to_be_visible()
        for chart in ("response-times", "daily-volume", "agent-load"):
            image = page.get_by_test_id(f"chart-{chart}")
            image.scroll_into_view_if_needed()
            expect(image).to_have_js_property("complete", True, timeout=60_000)  # drawn on demand
            assert image.evaluate("img => img.naturalWidth") > 100, f"{chart} did not render"

        page.get_by_role("link", name="Cases").click()
        page.get_by_role("link", name="New case").click()
        page.get_by_test_id("topic").select_option("lost_buy_box")
        page.get_by_role("button", name="Choose topic").click()
        page.get_by_label("Request").fill("Please review why ASIN B0C1234567 lost the Buy Box on 2026-11-18.")
        page.get_by_label("ASIN(s)").fill("B0C1234567")
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.get_by_test_id("case-subject")).to_contain_text("[Action Required] Lost Buy Box - ASIN B0C1234567")
        expect(page.get_by_test_id("missing")).to_contain_text("Estimated loss")
        page.get_by_label("Estimated loss").fill("1250.00")
        page.get_by_label("Date", exact=True).fill("2026-11-18")
        page.get_by_label("Evidence").fill("buybox-report.csv | 2026-11-18T10:00:00-08:00")
        page.get_by_label("Evidence").blur()  # a change: checked again without pressing Check
        expect(page.get_by_test_id("case-subject")).to_contain_text("estimated loss USD 1,250.00")
        expect(page.get_by_test_id("missing")).to_have_count(0)
        expect(page.get_by_test_id("timing")).to_contain_text("Seattle")
        page.get_by_role("button", name="Record the case").click()
        expect(page.get_by_test_id("case-status")).to_have_text("Open")

        page.get_by_test_id("lang-zh_Hans").click()
        expect(page.get_by_test_id("case-status")).to_have_text("未结")
        page.goto(f"{base}/dashboard")
        expect(page.get_by_role("heading", name="联系响应时间")).to_be_visible()
        context.close()
    assert problems == []


def test_a_replacement_opened_from_a_thread_is_approved_and_shipped(browser: Browser, sqlite_db: Database) -> None:
    thread_id = damaged_thread(sqlite_db)
    app = create_app(REPLACEMENT_CONFIG, sqlite_db, settings=WebSettings(secret_key=SECRET, secure_cookies=False))
    problems: list[str] = []
    with serving(app) as base:
        context = browser.new_context(locale="en-US")
        page = context.new_page()
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        sign_in(page, base)
        page.goto(f"{base}/threads/{thread_id}")
        page.get_by_role("button", name="Open a replacement").click()
        expect(page.get_by_test_id("done")).to_contain_text("Replacement case opened")
        expect(page.get_by_test_id("replacement-state")).to_have_text("requested")
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_test_id("replacement-state")).to_have_text("approved")
        page.get_by_label("Carrier", exact=True).fill("DHL")
        page.get_by_label("Tracking number").fill("JD014600006281230801")
        page.get_by_role("button", name="Ship").click()
        expect(page.get_by_test_id("replacement-state")).to_have_text("shipped")
        page.get_by_role("link", name="Replacements").first.click()
        expect(page.get_by_test_id("replacements")).to_contain_text("shipped")
        page.goto(f"{base}/threads/{thread_id}")
        page.get_by_role("button", name="Open a replacement").click()
        expect(page.get_by_test_id("done")).to_contain_text("already has a replacement case in progress")
        context.close()
    assert problems == []
