"""Rules that read the context: repeat review requests, near-duplicates, auto-reply timing, language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sellerdesk.core.compliance import CheckContext, HistoryMessage, RuleSettings, check
from sellerdesk.core.compliance.similarity import NearDuplicateIndex

NOW = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)
ORDER = "114-5652017-6650426"
TEMPLATE = ("Dear {name}, thank you for your message about order {order}. We are sorry the kettle arrived "
            "damaged; a replacement ships today and you will receive the tracking number tomorrow. "
            "Best regards, Acme")


def reply(name: str, order: str, hours_ago: float) -> HistoryMessage:
    return HistoryMessage(TEMPLATE.format(name=name, order=order), kind="reply", order_id=order,
                          sent_at=NOW - timedelta(hours=hours_ago))


def test_a_second_review_request_for_the_same_order_blocks() -> None:
    earlier = HistoryMessage("Please leave a review of the kettle.", kind="review_request", order_id=ORDER,
                             sent_at=NOW - timedelta(days=6))
    context = CheckContext(order_id=ORDER, history=(earlier,))
    assert check("We would appreciate your honest review.", kind="review_request", context=context).rules() \
        == {"repeat_review_request"}
    # A review request inside an ordinary reply counts too.
    assert "repeat_review_request" in check("Could you leave a review of the kettle?", context=context).rules()
    # Another order, or no review request now: fine.
    other = CheckContext(order_id="114-0000000-0000000", history=(earlier,))
    assert check("We would appreciate your honest review.", kind="review_request", context=other).verdict == "pass"
    assert check("Your replacement ships today.", context=context).verdict == "pass"


def test_near_duplicates_warn_and_the_third_in_a_row_blocks() -> None:
    draft = TEMPLATE.format(name="Carla", order="114-3333333-3333333")
    one = CheckContext(replied_at=NOW, history=(reply("Anna", "114-1111111-1111111", 3),))
    result = check(draft, context=one)
    assert [(f.rule, f.severity) for f in result.findings] == [("near_duplicate", "warn")]
    two = CheckContext(replied_at=NOW, history=(reply("Anna", "114-1111111-1111111", 3),
                                               reply("Ben", "114-2222222-2222222", 2)))
    assert [(f.rule, f.severity) for f in check(draft, context=two).findings] == [("near_duplicate", "block")]
    # A specific, different reply in between breaks the run.
    broken = CheckContext(replied_at=NOW, history=(
        reply("Anna", "114-1111111-1111111", 3),
        HistoryMessage("The charger is in the side pocket of the box; the manual shows where.", sent_at=NOW),
    ))
    assert check(draft, context=broken).findings[0].severity == "warn"


def test_the_near_duplicate_window_counts_days_and_replies() -> None:
    draft = TEMPLATE.format(name="Carla", order="114-3333333-3333333")
    old = CheckContext(replied_at=NOW, history=(reply("Anna", "114-1111111-1111111", 24 * 40),
                                               reply("Ben", "114-2222222-2222222", 24 * 35)))
    assert check(draft, context=old).verdict == "pass"
    assert check(draft, context=old, settings=RuleSettings(near_duplicate_window_days=60)).verdict == "block"
    assert check(draft, context=old, settings=RuleSettings(near_duplicate_window_days=60,
                                                           near_duplicate_window_count=0)).verdict == "pass"
    strict = RuleSettings(near_duplicate_threshold=0.99)
    edited = draft.replace("Best regards", "Kind regards")
    assert check(edited, context=old, settings=RuleSettings(near_duplicate_window_days=60)).verdict != "pass"
    assert check(edited, context=CheckContext(replied_at=NOW, history=(reply("Anna", "114-1111111-1111111", 1),)),
                 settings=strict).verdict == "pass"


def test_a_prepared_index_gives_the_same_verdicts() -> None:
    index = NearDuplicateIndex()
    index.add_many([(1, "Your parcel is in Memphis and arrives Friday; the driver will call ahead."),
                    (2, TEMPLATE.format(name="Anna", order="114-1111111-1111111")),
                    (3, TEMPLATE.format(name="Ben", order="114-2222222-2222222"))])
    draft = TEMPLATE.format(name="Carla", order="114-3333333-3333333")
    assert check(draft, context=CheckContext(near_duplicates=index)).findings[0].severity == "block"
    index.add(4, "A completely different answer about cleaning the filter with vinegar once a month.")
    assert check(draft, context=CheckContext(near_duplicates=index)).findings[0].severity == "warn"


def test_an_automatic_send_seconds_after_the_buyer_warns() -> None:
    def timing(seconds: float, *, automatic: bool = True) -> set[str]:
        context = CheckContext(received_at=NOW, replied_at=NOW + timedelta(seconds=seconds), automatic=automatic)
        return check("Thank you, we are checking your order and answer within the day.", context=context).rules()

    assert timing(4) == {"auto_reply_timing"}
    assert timing(4, automatic=False) == set()
    assert timing(600) == set()
    assert timing(30) == {"auto_reply_timing"}


def test_a_reply_in_another_language_than_the_buyers_warns() -> None:
    text = "Vielen Dank für Ihre Nachricht. Wir senden Ihnen heute einen Ersatz, es tut uns leid."
    assert check(text, context=CheckContext(buyer_language="de")).verdict == "pass"
    assert check(text, context=CheckContext(buyer_language="fr")).rules() == {"wrong_language"}
    assert check(text, context=CheckContext(marketplace="DE")).verdict == "pass"
    assert check(text, context=CheckContext(marketplace="JP")).rules() == {"wrong_language"}
    japanese = "ご連絡ありがとうございます。本日、交換品を発送いたします。"
    assert check(japanese, context=CheckContext(marketplace="JP")).verdict == "pass"
    assert check(japanese, context=CheckContext(marketplace="US")).rules() == {"wrong_language"}
    # English is common on amazon.de and amazon.ca is bilingual.
    assert check("Thank you, we will send the replacement today and the tracking number with it.",
                 context=CheckContext(marketplace="DE")).verdict == "pass"
