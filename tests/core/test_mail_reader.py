"""read_message builds the very tree the standard library's compat32 parser builds, on any bytes."""

from __future__ import annotations

import email
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sellerdesk.core.mail_reader import read_message
from sellerdesk.samples import generate_relay_mails

CORPUS = Path(__file__).resolve().parents[1] / "data" / "eml"
SEEDS = [sample.raw for sample in generate_relay_mails(seed=8, count=60)]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Pieces that steer the parser into its rarer paths.
PIECES = [
    b"\r\n", b"\n", b"\r", b"\r\n\r\n", b"From ", b"Subject: x", b" folded", b": no name", b"--b", b"--b--",
    b"--b  \r\n", b"Content-Type: multipart/mixed; boundary=b\r\n", b'Content-Type: multipart/digest; boundary="b"\n',
    b"Content-Type: message/rfc822\r\n", b"Content-Type: message/delivery-status\n", b"Content-Type: multipart/x\n",
    b"\xff\xe9", b"=?utf-8?B?w6k=?=",
]


def tree(message: Message) -> tuple[Any, ...]:
    """Everything the parser decides about a message and its parts (defects aside)."""
    payload = message._payload  # type: ignore[attr-defined]  # raw, as the parser left it
    return (
        message._headers, message.get_unixfrom(), message.get_default_type(), message.preamble,  # type: ignore[attr-defined]
        message.epilogue, [tree(part) for part in payload] if isinstance(payload, list) else payload,
    )


def assert_same_tree(raw: bytes) -> None:
    assert tree(read_message(raw)) == tree(email.message_from_bytes(raw))


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.name)
def test_the_golden_corpus(path: Path) -> None:
    assert_same_tree(path.read_bytes())


def test_generated_relay_mails_and_notices() -> None:
    for sample in generate_relay_mails(seed=3, count=300):
        assert_same_tree(sample.raw)


@pytest.mark.parametrize("raw", [
    b"",
    b"From sender@example.com Mon Mar  2 09:00:00 2026\nSubject: a\n\nbody\n",
    b"Subject: a\nFrom someone\n\nbody",
    b"Subject: a\nbody without a blank line\n",
    b" continuation first\nSubject: a\n\nb",
    b": no name\nSubject: a\r\n\r\nb\r\n",
    b"Content-Type: multipart/mixed\n\nno boundary parameter\n",
    b"Content-Type: multipart/mixed; boundary=b\n\npreamble only\n",
    b"Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n\none\n--b\n--b\nContent-Type: text/html\n\n"
    b"<p>x</p>\n--b--\nepi\n",
    b"Content-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/alternative; boundary=b\n\n"
    b"--b\n\ninner\n--a\n\nouter ends the inner part\n--a--",
    b"Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: digest entry\n\nx\n--d--\n",
    b"Content-Type: multipart/report; boundary=r\r\n\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\n"
    b"Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; a@b\r\nAction: failed\r\n\r\n--r\r\n"
    b"Content-Type: message/rfc822\r\n\r\nMessage-ID: <x@y>\r\n\r\nbody\r\n--r--\r\n",
    b"Subject: mixed\rline\r\nbreaks\n\n\xe9t\xe9\r",
])
def test_odd_shapes(raw: bytes) -> None:
    assert_same_tree(raw)


@FUZZ
@given(st.binary(max_size=1500))
def test_arbitrary_bytes(raw: bytes) -> None:
    assert_same_tree(raw)


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.binary(max_size=8)), max_size=40))
def test_arbitrary_arrangements_of_mime_pieces(pieces: list[bytes]) -> None:
    assert_same_tree(b"".join(pieces))


@FUZZ
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 200),
                                                  st.sampled_from(PIECES)), min_size=1, max_size=4))
def test_damaged_relay_mails(raw: bytes, edits: list[tuple[int, int, bytes]]) -> None:
    damaged = bytearray(raw)
    for start, length, piece in edits:
        start %= len(damaged) + 1
        damaged[start:start + length] = piece
    assert_same_tree(bytes(damaged))
