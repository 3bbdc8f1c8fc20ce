"""Wording rules in six languages: incentives, manipulation, marketing, opt-out, placeholders, form."""

from __future__ import annotations

import pytest

from sellerdesk.core.compliance import Attachment, CheckContext, check


@pytest.mark.parametrize(("text", "rule"), [
    ("We will send you a $10 gift card once you leave a review.", "review_incentive"),
    ("Für eine Bewertung erhalten Sie einen Gutschein, hinterlassen Sie einfach eine Bewertung.", "review_incentive"),
    ("Laissez-nous un avis et recevez un bon d'achat.", "review_incentive"),
    ("Si nos deja una reseña, le enviamos un regalo.", "review_incentive"),
    ("Se ci lascia una recensione, le regaliamo un buono.", "review_incentive"),
    ("レビューを書いていただいた方にギフト券をプレゼントします。", "review_incentive"),
    ("If you are satisfied, please leave a review.", "review_manipulation"),
    ("Please leave us a 5-star review.", "review_manipulation"),
    ("Please contact us before leaving negative feedback.", "review_manipulation"),
    ("Could you remove your review now?", "review_manipulation"),
    ("Wenn Sie zufrieden sind, hinterlassen Sie bitte eine Bewertung.", "review_manipulation"),
    ("Si vous êtes satisfait, laissez-nous un avis.", "review_manipulation"),
    ("Contáctenos antes de dejar una reseña negativa.", "review_manipulation"),
    ("Potrebbe modificare la sua recensione?", "review_manipulation"),
    ("問題が解決しましたので、レビューを削除していただけないでしょうか。", "review_manipulation"),
    ("Use code SAVE20 for 20% off your next order.", "marketing"),
    ("Mit dem Gutscheincode SPAR20 sparen Sie bei der nächsten Bestellung.", "marketing"),
    ("Découvrez nos nouveaux produits.", "marketing"),
    ("Con el código de descuento AHORRA20 ahorra en su próxima compra.", "marketing"),
    ("Scopra i nostri nuovi prodotti.", "marketing"),
    ("Scopra le novità del nostro negozio.", "marketing"),
    ("Descubra las últimas novedades de nuestra tienda.", "marketing"),
    ("次回のご購入に使えるクーポンをお送りします。", "marketing"),
    ("Click here to unsubscribe.", "opt_out_link"),
    ("Hier können Sie sich abmelden.", "opt_out_link"),
    ("Pour vous désabonner, répondez STOP.", "opt_out_link"),
    ("Puede darse de baja aquí.", "opt_out_link"),
    ("Può disiscriversi qui.", "opt_out_link"),
    ("配信停止はこちら。", "opt_out_link"),
    ("Dear {buyer_name}, thanks.", "unfilled_placeholder"),
    ("Hello [Name], thanks.", "unfilled_placeholder"),
    ("Your order {{order_id}} ships on [date].", "unfilled_placeholder"),
    ("Dear ___, thanks.", "unfilled_placeholder"),
    ("Tracking: XXXX-XXXX", "unfilled_placeholder"),
    ("Dear , thanks.", "unfilled_placeholder"),
    ("〇〇様、ありがとうございます。", "unfilled_placeholder"),
])
def test_wording_blocks(text: str, rule: str) -> None:
    result = check(text)
    assert rule in result.rules(), result.to_dict()
    assert result.verdict == "block"


@pytest.mark.parametrize("text", [
    "We are sorry it arrived damaged; a free replacement ships today.",
    "Once the return arrives we will issue a full refund.",
    "Thank you for your feedback on the sizing; we have updated the size chart.",
    "Thank you for your positive feedback!",
    "We would appreciate your honest review when you have had time to use it.",
    "We will review your case within 24 hours.",
    "We refunded the price difference of $5.00 as a partial refund.",
    "The XXL size fits chest sizes up to 120 cm.",
    "Bonjour ! Merci pour votre message.",
    "Please cancel the order in your Amazon account if you no longer need it.",
    "Your postcode 10115 is in our delivery area; the code on the label is the tracking code.",
    "We offer a replacement or a refund, whichever you prefer.",
    # "news" in the six languages: "novità" and "novedades" also name new products.
    "We will let you know as soon as we have news.",
    "Wir melden uns, sobald wir Neuigkeiten haben.",
    "Nous vous écrirons dès que nous aurons des nouvelles.",
    "Le escribiremos en cuanto tengamos novedades.",
    "Le scriveremo appena avremo novità.",
    "新しい情報が入り次第ご連絡します。",
])
def test_wording_hard_negatives_pass(text: str) -> None:
    assert check(text).verdict == "pass", check(text).to_dict()


def test_html_and_length_only_for_sp_api_kinds() -> None:
    html = "<p>Your replacement ships today.</p>"
    assert check(html).verdict == "pass"
    assert check(html, kind="api:confirmDeliveryDetails").rules() == {"html_markup"}
    assert check("k" * 401, kind="api:digitalAccessKey").rules() == {"length_limit"}
    assert check("a" * 801, kind="api:confirmCustomizationDetails").rules() == {"length_limit"}
    assert check("a" * 2000, kind="api:unexpectedProblem").verdict == "pass"
    assert check("a" * 2001, kind="api:unexpectedProblem").rules() == {"length_limit"}


def test_attachments_over_10_mb_or_executable_block() -> None:
    def attach(*files: Attachment) -> set[str]:
        return check("See the attached photos.", context=CheckContext(attachments=files)).rules()

    assert attach(Attachment("a.pdf", 6_000_000, "application/pdf")) == set()
    assert attach(Attachment("a.pdf", 6_000_000), Attachment("b.jpg", 5_000_000)) == {"attachment_limit"}
    assert attach(Attachment("setup.EXE", 1000)) == {"attachment_limit"}
    assert attach(Attachment("page", 1000, "text/html")) == {"attachment_limit"}


def test_emoji_shouting_and_important_subject() -> None:
    assert check("Great news 🎉").rules() == {"emoji"}
    assert check("Registered © and ™ marks are fine.").verdict == "pass"
    assert check("PLEASE SEND IT RIGHT NOW").rules() == {"shouting"}
    assert check("Please reply!!!").rules() == {"shouting"}
    assert check("Your UPS and DHL parcels with ASIN B07XJ8C8F5 are on the way.").verdict == "pass"
    assert check("Hi", context=CheckContext(subject="[Important] Your order")).rules() == {"important_subject"}
    assert check("Hi", context=CheckContext(subject="【重要】ご注文について")).rules() == {"important_subject"}
    assert check("URGENT!!! Listing down", kind="case").rules() >= {"shouting"}


def test_proactive_messages_need_a_permitted_reason() -> None:
    assert check("Thank you for your order! It has shipped.", kind="proactive").rules() == {"proactive_reason"}
    assert check("Thanks for shopping with us!", kind="proactive").rules() == {"proactive_reason"}
    assert check("Your order is delayed by two days; we are sorry for the problem.", kind="proactive").verdict \
        == "pass"
    assert check("Please confirm the delivery address for your sofa.", kind="proactive").verdict == "pass"
    assert check("Thank you for your order! It has shipped.", kind="reply").verdict == "pass"


def test_case_messages_need_their_elements() -> None:
    complete = ("Order 114-5652017-6650426, ASIN B07XJ8C8F5: the listing shows error 8541 "
                "\"conflicts with the catalog\". Screenshot attached.")
    assert check(complete, kind="case").verdict == "pass"
    findings = check("The buyer says the order never arrived.", kind="case").findings
    assert [f.rule for f in findings] == ["case_missing_element"]
    assert "order ID" in findings[0].explanation
    assert check("仓库丢失了我们的库存，请赔偿。ASIN B07XJ8C8F5。", kind="case").rules() == {"case_missing_element"}
    # Buyer-facing rules do not apply to Seller Support, and vice versa.
    assert check("Mail us at help@acme.com about order 114-5652017-6650426.", kind="case").verdict == "pass"
    assert check("The buyer says the order never arrived.").verdict == "pass"


def test_templates_are_checked_with_their_variables_allowed() -> None:
    from sellerdesk.core.compliance import check_template

    assert check_template("Dear {buyer_name}, your {product_name} ships on {delivery_date}.").verdict == "pass"
    result = check_template("Dear [Name], order {order_id} ships. Use code SAVE10 on your next order!")
    assert result.rules() == {"unfilled_placeholder", "marketing"}
    assert [f.excerpt for f in result.findings if f.rule == "unfilled_placeholder"] == ["[Name]"]


@pytest.mark.parametrize(("text", "rule"), [
    ("Déjenos una reseña de 5 estrellas y le devolvemos 5 €.", "review_incentive"),
    ("If you loved it, a 5-star rating would mean the world to us!", "review_manipulation"),
    ("Bewerten Sie uns mit 5 Sternen und erhalten Sie 10 % Rabatt.", "review_incentive"),
    ("高評価のレビューをお願いします。", "review_manipulation"),
])
def test_more_ways_of_steering_reviews(text: str, rule: str) -> None:
    assert rule in check(text).rules()
