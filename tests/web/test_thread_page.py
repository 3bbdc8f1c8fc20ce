"""The thread page's panels and composer help: the order, the buyer's history, risk flags, drafts, similarity.

On SQLite and PostgreSQL, through the real storing path and the real order cache.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

from fastapi.testclient import TestClient

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.db.tables import ReplyTemplate
from sellerdesk.config import Config
from sellerdesk.services import templates
from sellerdesk.services.database import Database
from sellerdesk.services.thread_details import OrderPanel
from tests.smtp_server import SmtpSink
from tests.web.conftest import (
    GOOD,
    T0,
    add_mail,
    cache_order,
    csrf_of,
    make_client,
    relay_mail,
    setup_store,
    shipped_order,
    sign_in,
)

ORDER = "114-1000040-2000040"  # the order of relay_mail(40, ...)


def signed_in(db: Database, name: str = "alice", config: Config | None = None) -> TestClient:
    client = make_client(db, config=config)
    sign_in(client, name)
    return client


def test_the_order_panel_shows_the_cached_order_or_says_why_not(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(40, text="Where is my kettle?"), at=T0)
    other = add_mail(seeded, "acme-us", relay_mail(41, text="And this one?"), at=T0)
    with signed_in(seeded) as client:
        assert "is not loaded yet" in client.get(f"/threads/{thread_id}").text
        cache_order(seeded, "acme-us", shipped_order(ORDER))
        with seeded.transaction() as store:
            SpApiRecords(store).order_failed(store.get_store("acme-us").id, "114-1000041-2000041",
                                             error="Amazon knows no order 114-1000041-2000041", now=T0)
        page = client.get(f"/threads/{thread_id}").text
        unknown = client.get(f"/threads/{other}").text
    panel = page[page.index('data-testid="order-panel"'):page.index('data-testid="risk-panel"')]
    for shown in ("Blue Kettle 1.7 l", "B0KETTLE01", "KET-BLUE", "<td>2</td>", "shipped", "in_transit",
                  "FBA (Amazon ships)", "UPS", "1Z999AA10123456784", "2026-03-03 – 2026-03-05", "2026-02-27 09:00 UTC",
                  "59.98 USD"):
        assert shown in panel, shown
    assert "Amazon knows no order 114-1000041-2000041" in unknown


def test_order_panel_states() -> None:
    assert OrderPanel(None, None).state == "none"
    assert OrderPanel(ORDER, None).state == "not_loaded"


def test_the_buyers_history_and_risk_flags(seeded: Database) -> None:
    first = relay_mail(42, text="The kettle leaks. I want to return it and get a refund, or I file an A-to-z claim.")
    earlier = add_mail(seeded, "acme-us", first, at=T0)
    second = relay_mail(43, text="Still no answer. I will leave negative feedback and call my lawyer.")
    second = second.replace(b"w000043q@", b"w000042q@")  # the same buyer, another order
    current = add_mail(seeded, "acme-us", second, at=T0 + timedelta(hours=2))
    assert earlier != current
    with signed_in(seeded) as client:
        page = client.get(f"/threads/{current}").text
    history = page[page.index('data-testid="buyer-history"'):]
    assert f'href="/threads/{earlier}"' in history
    assert "return_refund" in history
    assert "returns or refunds: 1" in history
    assert "negative words: 1" in history
    risk = page[page.index('data-testid="risk-panel"'):page.index('data-testid="buyer-history"')]
    assert 'data-risk="negative_feedback"' in risk
    assert 'data-risk="legal"' in risk


def test_a_suggested_draft_fills_the_composer_with_its_variables(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(40, text="Can you send me the tracking number?"), at=T0)
    cache_order(seeded, "acme-us", shipped_order(ORDER))
    with signed_in(seeded) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        fragment = client.post(f"/threads/{thread_id}/draft", headers={"X-CSRF-Token": token}).text
        holding = client.post(f"/threads/{thread_id}/draft?holding=true", headers={"X-CSRF-Token": token}).text
    textarea = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', fragment, re.S)
    assert textarea is not None
    assert "1Z999AA10123456784" in html.unescape(textarea.group(1))
    assert re.search(r'name="template" value="en/[a-z_]+/\d+"', fragment)
    assert 'hx-swap-oob="true"' in fragment  # the findings of the draft come along
    assert 'data-testid="verdict"' in fragment
    assert "Holding reply" in holding


def test_viewers_and_other_stores_get_no_draft(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(40, text="Where is it?"), at=T0)
    for name, status in (("vera", 403), ("bob", 404)):
        with signed_in(seeded, name) as client:
            token = csrf_of(client, "/inbox")
            assert client.post(f"/threads/{thread_id}/draft", headers={"X-CSRF-Token": token}).status_code == status


def test_a_template_without_its_values_is_shown_unfilled(seeded: Database) -> None:
    thread_id = add_mail(seeded, "acme-us", relay_mail(40, text="Can you send me the tracking number?"), at=T0)
    with seeded.transaction() as store:
        for intent in ("tracking_request", "order_status", "not_received", "other"):
            templates.save_template(store, store_name="acme-us", name=f"t-{intent}", language="en", intent=intent,
                                    body="Your parcel travels with {carrier} as {tracking_number}.", actor="alice",
                                    now=T0)
    with signed_in(seeded) as client:  # no order in the cache: nothing can fill {carrier}
        token = csrf_of(client, f"/threads/{thread_id}")
        fragment = client.post(f"/threads/{thread_id}/draft", headers={"X-CSRF-Token": token}).text
    assert "No draft" in fragment
    assert "{carrier}" in html.unescape(fragment)


def test_sending_a_store_templates_draft_counts_its_use(seeded: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(seeded, sink)
    with seeded.transaction() as store:
        for intent in ("order_status", "not_received", "tracking_request", "other"):
            templates.save_template(store, store_name="acme-us", name=f"t-{intent}", language="en", intent=intent,
                                    body="We checked your order {order_ref} and will write again tomorrow.",
                                    actor="alice", now=T0)
    with signed_in(seeded, config=config) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        fragment = client.post(f"/threads/{thread_id}/draft", headers={"X-CSRF-Token": token}).text
        found = re.search(r'name="template" value="acme-us:(t-[a-z_]+)@1"', fragment)
        assert found is not None, fragment
        text = html.unescape(re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', fragment, re.S).group(1))
        response = client.post(f"/threads/{thread_id}/reply", follow_redirects=False, data={
            "text": text, "template": f"acme-us:{found.group(1)}@1", "template_language": "en",
            "csrf_token": token})
        assert response.status_code == 303, response.text
    with seeded.reading() as store:
        counts = {row.name: row.usage_count for row in store.session.query(ReplyTemplate)}
    assert counts[found.group(1)] == 1
    assert sum(counts.values()) == 1


def test_a_reply_like_a_recent_one_names_it_with_the_share(seeded: Database, sink: SmtpSink) -> None:
    config, thread_id = setup_store(seeded, sink)
    second = add_mail(seeded, "acme-us", relay_mail(44, text="Where is mine?"), at=T0)
    with signed_in(seeded, config=config) as client:
        token = csrf_of(client, f"/threads/{thread_id}")
        assert client.post(f"/threads/{thread_id}/reply", data={"text": GOOD, "csrf_token": token},
                           follow_redirects=False).status_code == 303
        fragment = client.post(f"/threads/{second}/check", data={"text": GOOD},
                               headers={"X-CSRF-Token": token}).text
    assert 'data-rule="near_duplicate"' in fragment
    resemblance = fragment[fragment.index('data-testid="resemblance"'):]
    assert "100 % like the reply sent" in resemblance
    assert f'href="/threads/{thread_id}#m' in resemblance
    assert "should arrive on Thursday" in resemblance
