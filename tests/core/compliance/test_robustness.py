"""No input crashes the guard: empty, huge, control characters, HTML soup, arbitrary Unicode."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.compliance import CheckContext, check
from sellerdesk.core.compliance.normalise import fold, join_spaced_letters, mask_identifiers


def assert_well_formed(text: str, kind: str = "reply") -> None:
    result = check(text, kind=kind, context=CheckContext(marketplace="US", subject=text[:50]))
    assert result.verdict in {"pass", "warn", "block"}
    for finding in result.findings:
        if finding.start is not None:
            assert finding.end is not None
            assert 0 <= finding.start <= finding.end <= len(text)


def test_empty_and_blank_texts_pass() -> None:
    assert check("").verdict == "pass"
    assert check("   \n\t").verdict == "pass"


def test_control_characters_and_html_soup() -> None:
    assert_well_formed("a\x00b\x07c\x1b[31m red \u202e rtl \ud7ff \uffff")
    soup = "<html><body><div><p class='x'>Hi <b>there</b> &nbsp; <a href='https://evil-shop.com/x'>x</a></div>" * 50
    assert_well_formed(soup, kind="api:confirmDeliveryDetails")
    result = check(soup, kind="api:confirmDeliveryDetails")
    assert {"html_markup", "external_link"} <= result.rules()


def test_a_megabyte_of_text_is_checked() -> None:
    text = ("Thank you for your message. Your order 114-5652017-6650426 ships today with UPS. " * 13_000)[:1_000_000]
    result = check(text + " Mail me at a@b.com")
    assert result.verdict == "block"
    assert result.findings[-1].rule == "email_address"


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes(text: str) -> None:
    assert_well_formed(text)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc XYZ@.:-_0123456789()[]{}\u200b\uff41\uff20!?\n")), max_size=200))
def test_contact_like_text_never_crashes(text: str) -> None:
    assert_well_formed(text)
    assert_well_formed(text, kind="api:digitalAccessKey")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_folded_spans_map_back_inside_the_original(text: str) -> None:
    view = join_spaced_letters(fold(text))
    for start in range(len(view.text) + 1):
        for end in (start, min(len(view.text), start + 3)):
            low, high = view.span(start, end)
            assert 0 <= low <= high <= len(text)


@given(st.text(max_size=200))
def test_masking_keeps_length_and_offsets(text: str) -> None:
    masked = mask_identifiers(text)
    assert len(masked) == len(text)
    assert all(a == b or b == "_" for a, b in zip(text, masked, strict=True))
