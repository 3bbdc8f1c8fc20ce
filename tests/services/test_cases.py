"""The case tracker on SQLite and PostgreSQL: duplicate warnings, case chains, statuses, follow-ups, summaries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sellerdesk.config import Config
from sellerdesk.errors import ConfigError, InputError, NotFoundError
from sellerdesk.services import cases
from sellerdesk.services.database import Database

T0 = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
CONFIG = Config()


def reimbursement(asin: str = "B0C1234567", shipment: str = "FBA15ABCDE12") -> dict[str, Any]:
    return {"request": f"Please reimburse the 12 units of ASIN {asin} lost at the fulfillment center.",
            "shipment_ids": [shipment], "asins": [asin], "units": 12, "date": "2026-11-10",
            "estimated_loss": {"amount": "412.80", "currency": "USD"},
            "evidence": [{"file": "ledger.csv", "taken_at": "2026-11-18T09:30:00-08:00"}]}


def open_one(store: Any, form: dict[str, Any], *, case_id: str | None, topic: str = "fba_reimbursement",
             at: datetime = T0) -> dict[str, Any]:
    return cases.open_case(store, config=CONFIG, topic=topic, form=form, now=at, actor="amy",
                           amazon_case_id=case_id, store_name="acme-us")


def test_a_second_open_case_on_the_same_topic_and_asin_is_warned_about(db: Database) -> None:
    with db.transaction() as store:
        first = open_one(store, reimbursement(), case_id="17011")
        assert first["duplicates"] == []
    with db.transaction() as store:
        again = cases.compose(store, config=CONFIG, topic="fba_reimbursement", form=reimbursement(shipment="FBA15ZZZ"),
                              now=T0, store_name="acme-us")
        other_asin = cases.compose(store, config=CONFIG, topic="fba_reimbursement",
                                   form=reimbursement("B0D7654321", "FBA15YYYYYYY"), now=T0, store_name="acme-us")
        other_topic = cases.compose(store, config=CONFIG, topic="lost_buy_box",
                                    form={"request": "Why did ASIN B0C1234567 lose the Buy Box?",
                                          "asins": ["B0C1234567"]}, now=T0, store_name="acme-us")
    assert [d["case_id"] for d in again["duplicates"]] == ["17011"]
    assert "17011" in again["duplicate_warning"]
    assert other_asin["duplicates"] == []
    assert "duplicate_warning" not in other_asin
    assert other_topic["duplicates"] == []
    with db.transaction() as store:
        cases.set_status(store, case="17011", status="resolved", now=T0, actor="amy", note="Reimbursed 12 units.")
        after = cases.compose(store, config=CONFIG, topic="fba_reimbursement", form=reimbursement(), now=T0)
    assert after["duplicates"] == []  # a resolved case is no longer a duplicate


def test_a_case_that_moves_between_teams_forms_a_chain_and_a_summary(db: Database) -> None:
    with db.transaction() as store:
        open_one(store, reimbursement(), case_id="17011")
        open_one(store, reimbursement(), case_id="17022", at=T0 + timedelta(days=1))
        open_one(store, reimbursement(), case_id="17033", at=T0 + timedelta(days=3))
    with db.transaction() as store:
        cases.link(store, from_case="17011", to_case="17022", reason="sent to the FBA reimbursements team",
                   now=T0 + timedelta(days=1), actor="amy")
        cases.link(store, from_case="17022", to_case="17033", reason="sent to the inventory investigations team",
                   now=T0 + timedelta(days=3), actor="amy")
    with db.transaction() as store:
        shown = cases.show(store, "17022")
        summary = cases.summary(store, "17033")
        with pytest.raises(InputError, match="already in the chain"):
            cases.link(store, from_case="17033", to_case="17011", reason="loop", now=T0, actor="amy")
        statuses = [row["status"] for row in cases.list_cases(store)]
    assert shown["chain"] == ["17011", "17022", "17033"]
    assert shown["status"] == "transferred"
    assert [e["kind"] for e in shown["events"]] == ["opened", "link", "link"]
    assert summary.startswith("This request has been handled under case ID(s) 17011, 17022, 17033")
    assert "Moved to case 17022: sent to the FBA reimbursements team" in summary
    assert "Please see case 17033 as the current one" in summary
    assert statuses == ["open", "transferred", "transferred"]


def test_follow_ups_come_due_and_move_with_the_status(db: Database) -> None:
    with db.transaction() as store:
        first = open_one(store, reimbursement(), case_id=None)
        open_one(store, reimbursement("B0D7654321", "FBA15YYYYYYY"), case_id="2", at=T0 + timedelta(days=1))
    with db.transaction() as store:
        due = cases.list_cases(store, due_at=T0 + cases.FOLLOW_UP)
        assert [row["id"] for row in due] == [first["id"]]
        cases.set_status(store, case=f"#{first['id']}", status="waiting_on_amazon", now=T0 + timedelta(days=2),
                         actor="amy", amazon_case_id="9001")
        assert cases.list_cases(store, due_at=T0 + cases.FOLLOW_UP) == []
        assert cases.show(store, "9001")["follow_up_at"] == T0 + timedelta(days=2) + cases.FOLLOW_UP


def test_unknown_cases_statuses_and_repeated_ids_are_refused(db: Database) -> None:
    with db.transaction() as store:
        open_one(store, reimbursement(), case_id="17011")
        with pytest.raises(InputError, match="already tracked"):
            open_one(store, reimbursement(), case_id="17011")
        with pytest.raises(InputError, match="unknown case status 'done'"):
            cases.set_status(store, case="17011", status="done", now=T0, actor="amy")
        with pytest.raises(NotFoundError, match="no case '4242'"):
            cases.show(store, "4242")


def test_the_policy_catalogue_is_read_from_the_configured_file(tmp_path: Path) -> None:
    path = tmp_path / "policies.toml"
    path.write_text('[[policies]]\nid = "G200213130"\ntitle = "FBA Lost and Damaged Inventory Reimbursement Policy"\n'
                    'link = "https://sellercentral.amazon.com/help/hub/reference/external/G200213130"\n',
                    encoding="utf-8")
    policies = cases.load_policies(Config(case_policies=str(path)))
    assert list(policies) == ["G200213130"]
    assert cases.load_policies(CONFIG) == {}
    path.write_text("[[policies]]\nid = 'G1'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="needs the strings id, title and link"):
        cases.load_policies(Config(case_policies=str(path)))
    with pytest.raises(ConfigError, match="cannot read"):
        cases.load_policies(Config(case_policies=str(tmp_path / "missing.toml")))


def test_the_follow_up_interval_comes_from_the_configuration(db: Database) -> None:
    weekly = Config(case_follow_up_days=7)
    with db.transaction() as store:
        opened = cases.open_case(store, config=weekly, topic="fba_reimbursement", form=reimbursement(), now=T0,
                                 actor="amy", amazon_case_id="3001", store_name="acme-us")
        assert cases.due_follow_ups(store, now=T0 + timedelta(days=6)) == []
        due = cases.due_follow_ups(store, now=T0 + timedelta(days=7))
    assert [(f.case_id, f.store) for f in due] == [(opened["id"], "acme-us")]
    assert due[0].key == f"case:{opened['id']}:follow-up:{(T0 + timedelta(days=7)).isoformat()}"
    assert "case 3001 (open): follow-up due since" in due[0].line
    with pytest.raises(ConfigError, match="case_follow_up_days"):
        cases.follow_up_interval(Config(case_follow_up_days=0))


def test_a_finished_case_is_never_due(db: Database) -> None:
    with db.transaction() as store:
        open_one(store, reimbursement(), case_id="3002")
        cases.set_status(store, case="3002", status="resolved", now=T0, actor="amy")
        assert cases.due_follow_ups(store, now=T0 + timedelta(days=30)) == []


def test_timing_advice_of_a_composed_case_skips_us_holidays(db: Database) -> None:
    thanksgiving_morning = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)  # Thursday 09:00 in Seattle
    with db.reading() as store:
        composed = cases.compose(store, config=CONFIG, topic="fba_reimbursement", form=reimbursement(),
                                 now=thanksgiving_morning)
    assert "(a US public holiday)" in composed["timing"]
    assert "Friday 2026-11-27 08:00" in composed["timing"]


def test_cases_are_listed_for_the_stores_asked_for(db: Database) -> None:
    with db.transaction() as store:
        open_one(store, reimbursement(), case_id="4001")
        cases.open_case(store, config=CONFIG, topic="other", form={"request": "Please check.", "details": "x"},
                        now=T0, actor="amy", amazon_case_id="4002", store_name="acme-de")
        cases.open_case(store, config=CONFIG, topic="other", form={"request": "Please look.", "details": "y"},
                        now=T0, actor="amy", amazon_case_id="4003")
        us = store.get_store("acme-us").id
        assert {row["case_id"] for row in cases.list_cases(store, store_ids=[us])} == {"4001", "4003"}
