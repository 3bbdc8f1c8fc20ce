"""Templates: the strict {variable} renderer, library parsing, and the starter library as shipped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.compliance import check_template
from sellerdesk.core.intents import INTENTS
from sellerdesk.core.templates import VARIABLES, missing_variables, parse_library, render, variables_of
from sellerdesk.errors import TemplateError
from sellerdesk.services.templates import STARTER_LANGUAGES, starter_library

MINIMAL = """
greetings = ["Hello {buyer_name},"]
greetings_anonymous = ["Hello,"]
closings = ["Regards,\\n{signature}"]
holding = ["We are checking {checking}."]
[facts]
shipped = "Order {order_id} has shipped."
[words]
no_order = "Please send the order number."
[intents.order_status]
any = ["About {order_ref}: {order_facts}"]
open = ["{order_ref} has not shipped."]
"""


def test_render_fills_variables_and_keeps_literal_braces() -> None:
    assert render("Hi {buyer_name}, {{ok}}", {"buyer_name": "Ann"}) == "Hi Ann, {ok}"


def test_missing_variables_are_listed_and_named_when_rendering_is_forced() -> None:
    text = "Order {order_id} went with {carrier}: {tracking_number}"
    assert missing_variables(text, {"order_id": "114-1234567-1234567", "carrier": " "}) == (
        "carrier", "tracking_number")
    with pytest.raises(TemplateError, match=r"\{carrier\}, \{tracking_number\}"):
        render(text, {"order_id": "114-1234567-1234567"})


@pytest.mark.parametrize("text", ["{order.__class__}", "{0}", "a { b", "a } b", "{unknown_thing}"])
def test_anything_but_a_known_variable_is_refused(text: str) -> None:
    with pytest.raises(TemplateError):
        variables_of(text)


@given(st.text(max_size=200), st.dictionaries(st.sampled_from(sorted(VARIABLES)), st.text(max_size=20)))
def test_render_never_fails_other_than_with_template_error(text: str, values: dict[str, str]) -> None:
    try:
        out = render(text, values)
    except TemplateError:
        return
    assert isinstance(out, str)


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=200))
def test_text_without_braces_renders_to_itself(text: str) -> None:
    assert render(text, {}) == text
    assert render(text.replace("x", "{{x}}"), {}) == text.replace("x", "{x}")


def test_a_library_is_parsed_with_state_specific_bodies() -> None:
    lang = parse_library(MINIMAL, language="en")
    assert [t.template_id for t in lang.variants("order_status", "open")] == ["en/order_status/open/1"]
    assert [t.template_id for t in lang.variants("order_status", "shipped")] == ["en/order_status/1"]
    assert lang.variants("exchange", "open") == ()


@pytest.mark.parametrize(("change", "where"), [
    (("[intents.order_status]", "[intents.order_status]\nsoon = ['x']"), "order_status].soon"),
    (("{order_facts}", "{order_fact}"), "unknown variable"),
    (('holding = ["We are checking {checking}."]', ""), "[holding]"),
    (("[facts]", "[facts"), "not valid TOML"),
])
def test_library_errors_name_the_place(change: tuple[str, str], where: str) -> None:
    with pytest.raises(TemplateError, match=__import__("re").escape(where)):
        parse_library(MINIMAL.replace(*change), language="en")


def test_the_starter_library_covers_every_intent_in_every_language() -> None:
    library = starter_library()
    assert set(library.languages) == set(STARTER_LANGUAGES)
    for code, lang in library.languages.items():
        for intent in INTENTS:
            variants = lang.variants(intent, "unknown")
            assert len(variants) >= 1, (code, intent)
            assert len({*variants, *lang.variants(intent, "shipped")}) >= 2, (code, intent)
        assert len(lang.greetings) >= 2
        assert len(lang.closings) >= 2
        assert lang.holding


def test_every_starter_template_passes_the_compliance_guard() -> None:
    library = starter_library()
    texts = [t.text for t in library.templates()]
    for lang in library.languages.values():
        texts += [*lang.greetings, *lang.greetings_anonymous, *lang.closings, *lang.holding,
                  *lang.facts.values(), *lang.words.values()]
    assert len(texts) > 6 * 40
    for text in texts:
        result = check_template(text)
        assert not result.blocked, (text, [f.to_dict() for f in result.findings])
