"""Contact Response Time in SQL equals :mod:`sellerdesk.core.metrics` on the same data (SQLite and PostgreSQL)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from sellerdesk.core.metrics import ResponseMetrics, ResponseRecord, contact_response_time, contact_response_time_by
from sellerdesk.core.sla import BuyerMessage, Reply, first_replies
from sellerdesk.services import workflow
from sellerdesk.services.database import Database
from sellerdesk.services.response_metrics import Scope, exclusions_by_agent, response_metrics, response_metrics_by
from tests.desk_rows import add_message, add_store, add_thread

START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 1, tzinfo=UTC)  # spans the March DST changes of the US and Europe
AGENTS = ("amy", "bo", None)


def _random_desk(db: Database, *, seed: int, threads: int = 60) -> list[ResponseRecord]:
    """Write random threads to the database and return the records core.metrics should see."""
    rng = random.Random(seed)
    records: list[ResponseRecord] = []
    with db.transaction() as store:
        shops = {name: add_store(store, name, now=START) for name in ("acme-us", "acme-de")}
        for number in range(threads):
            shop = rng.choice(sorted(shops))
            market = "US" if shop == "acme-us" else rng.choice(["DE", "FR"])
            agent = rng.choice(AGENTS)
            thread = add_thread(store, shops[shop], f"t{number}", now=START, marketplace=market, assigned_to=agent)
            base = START - timedelta(days=2) + timedelta(seconds=rng.randrange(0, 36 * 86400))
            inbound = sorted(base + timedelta(seconds=rng.randrange(0, 3 * 86400)) for _ in range(rng.randint(1, 3)))
            replies = [base + timedelta(seconds=rng.choice([0, 60, 86400, 86401, rng.randrange(0, 4 * 86400)]))
                       for _ in range(rng.randint(0, 2))]
            rows = [add_message(store, thread, at=at, key=f"in{number}.{i}") for i, at in enumerate(inbound)]
            for i, at in enumerate(replies):
                add_message(store, thread, at=at, direction="out", key=f"out{number}.{i}")
            add_message(store, thread, at=base, direction="out", key=f"queued{number}", state="queued")
            answered = first_replies([BuyerMessage(str(r.id), r.received_at) for r in rows],
                                     [Reply(at) for at in replies])
            for row in rows:
                excluded = rng.random() < 0.15
                if excluded:
                    workflow.mark_no_response_needed(store, message_id=row.id, actor="cy", reason="thanks only",
                                                     now=END)
                records.append(ResponseRecord(row.received_at, answered.get(str(row.id)), excluded=excluded,
                                              agent="cy" if excluded else agent, marketplace=market, store=shop))
    return records


def _same(sql: ResponseMetrics, core: ResponseMetrics) -> None:
    counts = ("received", "excluded", "pending", "on_time", "late", "no_response")
    assert [getattr(sql, f) for f in counts] == [getattr(core, f) for f in counts]
    for field in ("within_24h_share", "late_response_rate", "no_response_rate"):
        assert getattr(sql, field) == pytest.approx(getattr(core, field))
    for field in ("average_response", "median_response"):
        mine, theirs = getattr(sql, field), getattr(core, field)
        assert (mine is None) == (theirs is None)
        if mine is not None:
            assert abs(mine - theirs) < timedelta(milliseconds=1)


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_metrics_equal_core_metrics(db: Database, seed: int) -> None:
    records = _random_desk(db, seed=seed)
    as_of = END - timedelta(hours=30)
    with db.reading() as store:
        _same(response_metrics(store, start=START, end=END), contact_response_time(records, start=START, end=END))
        _same(response_metrics(store, start=START, end=END, as_of=as_of),
              contact_response_time(records, start=START, end=END, as_of=as_of))
        for by in ("store", "marketplace", "agent"):
            sql = response_metrics_by(store, by=by, start=START, end=END)
            core = contact_response_time_by(records, by=by, start=START, end=END)
            core = {k: v for k, v in core.items() if v.received}
            assert list(sql) == list(core)
            for name in sql:
                _same(sql[name], core[name])
        one = response_metrics(store, start=START, end=END, scope=Scope(store="acme-de", marketplace="DE"))
        chosen = [r for r in records if r.store == "acme-de" and r.marketplace == "DE"]
        _same(one, contact_response_time(chosen, start=START, end=END))
        marks = exclusions_by_agent(store, start=START, end=END)
    assert marks == {"cy": sum(1 for r in records if r.excluded and START <= r.received_at < END)}


def test_an_excluded_message_leaves_the_metric(db: Database) -> None:
    with db.transaction() as store:
        thread = add_thread(store, add_store(store, now=START), "t", now=START)
        thanks = add_message(store, thread, at=START + timedelta(hours=1), text="Thanks!")
        before = response_metrics(store, start=START, end=END)
        workflow.mark_no_response_needed(store, message_id=thanks.id, actor="amy", reason="buyer only thanked us",
                                         now=START + timedelta(hours=2))
        after = response_metrics(store, start=START, end=END)
    assert (before.no_response, before.no_response_rate) == (1, 1.0)
    assert (after.excluded, after.measured, after.no_response_rate) == (1, 0, None)


def test_an_empty_window_has_no_figures(db: Database) -> None:
    with db.reading() as store:
        empty = response_metrics(store, start=START, end=END)
    assert (empty.received, empty.within_24h_share, empty.average_response) == (0, None, None)
