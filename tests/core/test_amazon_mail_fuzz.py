"""parse_relay_mail never crashes: arbitrary bytes, and real-shaped relay mails damaged at random."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.core.amazon_mail import parse_relay_mail, thread_key
from sellerdesk.core.mail import MailKind, ParsedMail
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.relay_formats import RELAY_FORMATS
from sellerdesk.errors import MessageParseError
from sellerdesk.samples import generate_relay_mails, render_buyer_message
from sellerdesk.samples.relay import Style

SEEDS = [sample.raw for sample in generate_relay_mails(seed=5, count=60)]
DATE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_refuse(raw: bytes, *, classify: bool = True) -> ParsedMail | None:
    """Parse *raw*; the one allowed failure is MessageParseError for bytes that are no mail."""
    try:
        parsed = parse_relay_mail(raw, classify=classify)
    except MessageParseError:
        return None
    assert parsed.kind in set(MailKind)
    assert parsed.message_key.split(":", 1)[0] in {"tok", "mid", "sha"}
    thread_key(parsed)
    return parsed


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(raw: bytes) -> None:
    parse_or_refuse(raw)


@FUZZ
@given(st.binary(max_size=2000))
def test_arbitrary_body_under_a_header_block_always_parses(body: bytes) -> None:
    raw = b'From: "X - Amazon Marketplace" <a@marketplace.amazon.de>\r\nSubject: s\r\n\r\n' + body
    # Structure only: intent rules on kilobytes of noise are slow, and the damaged real-shaped
    # mails below cover language and intent.
    assert parse_or_refuse(raw, classify=False) is not None


@st.composite
def damaged_mails(draw: st.DrawFn) -> bytes:
    """A generated relay mail with a few random cuts, insertions, repeats and byte flips."""
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not raw:
            break
        start = draw(st.integers(0, len(raw) - 1))
        end = draw(st.integers(start, min(len(raw), start + 200)))
        action = draw(st.sampled_from(["cut", "insert", "repeat", "flip", "truncate"]))
        if action == "cut":
            del raw[start:end]
        elif action == "insert":
            raw[start:start] = draw(st.sampled_from([
                b"=?utf-8?B?", b"\r\n--", b"=", b"\x1b$B", b"<blockquote>", b"[ASIN: ", b"\r\n\r\n", b"\xff\xfe",
                b"Content-Type: multipart/mixed; boundary=x\r\n", b"------------- End message -------------",
            ])) + draw(st.binary(max_size=20))
        elif action == "repeat":
            raw[start:start] = raw[start:end] * 3
        elif action == "flip":
            raw[start] ^= draw(st.integers(1, 255))
        else:
            del raw[start:]
    return bytes(raw)


@FUZZ
@given(damaged_mails())
def test_damaged_real_shaped_mails(raw: bytes) -> None:
    parse_or_refuse(raw)


@pytest.mark.parametrize("cut", [10, 100, 300, 700, 1200])
def test_mails_cut_short_keep_what_arrived(cut: int) -> None:
    for raw in SEEDS[:10]:
        parse_or_refuse(raw[:cut])


WORDS = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
LINES = st.lists(WORDS, min_size=1, max_size=8).map(" ".join).map(lambda line: line + ".")


@settings(max_examples=120, deadline=None)
@given(
    marketplace=st.sampled_from(sorted(RELAY_FORMATS)),
    style=st.sampled_from(["plain", "html", "multipart"]),
    encoding=st.sampled_from(["quoted-printable", "base64", "8bit"]),
    name=st.lists(WORDS, min_size=1, max_size=3).map(" ".join),
    lines=st.lists(LINES, min_size=1, max_size=4),
    order=st.none() | st.from_regex(r"\A\d{3}-\d{7}-\d{7}\Z"),
    token=st.none() | st.from_regex(r"\A[A-Z0-9]{6,20}\Z"),
)
def test_written_mails_read_back(
    marketplace: str, style: Style, encoding: str, name: str, lines: list[str], order: str | None, token: str | None,
) -> None:
    text = "\n".join(lines)
    raw = render_buyer_message(
        marketplace=marketplace, buyer_name=name, alias=f"z1+q@{MARKETPLACES[marketplace].relay_domain}",
        order_id=order, asins=("B0ROUNDTRP",), titles=("Round trip",), text=text, date=DATE,
        message_id="rt@example", comm_mgr_tok=token, style=style, transfer_encoding=encoding,
    )
    parsed = parse_relay_mail(raw, classify=False)
    assert (parsed.kind, parsed.marketplace, parsed.order_id) == (MailKind.BUYER_MESSAGE, marketplace, order)
    assert (parsed.text, parsed.buyer_name, parsed.comm_mgr_tok) == (text, name, token)
    assert parsed.asins == ("B0ROUNDTRP",)
