"""MIME decoding: charsets (declared, wrong, missing), RFC 2047 words, HTML bodies, attachments."""

from __future__ import annotations

import base64
import email

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sellerdesk.core.mime import decode_bytes, decode_header_value, extract_content, html_to_text


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("Grüße aus Köln", "iso-8859-1"),
        ("Crème brûlée – €5", "windows-1252"),
        ("Zażółć gęślą jaźń", "iso-8859-2"),
        ("Çanta su geçirmez mi?", "iso-8859-9"),
        ("注文した商品はいつ届きますか", "iso-2022-jp"),
        ("注文した商品はいつ届きますか", "shift_jis"),
        ("مرحبا، أين طلبي؟", "windows-1256"),
        ("我想要发票", "gb2312"),
        ("Hello", "us-ascii"),
    ],
)
def test_declared_charsets_decode_without_problems(text: str, charset: str) -> None:
    assert decode_bytes(text.encode(charset), charset) == (text, None)


def test_shift_jis_label_on_microsoft_extensions_uses_cp932() -> None:
    text = "①番の商品"  # circled digits exist only in Microsoft's Shift_JIS
    assert decode_bytes(text.encode("cp932"), "Shift_JIS") == (text, None)


def test_iso_2022_jp_as_windows_writes_it_keeps_nec_characters() -> None:
    # ① in JIS row 13 (NEC extension), as CP50220 writes it: plain ISO-2022-JP has no such row.
    decoded, problem = decode_bytes(b"\x1b$B-!\x1b(B\x1b$BHV\x1b(B", "ISO-2022-JP")
    assert decoded == "①番"
    assert problem is not None
    assert "cp932" in problem


def test_iso_2022_jp_with_jis_x_0213_characters_falls_back() -> None:
    decoded, problem = decode_bytes("﨑さん".encode("iso2022_jp_2004"), "iso-2022-jp")
    assert decoded == "﨑さん"
    assert problem is not None


def test_utf8_labelled_latin1_is_a_mislabel() -> None:
    decoded, problem = decode_bytes("Grüße".encode(), "iso-8859-1")
    assert decoded == "Grüße"
    assert problem is not None
    assert "UTF-8" in problem


def test_latin1_label_means_windows_1252() -> None:
    assert decode_bytes(b"\x93quoted\x94 \x80", "iso-8859-1") == ("\u201cquoted\u201d €", None)


@pytest.mark.parametrize("charset", [None, "x-unknown-charset", "utf-8", "utf\x00-8", "\udce9t\udce9"])
def test_missing_unknown_or_wrong_labels_still_decode(charset: str | None) -> None:
    decoded, problem = decode_bytes("Ceci est une très longue phrase en français.".encode("cp1252"), charset)
    assert "longue phrase" in decoded
    assert problem is not None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([None, "utf-8", "iso-2022-jp", "shift_jis", "latin1", "bogus", ""]))
def test_decode_bytes_never_raises(data: bytes, charset: str | None) -> None:
    text, _ = decode_bytes(data, charset)
    assert isinstance(text, str)


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=", "Grüße aus Köln"),
        ("=?iso-8859-1?q?J=FCrgen?= Weiß", "Jürgen Weiß"),
        ("=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= 様", "山田 様"),
        ("=?utf-8?B?44GC?=\r\n =?utf-8?B?44GE?=", "あい"),  # whitespace between words disappears
        ("plain subject", "plain subject"),
        ("=?utf-8?B?broken", "=?utf-8?B?broken"),
        ("=?no-such-charset?Q?caf=C3=A9?=", "café"),
    ],
)
def test_rfc2047_words(raw: str, decoded: str) -> None:
    assert decode_header_value(raw)[0] == decoded


def test_a_character_split_across_two_words_is_joined() -> None:
    data = "Rückgabe".encode()
    words = f"=?UTF-8?B?{base64.b64encode(data[:2]).decode()}?= =?UTF-8?B?{base64.b64encode(data[2:]).decode()}?="
    assert decode_header_value(words) == ("Rückgabe", ())


def test_raw_8bit_header_bytes_are_decoded() -> None:
    message = email.message_from_bytes("Subject: Grüße\n\nbody\n".encode())
    raw = next(v for k, v in message.raw_items() if k == "Subject")
    assert decode_header_value(raw)[0] == "Grüße"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_decode_header_value_never_raises(value: str) -> None:
    assert isinstance(decode_header_value(value)[0], str)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Hello</p><p>World</p>", "Hello\nWorld"),
        ("Hello<br>World<br/><br>!", "Hello\nWorld\n\n!"),
        ("<div>one\n two</div>", "one two"),
        ("<style>p {color: red}</style><script>alert(1)</script>Hi", "Hi"),
        ("Fish &amp; chips&nbsp;&euro;5 &#x263A;", "Fish & chips €5 ☺"),
        ("<div>new</div><blockquote><div>old</div><div>older</div></blockquote>", "new\n> old\n> older"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<!-- hidden -->shown", "shown"),
    ],
)
def test_html_to_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "/", " ", "a", "p", "&", ";", "#x", "\n", "\x00", "<br>", "<div>",
                                  "</div>", "<blockquote>", "</blockquote>", "<script>", "&amp"]), max_size=40))
def test_html_to_text_never_raises(pieces: list[str]) -> None:
    text = html_to_text("".join(pieces))
    assert "<blockquote" not in text
    assert "\x02" not in text
    assert "\x03" not in text


def test_extract_content_finds_bodies_attachments_and_attached_headers() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain; charset=utf-8\n\nHello\n"
        b"--b\nContent-Type: text/html; charset=utf-8\n\n<p>Hello</p>\n"
        b"--b\nContent-Type: image/png\nContent-Disposition: attachment; filename*=utf-8''Sch%C3%A4den.png\n"
        b"Content-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
        b"--b\nContent-Type: message/rfc822\n\nMessage-ID: <old@x>\nSubject: old\n\nold body\n"
        b"--b--\n"
    )
    content = extract_content(email.message_from_bytes(raw))
    assert content.plain == "Hello"
    assert content.html is not None
    assert "<p>Hello</p>" in content.html
    assert [(a.filename, a.content_type, a.data) for a in content.attachments] == [
        ("Schäden.png", "image/png", b"\x89PNG\r\n\x1a\n"),
    ]
    assert any("Message-ID: <old@x>" in h for h in content.embedded_headers)
    assert content.text == "Hello"


def test_an_inline_text_part_with_a_name_is_an_attachment() -> None:
    raw = (b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nbody\n'
           b'--b\nContent-Type: text/plain; name="notes.txt"\n\nnotes\n--b--\n')
    content = extract_content(email.message_from_bytes(raw))
    assert content.plain == "body"
    assert [a.filename for a in content.attachments] == ["notes.txt"]


def test_a_body_split_around_an_inline_picture_is_joined() -> None:
    raw = (b'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nLook:\n'
           b"--b\nContent-Type: image/jpeg\nContent-Disposition: inline\n\njpeg\n"
           b"--b\nContent-Type: text/plain\n\nIt is broken.\n--b--\n")
    content = extract_content(email.message_from_bytes(raw))
    assert content.plain == "Look:\nIt is broken."
    assert [a.content_type for a in content.attachments] == ["image/jpeg"]


def test_a_very_deep_mime_tree_is_cut_off_with_a_problem() -> None:
    raw = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (n, n) for n in range(40))
    content = extract_content(email.message_from_bytes(raw + b"Content-Type: text/plain\n\ndeep\n"))
    assert any("too deep" in p for p in content.problems)


def test_html_only_mail_text_comes_from_the_html() -> None:
    content = extract_content(email.message_from_bytes(b"Content-Type: text/html\n\n<p>a</p><p>b</p>"))
    assert content.text == "a\nb"
