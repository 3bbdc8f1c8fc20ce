"""Templates, knowledge base and suspicious-contact holds on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sellerdesk.adapters.db.tables import CachedOrder, TemplateVersion
from sellerdesk.core.drafting import DraftRequest, compose
from sellerdesk.core.knowledge import KnowledgeEntry
from sellerdesk.errors import InputError, NotFoundError, TemplateError
from sellerdesk.services import drafts, knowledge, suspicion, templates
from sellerdesk.services.database import Database
from tests.desk_rows import add_message, add_store, add_thread

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
OWN = "Thanks for asking about {order_ref}. {order_facts} Our team in Leeds checks every parcel by hand."


def test_templates_keep_versions_usage_and_last_edit(db: Database) -> None:
    with db.transaction() as store:
        first = templates.save_template(store, store_name="acme-us", name="where", language="en",
                                        intent="order_status", body=OWN, actor="amy", now=T0)
        second = templates.save_template(store, store_name="acme-us", name="where", language="en",
                                         intent="order_status", body=OWN.replace("Leeds", "York"), actor="bo",
                                         now=T0 + timedelta(days=200))
        templates.record_use(store, store_name="acme-us", name="where", language="en", now=T0)
        with pytest.raises(NotFoundError, match="templates list"):
            templates.record_use(store, store_name="acme-us", name="nope", language="en", now=T0)
        versions = list(store.session.scalars(select(TemplateVersion).order_by(TemplateVersion.version)))
    assert (first["version"], first["saved"], second["version"]) == (1, True, 2)
    assert [(v.version, v.edited_by, v.verdict) for v in versions] == [(1, "amy", "pass"), (2, "bo", "pass")]
    with db.reading() as store:
        rows = templates.list_templates(store, store_name="acme-us", now=T0 + timedelta(days=200))
        later = templates.list_templates(store, store_name="acme-us", now=T0 + timedelta(days=400))
    assert [(r["version"], r["usage_count"], r["stale"]) for r in rows] == [(2, 1, False)]
    assert later[0]["stale"] is True
    assert "York" in later[0]["body"]


def test_a_template_that_breaks_the_rules_is_not_saved(db: Database) -> None:
    with db.transaction() as store:
        result = templates.save_template(
            store, store_name="acme-us", name="promo", language="en", intent="other", actor="amy", now=T0,
            body="Leave us a 5-star review and get 20% off your next order!")
        assert result["saved"] is False
        assert result["version"] is None
        assert {"review_incentive", "marketing"} <= {f["rule"] for f in result["check"]["findings"]}
        assert templates.list_templates(store, store_name="acme-us", now=T0) == []
        with pytest.raises(TemplateError, match="unknown variable"):
            templates.save_template(store, store_name="acme-us", name="x", language="en", intent="other",
                                    body="Hi {customer}", actor="amy", now=T0)
        with pytest.raises(InputError, match="unknown intent"):
            templates.save_template(store, store_name="acme-us", name="x", language="en", intent="where",
                                    body="Hi", actor="amy", now=T0)


def test_a_stores_own_template_replaces_the_starter_bodies_of_its_intent(db: Database) -> None:
    with db.transaction() as store:
        templates.save_template(store, store_name="acme-us", name="where", language="en", intent="order_status",
                                body=OWN, actor="amy", now=T0)
    with db.reading() as store:
        library = templates.store_library(store, store_name="acme-us")
        other = templates.store_library(store, store_name="nobody")
    draft = compose(DraftRequest(intent="order_status", language="en", marketplace="US"), library)
    assert "Leeds" in draft.text
    assert draft.template == "acme-us:where@1"
    assert "Leeds" not in compose(DraftRequest(intent="order_status", language="en"), other).text
    assert "Leeds" not in compose(DraftRequest(intent="exchange", language="en"), library).text


def test_knowledge_is_imported_per_store_and_replaced_on_reimport(db: Database) -> None:
    yaml_text = "- asin: B0CHAIR001\n  sizes: Runs small, take one size up.\n  care: [Wipe clean, Keep dry]\n"
    csv_text = "asin,care,language\nB0CHAIR001,Oil once a year.,en\nB0LAMP0001,Dust with a dry cloth.,\n"
    with db.transaction() as store:
        first = knowledge.import_file(store, store_name="acme-us", text=yaml_text, source="kb.yaml", now=T0)
        second = knowledge.import_file(store, store_name="acme-us", text=csv_text, source="kb.csv", now=T0)
        knowledge.import_file(store, store_name="acme-de", text=yaml_text, source="kb.yml", now=T0)
    assert first == {"added": 1, "updated": 0}
    assert second == {"added": 1, "updated": 1}
    with db.reading() as store:
        entries = knowledge.knowledge_of(store, store_name="acme-us")
        assert knowledge.knowledge_of(store, store_name="nobody") == {}
    assert entries["B0CHAIR001"] == KnowledgeEntry("B0CHAIR001", language="en", care="Oil once a year.")
    assert entries["B0LAMP0001"].care == "Dust with a dry cloth."
    assert entries["B0LAMP0001"].language is None


def test_a_suspicious_thread_goes_on_hold_with_reasons_and_checklist(db: Database) -> None:
    with db.transaction() as store:
        store_id = add_store(store, now=T0)
        calm = add_thread(store, store_id, "calm", now=T0, state="new")
        add_message(store, calm, at=T0, text="Where is my order?")
        odd = add_thread(store, store_id, "odd", now=T0, state="new")
        for minutes in (0, 10, 20):
            add_message(store, odd, at=T0 + timedelta(minutes=minutes), text="hello?")
        add_message(store, odd, at=T0 + timedelta(minutes=30),
                    text="Send me your bank details, I pay by bank transfer to avoid Amazon fees.")
        assert not suspicion.hold_if_suspicious(store, thread_id=calm.id, now=T0).hold
        found = suspicion.hold_if_suspicious(store, thread_id=odd.id, now=T0 + timedelta(hours=1))
        again = suspicion.hold_if_suspicious(store, thread_id=odd.id, now=T0 + timedelta(hours=2))
        states = (store.get_thread(calm.id).state, store.get_thread(odd.id).state)
        audits = store.audit_entries(action="thread.suspicious")
    assert {s.name for s in found.signals} == {"personal_data", "payment_outside_amazon", "message_burst"}
    assert again.hold
    assert states == ("new", "on_hold")
    assert len(audits) == 2
    assert audits[0].detail["checklist"][0].startswith("Verify the buyer")


def test_a_stored_thread_is_drafted_with_the_cached_order_knowledge_and_history(db: Database) -> None:
    order = {"order_id": "114-1234567-7654321", "marketplace": "US", "status": "shipped", "fulfillment": "MFN",
             "purchase_date": "2026-11-16T09:00:00+00:00", "last_updated": "2026-11-17T09:00:00+00:00",
             "items": [{"asin": "B0CHAIR001", "title": "Garden Chair, grey", "sku": "GC", "quantity": 1}],
             "carrier": "UPS", "tracking_number": "1Z999AA10123456784", "ship_date": "2026-11-17T09:00:00+00:00",
             "delivery_window": None}
    with db.transaction() as store:
        store_id = add_store(store, now=T0)
        thread = add_thread(store, store_id, "t1", now=T0, state="open")
        message = add_message(store, thread, at=T0, text="Hi, how do I tighten the armrests? They wobble.")
        message.order_id = order["order_id"]
        store.session.add(CachedOrder(store_id=store_id, order_id=order["order_id"], marketplace="US",
                                      status="shipped", data=order, amazon_updated_at=T0, fetched_at=T0))
        knowledge.import_file(store, store_name="acme-us", source="kb.yaml", now=T0,
                              text="- asin: B0CHAIR001\n  setup: Tighten the two hex bolts under each armrest.\n")
        held = add_thread(store, store_id, "t2", now=T0, state="on_hold")
        add_message(store, held, at=T0, text="Where is my order?")
        empty = add_thread(store, store_id, "t3", now=T0)
    with db.reading() as store:
        result = drafts.draft_for_thread(store, thread_id=thread.id, now=T0 + timedelta(hours=1))
        holding = drafts.draft_for_thread(store, thread_id=held.id, now=T0 + timedelta(hours=1))
        with pytest.raises(NotFoundError, match="no buyer message"):
            drafts.draft_for_thread(store, thread_id=empty.id, now=T0)
    assert result.intent.intent == "usage_help"
    assert "Tighten the two hex bolts" in result.draft.text
    assert "Garden Chair" in result.draft.text
    assert result.draft.check.verdict == "pass"
    assert holding.draft.holding is True
