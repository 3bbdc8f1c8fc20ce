"""The dashboard on SQLite and PostgreSQL: response time, charts, workload, review ledger, store access."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.services.database import Database
from tests.desk_rows import add_message, add_thread
from tests.web.conftest import make_client, sign_in

NOW = datetime.now(UTC)


def _fill(db: Database) -> None:
    """acme-us: one answered thread (10 h), one due within 4 h, one fresh; acme-de: one overdue."""
    with db.transaction() as store:
        us, de = store.get_store("acme-us").id, store.get_store("acme-de").id
        answered = add_thread(store, us, "answered", now=NOW, state="answered", assigned_to="alice")
        add_message(store, answered, at=NOW - timedelta(hours=30))
        add_message(store, answered, at=NOW - timedelta(hours=20), direction="out")
        answered.last_outbound_at = NOW - timedelta(hours=20)
        add_message(store, add_thread(store, us, "soon", now=NOW, assigned_to="alice"), at=NOW - timedelta(hours=21))
        add_message(store, add_thread(store, us, "fresh", now=NOW, state="new"), at=NOW - timedelta(hours=1))
        add_message(store, add_thread(store, de, "late", now=NOW, marketplace="DE", assigned_to="bob"),
                    at=NOW - timedelta(hours=26))
        SpApiRecords(store).record_review(us, "114-0000000-0000001", state="requested", reason="requested", now=NOW)
        SpApiRecords(store).record_review(us, "114-0000000-0000002", state="skipped", reason="open_problem",
                                          now=NOW)


@pytest.fixture
def client(seeded: Database) -> Iterator[TestClient]:
    _fill(seeded)
    with make_client(seeded) as test_client:
        yield test_client


def _cells(html: str, section: str) -> str:
    start = html.index(f'id="{section}"')
    return re.sub(r"\s+", " ", html[start:html.index("</section>", start)])


def test_an_admin_sees_every_store_with_goals_workload_and_ledger(client: TestClient) -> None:
    sign_in(client, "alice")
    page = client.get("/dashboard?days=7")
    assert page.status_code == 200
    response = _cells(page.text, "response-time")
    assert "All stores" in response
    assert "acme-us" in response
    assert "acme-de" in response
    assert '<td class="num met">100.0 %</td>' in response  # the one answered message, within 24 hours
    work = _cells(page.text, "workload")
    assert re.search(r'<th scope="row">alice</th>.*?<td class="num soon">1</td>', work)
    assert re.search(r'<th scope="row">bob</th>.*?<td class="num miss">1</td>', work)
    assert "no_orders" in _cells(page.text, "replacement-rate")  # no order counted in 90 days
    reviews = _cells(page.text, "reviews")
    assert "open_problem" in reviews
    assert "114-0000000-0000001" in reviews


def test_charts_are_svg_images_from_their_own_route(client: TestClient) -> None:
    sign_in(client, "alice")
    page = client.get("/dashboard").text
    sources = re.findall(r'<img src="(/dashboard/charts/[^"]+)"', page)
    assert len(sources) == 3
    for source in sources:
        image = client.get(source.replace("&amp;", "&"))
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in image.content
    assert client.get("/dashboard/charts/nope.svg").status_code == 404


def test_an_agent_sees_only_its_stores(client: TestClient) -> None:
    sign_in(client, "bob")
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert 'value="acme-de" selected' in page.text
    assert "acme-us" not in page.text
    assert "alice" not in _cells(page.text, "workload")
    assert client.get("/dashboard?store=acme-us").status_code == 404
    assert client.get("/dashboard/charts/response-times.svg?store=acme-us").status_code == 404


def test_a_viewer_reads_the_dashboard(client: TestClient) -> None:
    sign_in(client, "vera")
    assert client.get("/dashboard?days=90").status_code == 200


def test_a_date_range_and_a_bad_one(client: TestClient) -> None:
    sign_in(client, "alice")
    day = NOW.date()
    ranged = client.get(f"/dashboard?start={(day - timedelta(days=3)).isoformat()}&end={day.isoformat()}").text
    assert f"{(day - timedelta(days=3)).isoformat()} 00:00" in ranged
    backwards = client.get(f"/dashboard?start={day.isoformat()}&end={(day - timedelta(days=3)).isoformat()}")
    assert "The range ends before it starts" in backwards.text
    assert "needs a start and an end date" in client.get("/dashboard?start=yesterday&end=today").text


def test_signing_in_is_needed(client: TestClient) -> None:
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/login"
