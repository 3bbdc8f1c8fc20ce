"""Take the README's screenshots: the demo inbox, a thread with its order and the live check, the dashboard, a
case being composed, the replacements list, the inbox in Chinese.

Run from the repository root: ``.venv/bin/python -m tools.screenshots [NAME.png ...]`` (needs Debian's
chromium, and a Chinese font such as Debian's ``fonts-noto-cjk`` or the Chinese page shows empty boxes); with
names, only those files are written.
It writes a demo database in a temporary folder, loads the demo orders from the SP-API emulator (as
``sellerdesk run`` does), serves the web app on a free loopback port
and saves PNGs to ``docs/screenshots/``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect, sync_playwright
from tests.web.browser import CHROMIUM_FLAGS, free_port, serving

from sellerdesk.adapters.spapi.connect import connect, is_configured
from sellerdesk.adapters.spapi.emulator.server import EmulatorServer, emulator_state
from sellerdesk.config import Config, load_config
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.services.database import Database, open_database
from sellerdesk.services.demo import write_demo
from sellerdesk.services.orders import sync_stores
from sellerdesk.web.app import create_app
from sellerdesk.web.settings import WebSettings, random_secret

OUT = Path("docs/screenshots")
SHOTS = ("inbox.png", "thread.png", "dashboard.png", "case.png", "replacements.png", "inbox-zh.png")
VIEWPORT: ViewportSize = {"width": 1366, "height": 860}
DRAFT = ("Hello, thank you for your message. Your parcel left our warehouse yesterday. If you are happy with it, "
         "please leave us a 5-star review and we will send you a $10 gift card! Questions? Write to "
         "help@acme-shop.example.")


def sign_in(page: Page, base: str) -> None:
    """Sign in as the demo user."""
    page.goto(f"{base}/login")
    page.fill("input[name=name]", "demo")
    page.fill("input[name=password]", "demo")
    page.click("button.primary")
    page.wait_for_url(f"{base}/inbox")


def compose_case(page: Page, base: str) -> None:
    """Fill the case composer for an FBA reimbursement, leaving the unit count out, and check it."""
    page.goto(f"{base}/cases/new?topic=fba_reimbursement")
    page.fill("input[name=request]", "Please reimburse the units of ASIN B0C1234567 lost at the fulfillment center.")
    page.fill("input[name=shipment_ids]", "FBA15ABCDE12")
    page.fill("input[name=asins]", "B0C1234567")
    page.fill("input[name=date]", "2026-11-10")
    page.fill("input[name=estimated_loss_amount]", "412.80")
    page.fill("textarea[name=evidence]", "inventory-ledger.csv | 2026-11-18T09:30:00-08:00\nshipment-receipt.pdf")
    page.click("button[value=check]")
    page.wait_for_selector("#composed")


def load_orders(db: Database, config: Config, *, port: int) -> None:
    """Fill the order cache from the demo's SP-API emulator on *port*, as ``sellerdesk run``'s order sync does."""
    with EmulatorServer(emulator_state(seed="demo", marketplaces=tuple(MARKETPLACES)), host="127.0.0.1", port=port):
        sync_stores(db, [s for s in config.stores if is_configured(s)], client_factory=connect, now=datetime.now(UTC))


def open_thread_with_order(page: Page) -> None:
    """Open the first thread of the inbox whose order the cache has."""
    for row in range(12):
        page.locator("tr.row a").nth(row).click()
        if page.get_by_test_id("order-status").count():
            return
        page.go_back()
    raise RuntimeError("no thread of the demo inbox shows its order; is the emulator seeded with the demo orders?")


def open_replacements(page: Page, base: str) -> None:
    """Open a replacement from a demo thread about a damaged item, approve it, and show the cases list."""
    page.goto(f"{base}/inbox?intent=damaged_defective")
    page.locator("tr.row a").first.click()
    page.click("[data-testid=replacement-action] button")
    page.click("button[data-step=approved]")
    page.goto(f"{base}/replacements")


def main(argv: list[str]) -> int:
    """Build the demo, snap the pages (all, or those named in *argv*), print where the files went."""
    names = argv or list(SHOTS)
    unknown = sorted(set(names) - set(SHOTS))
    if unknown:
        print(f"unknown screenshot(s) {', '.join(unknown)}; choose from {', '.join(SHOTS)}", file=sys.stderr)
        return 2

    def snap(page: Page, name: str, *, full_page: bool = False) -> None:
        if name in names:
            page.screenshot(path=OUT / name, full_page=full_page)

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'demo.db'}"
        config_path = Path(folder) / "demo.toml"
        port = free_port()
        write_demo(database_url=url, config_path=config_path, now=datetime.now(UTC), threads=60,
                   spapi_endpoint=f"http://127.0.0.1:{port}")
        config = load_config(config_path, env={})
        with open_database(url) as db, sync_playwright() as playwright:
            load_orders(db, config, port=port)
            app = create_app(config, db, settings=WebSettings(secret_key=random_secret(), allow_demo_login=True,
                                                              secure_cookies=False))
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            with serving(app) as base:
                page = browser.new_page(viewport=VIEWPORT, locale="en-US")
                sign_in(page, base)
                snap(page, "inbox.png")
                open_thread_with_order(page)
                page.get_by_test_id("get-draft").click()
                page.wait_for_selector("[data-testid=suggestion]")
                page.fill("#reply-text", DRAFT)
                page.wait_for_selector("#findings li")
                snap(page, "thread.png", full_page=True)
                page.goto(f"{base}/dashboard?days=30")
                for image in page.locator("main img").all():  # lazily loaded: bring each into view
                    image.scroll_into_view_if_needed()
                    expect(image).to_have_js_property("complete", True, timeout=60_000)
                snap(page, "dashboard.png", full_page=True)
                compose_case(page, base)
                snap(page, "case.png", full_page=True)
                open_replacements(page, base)
                snap(page, "replacements.png", full_page=True)
                page.click("[data-testid=lang-zh_Hans]")
                page.goto(f"{base}/inbox")
                snap(page, "inbox-zh.png")
            browser.close()
    for name in names:
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
