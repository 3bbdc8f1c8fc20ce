"""Building the reply mail: identity, threading headers, subject, text that survives the trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP
from email.policy import default as default_policy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.reply_mail import (
    MAX_REFERENCES,
    ReplyHeaders,
    build_reply,
    make_message_id,
    reply_references,
    reply_subject,
)

DATE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def headers(**changes: object) -> ReplyHeaders:
    values: dict[str, object] = {
        "from_address": "support@acme.example", "to_address": "x7k2q9+a1@marketplace.amazon.de",
        "subject": "Re: Anfrage von Amazon-Kunde Jörg (Bestellung: 302-1234567-7654321)",
        "message_id": "r-1@acme.example", "in_reply_to": "buyer-2@amazon.de",
        "references": ("buyer-1@amazon.de", "buyer-2@amazon.de"),
    }
    values.update(changes)
    return ReplyHeaders(**values)  # type: ignore[arg-type]


def parsed(message: EmailMessage) -> EmailMessage:
    # Read back what the SMTP server gets, with its CRLF line ends turned into Python's "\n".
    back = message_from_bytes(message.as_bytes(policy=SMTP).replace(b"\r\n", b"\n"), policy=default_policy)
    assert isinstance(back, EmailMessage)
    return back


def test_message_id_lives_in_the_senders_domain() -> None:
    assert make_message_id("Support@Acme.Example", unique="a1b2") == "a1b2@acme.example"


@pytest.mark.parametrize("address", ["acme.example", "@acme.example", "support@", "x@a b"])
def test_message_id_refuses_an_address_without_a_domain(address: str) -> None:
    with pytest.raises(ValueError, match="from_address"):
        make_message_id(address, unique="a1")


@pytest.mark.parametrize("unique", ["", "a@b", "<a>", "a b"])
def test_message_id_refuses_a_bad_unique_part(unique: str) -> None:
    with pytest.raises(ValueError, match="unique part"):
        make_message_id("support@acme.example", unique=unique)


@pytest.mark.parametrize(("thread_subject", "expected"), [
    ("Inquiry from Amazon customer Ann (Order: 114-1234567-1234567)",
     "Re: Inquiry from Amazon customer Ann (Order: 114-1234567-1234567)"),
    ("RE: Re: AW: Produktanfrage", "Re: Produktanfrage"),
    ("Re[2]: Question", "Re: Question"),
    ("[Important] Where is my parcel", "Re: Where is my parcel"),
    ("返信：注文について", "Re: 注文について"),
    ("Line\r\nbreak  here", "Re: Line break here"),
    (None, "Re: Your Amazon order"),
    ("   ", "Re: Your Amazon order"),
])
def test_reply_subject(thread_subject: str | None, expected: str) -> None:
    assert reply_subject(thread_subject) == expected


def test_references_append_the_parent_and_drop_duplicates_and_brackets() -> None:
    assert reply_references("<p@x>", ["<a@x>", "b@x", "a@x"]) == ("a@x", "b@x", "p@x")
    assert reply_references(None, []) == ()


def test_long_reference_chains_keep_the_first_and_the_latest() -> None:
    chain = [f"m{i}@x" for i in range(30)]
    refs = reply_references("parent@x", chain)
    assert len(refs) == MAX_REFERENCES
    assert refs[0] == "m0@x"
    assert refs[-1] == "parent@x"
    assert refs[-2] == "m29@x"


def test_the_reply_carries_identity_threading_and_utf8_text() -> None:
    message = parsed(build_reply(headers(), "Guten Tag Jörg,\n\ndie Größe fällt klein aus.\n",
                                 date=DATE, from_name="Acme"))
    assert message["From"].addresses[0].addr_spec == "support@acme.example"
    assert message["To"] == "x7k2q9+a1@marketplace.amazon.de"
    assert message["Message-ID"] == "<r-1@acme.example>"
    assert message["In-Reply-To"] == "<buyer-2@amazon.de>"
    assert message["References"] == "<buyer-1@amazon.de> <buyer-2@amazon.de>"
    assert message["Subject"] == "Re: Anfrage von Amazon-Kunde Jörg (Bestellung: 302-1234567-7654321)"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == "Guten Tag Jörg,\n\ndie Größe fällt klein aus.\n"


def test_the_reply_is_seven_bit_on_the_wire() -> None:
    raw = build_reply(headers(), "日本語のテキスト ünd ✓", date=DATE).as_bytes(policy=SMTP)
    assert raw.isascii()


def test_a_first_reply_without_parent_has_no_threading_headers() -> None:
    message = parsed(build_reply(headers(in_reply_to=None, references=()), "Hello", date=DATE))
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_date_keeps_its_offset() -> None:
    tokyo = DATE.astimezone(timezone(timedelta(hours=9)))
    assert parsed(build_reply(headers(), "x", date=tokyo))["Date"].datetime == DATE


def test_naive_date_and_header_injection_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_reply(headers(), "x", date=DATE.replace(tzinfo=None))
    with pytest.raises(ValueError, match="to_address"):
        build_reply(headers(to_address="a@b\r\nBcc: c@d"), "x", date=DATE)


# Text a seller can type: no surrogates and none of the characters Python itself treats as line ends.
_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"],
                                       blacklist_characters="\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))


@given(text=_TEXT)
def test_any_text_survives_the_trip(text: str) -> None:
    body = parsed(build_reply(headers(), text, date=DATE)).get_content()
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    assert body == (expected if expected.endswith("\n") else expected + "\n")


@given(subject=st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=200))
def test_any_subject_survives_the_trip(subject: str) -> None:
    wanted = reply_subject(subject)
    assert parsed(build_reply(headers(subject=wanted), "x", date=DATE))["Subject"] == wanted
