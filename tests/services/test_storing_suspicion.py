"""A suspicious buyer message is put on hold as it is stored, with the reasons in the audit log."""

from __future__ import annotations

from datetime import UTC, datetime

from sellerdesk.samples.relay import render_buyer_message
from sellerdesk.services.database import Database
from sellerdesk.services.storing import store_mail

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def buyer_mail(text: str, *, number: int) -> bytes:
    return render_buyer_message(
        marketplace="US", buyer_name="Sam Doe", alias=f"buyer{number}@marketplace.amazon.com",
        order_id=f"114-0000000-000000{number}", asins=("B0C7K2M4Q1",), titles=("Trail Backpack",), text=text,
        date=NOW, message_id=f"m{number}@marketplace.amazon.com", comm_mgr_tok=f"tok-{number}")


def test_a_phishing_message_puts_its_thread_on_hold_and_a_plain_one_does_not(db: Database) -> None:
    phishing = ("Your account will be suspended. Send me your Seller Central password and the code we texted you, "
                "or pay the fee by Western Union today, otherwise I leave a 1-star review.")
    with db.transaction() as store:
        held = store_mail(store, store_name="acme-us", raw=buyer_mail(phishing, number=1), now=NOW,
                          attachment_max_bytes=1000)
        plain = store_mail(store, store_name="acme-us", raw=buyer_mail("When will my backpack arrive?", number=2),
                           now=NOW, attachment_max_bytes=1000)
    with db.reading() as store:
        assert held.thread_id is not None
        assert plain.thread_id is not None
        assert store.get_thread(held.thread_id).state == "on_hold"
        assert store.get_thread(plain.thread_id).state == "open"
        entries = store.audit_entries(action="thread.suspicious")
    assert [entry.thread_id for entry in entries] == [held.thread_id]
    assert entries[0].detail["signals"]
