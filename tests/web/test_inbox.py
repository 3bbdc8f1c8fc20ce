"""The inbox: store access, soonest-due first, filters, search, pages; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial

from fastapi.testclient import TestClient

from sellerdesk.services.database import Database
from sellerdesk.services.inbox_view import InboxFilter, list_inbox
from sellerdesk.services.workflow import set_state
from sellerdesk.web.inbox import Clock
from tests.web.conftest import T0, add_mail, make_client, relay_mail, sign_in

ROW = re.compile(r'data-href="/threads/(\d+)"')


def thread_ids(html: str) -> list[int]:
    return [int(n) for n in ROW.findall(html)]


def fill(db: Database) -> dict[str, int]:
    """Four threads: three in acme-us received (Date header and arrival) at different times, one in acme-de."""
    late, new, mid, de = T0, T0 + timedelta(hours=5), T0 + timedelta(hours=2), T0 + timedelta(hours=1)
    return {
        "late": add_mail(db, "acme-us", relay_mail(1, text="Where is my parcel? It is late.", date=late), at=late),
        "new": add_mail(db, "acme-us", relay_mail(2, text="Is this kettle waterproof?", date=new), at=new),
        "mid": add_mail(db, "acme-us", relay_mail(3, text="Please send an invoice", buyer_name="Zoe", date=mid),
                        at=mid),
        "de": add_mail(db, "acme-de", relay_mail(4, text="Wo ist meine Bestellung?", domain="de",
                                                 buyer_name="Jonas", date=de), at=de),
    }


def test_the_clock_starts_at_the_date_header_when_the_mail_arrived_later(seeded: Database) -> None:
    slow = add_mail(seeded, "acme-us", relay_mail(5, text="Hello?", date=T0), at=T0 + timedelta(hours=3))
    fast = add_mail(seeded, "acme-us", relay_mail(6, text="Hi", date=T0 + timedelta(hours=1)),
                    at=T0 + timedelta(hours=1))
    with seeded.reading() as store:
        page = list_inbox(store, store_ids=[1], filters=InboxFilter())
    assert [r.thread_id for r in page.rows] == [slow, fast]
    assert page.rows[0].due_at == T0 + timedelta(hours=24)


def test_the_soonest_due_thread_comes_first_and_stores_are_kept_apart(seeded: Database) -> None:
    ids = fill(seeded)
    with make_client(seeded) as client:
        sign_in(client, "alice")
        assert thread_ids(client.get("/inbox").text) == [ids["late"], ids["de"], ids["mid"], ids["new"]]
    with make_client(seeded) as client:
        sign_in(client, "bob")  # an agent of acme-de only
        assert thread_ids(client.get("/inbox").text) == [ids["de"]]
        assert client.get(f"/threads/{ids['late']}").status_code == 404
        assert client.get(f"/threads/{ids['de']}").status_code == 200


def test_filters_and_search(seeded: Database) -> None:
    ids = fill(seeded)
    with make_client(seeded) as client:
        sign_in(client, "alice")

        def found(**params: str) -> list[int]:
            return thread_ids(client.get("/inbox", params=params).text)

        assert found(store="acme-de") == [ids["de"]]
        assert found(marketplace="DE") == [ids["de"]]
        assert found(language="de") == [ids["de"]]
        assert found(state="closed") == []
        assert found(q="114-1000003-2000003") == [ids["mid"]]
        assert found(q="B000000002") == [ids["new"]]
        assert found(q="w000004q@marketplace") == [ids["de"]]
        assert found(q="WATERPROOF kettle") == [ids["new"]]
        assert found(q="zoe") == [ids["mid"]]
        assert found(q="100%_") == []


def test_every_state_is_offered_and_on_hold_filters_by_the_latest_reason(seeded: Database) -> None:
    ids = fill(seeded)
    with seeded.transaction() as store:
        hold = partial(set_state, store, actor="alice", now=T0 + timedelta(hours=6))
        hold(thread_id=ids["late"], state="on_hold", reason="escalated")
        hold(thread_id=ids["mid"], state="on_hold", reason="escalated")
        hold(thread_id=ids["mid"], state="open")
        hold(thread_id=ids["mid"], state="on_hold", reason="suspicious")
        hold(thread_id=ids["new"], state="waiting_on_buyer")
    with make_client(seeded) as client:
        sign_in(client, "alice")
        page = client.get("/inbox").text

        def found(state: str) -> list[int]:
            return sorted(thread_ids(client.get("/inbox", params={"state": state}).text))

        assert found("on_hold") == sorted([ids["late"], ids["mid"]])
        assert found("on_hold:escalated") == [ids["late"]]
        assert found("on_hold:suspicious") == [ids["mid"]]
        assert found("on_hold:waiting_for_information") == []
        assert found("waiting_on_buyer") == [ids["new"]]
        assert found("open") == [ids["de"]]
    for value in ("new", "open", "waiting_on_buyer", "on_hold", "on_hold:suspicious",
                  "on_hold:waiting_for_information", "on_hold:escalated", "answered", "closed"):
        assert f'<option value="{value}"' in page


def test_an_answered_thread_has_no_deadline_and_goes_last(seeded: Database) -> None:
    ids = fill(seeded)
    with seeded.transaction() as store:
        thread = store.get_thread(ids["late"])
        thread.state = "answered"
        thread.last_outbound_at = T0 + timedelta(hours=6)
    with seeded.reading() as store:
        page = list_inbox(store, store_ids=[1, 2], filters=InboxFilter())
    assert [r.thread_id for r in page.rows][-1] == ids["late"]
    assert page.rows[-1].due_at is None
    assert page.rows[0].due_at == T0 + timedelta(hours=25)


def test_pages(sqlite_db: Database) -> None:
    for n in range(5):
        add_mail(sqlite_db, "acme-us", relay_mail(10 + n, text=f"question {n}"), at=T0 + timedelta(minutes=n))
    with make_client(sqlite_db, page_size=2) as client:
        sign_in(client, "alice")
        first, second, third = (client.get("/inbox", params={"page": p}).text for p in (1, 2, 3))
    assert len(thread_ids(first)) == len(thread_ids(second)) == 2
    assert len(thread_ids(third)) == 1
    assert "page=3" in second
    assert "page=4" not in third
    assert set(thread_ids(first)).isdisjoint(thread_ids(second))


def test_htmx_gets_only_the_rows(client: TestClient, sqlite_db: Database) -> None:
    add_mail(sqlite_db, "acme-us", relay_mail(1, text="hello"), at=T0)
    sign_in(client, "alice")
    partial = client.get("/inbox", headers={"HX-Request": "true", "HX-Target": "inbox-rows"}).text
    assert partial.lstrip().startswith("<table")
    assert "<html" not in partial


def test_the_countdown_colours_follow_the_time_left() -> None:
    clock = Clock(T0, ("h", "m", "s"))
    assert clock.level(None) == "none"
    assert clock.level(T0 + timedelta(hours=7)) == "ok"
    assert clock.level(T0 + timedelta(hours=5)) == "soon"
    assert clock.level(T0 + timedelta(minutes=90)) == "urgent"
    assert clock.level(T0) == "late"
    assert clock.left(T0 + timedelta(hours=5, minutes=3)) == "5h 03m"
    assert clock.left(T0 + timedelta(minutes=12, seconds=5)) == "12m 05s"
    assert clock.left(T0 - timedelta(hours=1)) == "1h 00m"
