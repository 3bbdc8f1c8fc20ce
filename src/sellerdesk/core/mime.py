"""MIME decoding that never gives up: charsets, RFC 2047 words, HTML bodies, attachments.

Works on :class:`email.message.Message` objects of the standard library's fast ``compat32``
policy. Real mail lies about its charset (UTF-8 labelled ``iso-8859-1``, Japanese labelled
``shift_jis`` using Microsoft's extensions, no label at all), so every decode falls back step by
step and says what it did in ``problems`` instead of raising.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
from dataclasses import dataclass, field
from email.message import Message

import charset_normalizer

from sellerdesk.core.mail import MailAttachment

# Labels that name a narrower charset than the one senders really use: decode with the superset.
_SUPERSETS = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "ms932": "cp932",
    "windows-31j": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "ansi_x3.4-1968": "cp1252",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp", "csiso2022jp": "iso2022_jp",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
}
_JIS_VIA_CP932 = "iso-2022-jp as cp932"
_JIS_ESCAPES = {b"\x1b(B": "ascii", b"\x1b(J": "ascii", b"\x1b$B": "jis", b"\x1b$@": "jis", b"\x1b(I": "kana"}
# What to try next when the declared codec fails on the bytes.
_FALLBACKS = {
    "iso2022_jp": (_JIS_VIA_CP932, "iso2022_jp_2004", "iso2022_jp_2", "iso2022_jp_ext"),
    "cp932": ("shift_jis_2004", "euc_jp"),
    "euc_jp": ("cp932",),
}
# Single-byte labels that are very often UTF-8 in disguise.
_SINGLE_BYTE = frozenset({"cp1252", "cp1250", "cp1254", "iso8859-15", "iso8859-2", "iso8859-9"})

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
_WORD_GAP = re.compile(r"(\?=)[ \t\r\n]+(?==\?)")
_Q_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")

_NOT_BASE64 = re.compile(rb"[^A-Za-z0-9+/]")
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)
_MAX_DEPTH = 12
_MAX_PARTS = 200


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, str | None]:
    """Decode *data* that claims to be in *charset*, falling back until something fits.

    Returns the text and a problem description when the label was missing, unknown or wrong
    (``None`` when the label was right). Never raises: the last resort replaces bad bytes.
    """
    if data.isascii():
        # ISO-2022-JP is 7-bit: an ASCII-only body may still need its codec.
        if charset and "2022" in charset.lower() and b"\x1b" in data:
            return _decode_declared(data, charset)
        return data.decode("ascii"), None
    if not charset:
        return _guess(data, "no charset declared")
    return _decode_declared(data, charset)


def _decode_declared(data: bytes, charset: str) -> tuple[str, str | None]:
    label = charset.strip().strip('"').lower()
    codec = _SUPERSETS.get(label, label)
    try:
        codec = codecs.lookup(codec).name
    except (LookupError, ValueError):  # unknown, or not even a name (NUL, raw 8-bit bytes)
        return _guess(data, f"unknown charset {charset!r}")
    if codec in _SINGLE_BYTE:
        # A Latin-1 label on valid non-ASCII UTF-8 is a mislabel: Latin-1 text almost never
        # happens to be valid UTF-8.
        try:
            return data.decode("utf-8"), f"declared charset {charset!r} but the bytes are UTF-8"
        except UnicodeDecodeError:
            pass
    for candidate in (codec, *_FALLBACKS.get(codec, ())):
        try:
            text = _jis_via_cp932(data) if candidate == _JIS_VIA_CP932 else data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, None if candidate == codec else f"declared charset {charset!r}; decoded as {candidate}"
    return _guess(data, f"bytes do not fit the declared charset {charset!r}")


def _jis_via_cp932(data: bytes) -> str:
    """Decode ISO-2022-JP as Windows writes it (CP50220): JIS rows with NEC and IBM extensions.

    Python's codec refuses those rows (circled digits, ㈱...), so the JIS pairs are turned into
    Shift_JIS arithmetically and decoded as cp932, which has them.
    """
    out = bytearray()
    mode = "ascii"
    i = 0
    while i < len(data):
        if data.startswith(b"\x1b", i):
            mode = _JIS_ESCAPES.get(data[i:i + 3], "")
            if not mode:  # JIS X 0212/0213 and others: leave them to the codecs that know them
                raise UnicodeDecodeError("iso-2022-jp", data, i, i + 3, "escape sequence without a cp932 mapping")
            i += 3
            continue
        byte = data[i]
        if mode == "jis" and 0x21 <= byte <= 0x7E and i + 1 < len(data):
            high, low = byte, data[i + 1]
            first = (high + 1) // 2 + 0x70
            first += 0x40 if first >= 0xA0 else 0
            second = low + (0x1F + (low >= 0x60) if high % 2 else 0x7E)
            out += bytes((first, second & 0xFF))
            i += 2
            continue
        out.append(byte + 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
        i += 1
    return out.decode("cp932")


def _guess(data: bytes, why: str) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), f"{why}; decoded as utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:5000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), f"{why}; detected {best.encoding}"
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("cp1252", errors="replace"), f"{why}; decoded as windows-1252 with replacements"


def decode_header_value(value: str | None) -> tuple[str, tuple[str, ...]]:
    """Decode a raw header value: RFC 2047 encoded words and raw 8-bit bytes.

    *value* is the value as ``compat32`` gives it (raw 8-bit bytes appear as surrogate
    escapes). Adjacent encoded words of one charset are joined before decoding, because
    senders split multi-byte characters across them. Returns the text and any problems.
    """
    if not value:
        return "", ()
    problems: list[str] = []
    if not value.isascii():
        raw = value.encode("utf-8", "surrogateescape")
        value, problem = decode_bytes(raw, "utf-8")
        if problem:
            problems.append(f"header: {problem}")
    if "=?" not in value:
        return _unfold(value), tuple(problems)
    value = _WORD_GAP.sub(r"\1", value)
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset = ""
    position = 0

    def flush() -> None:
        if pending:
            text, problem = decode_bytes(b"".join(pending), pending_charset or None)
            out.append(text)
            if problem:
                problems.append(f"header: {problem}")
            pending.clear()

    for match in _ENCODED_WORD.finditer(value):
        if match.start() > position:
            flush()
            out.append(value[position:match.start()])
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 language suffix
        if charset != pending_charset:
            flush()
            pending_charset = charset
        pending.append(_decode_word(match.group(2), match.group(3)))
        position = match.end()
    flush()
    out.append(value[position:])
    return _unfold("".join(out)), tuple(problems)


def _decode_word(encoding: str, payload: str) -> bytes:
    data = payload.encode("ascii", "replace")
    if encoding in "Bb":
        data = data + b"=" * (-len(data) % 4)
        try:
            return base64.b64decode(data)
        except (binascii.Error, ValueError):
            return data
    return _Q_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), data.replace(b"_", b" "))


def _unfold(value: str) -> str:
    return " ".join(value.split()) if ("\n" in value or "\r" in value or "\t" in value) else value.strip()


_DROP_BLOCKS = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
# Runs of white space other than a lone space (which would be replaced by itself).
_WHITESPACE = re.compile(r"[\t\r\n\f\v][ \t\r\n\f\v]*| [ \t\r\n\f\v]+")
_QUOTE_OPEN = re.compile(r"<blockquote\b[^>]*>", re.I)
_QUOTE_CLOSE = re.compile(r"</blockquote\s*>", re.I)
_LINE_BREAK = re.compile(r"<br\s*/?>", re.I)
_BLOCK = re.compile(r"</?(?:p|div|tr|li|h[1-6]|table|ul|ol|pre|hr|center)\b[^>]*>", re.I)
_TAGS = re.compile(r"<[^>]*>")
_TOKENS = re.compile(r"([\n\x01\x02\x03])")
_SPACES = re.compile(r"[\t\r\f\v\xa0][ \t\r\f\v\xa0]*| [ \t\r\f\v\xa0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
# Placeholders that survive tag removal: \x01 a block edge, \x02/\x03 a quote's start/end.
_BLOCK_EDGE, _QUOTE_START, _QUOTE_END = "\x01", "\x02", "\x03"


def html_to_text(markup: str) -> str:
    """Turn an HTML body into plain text as a browser would lay it out.

    Source line breaks are spaces; ``<br>`` breaks a line; block elements start a new line
    (but never add an empty one); quoted blocks (``<blockquote>``) get ``> `` prefixes.
    """
    markup = _WHITESPACE.sub(" ", _DROP_BLOCKS.sub(" ", markup.replace("\x00", "")))
    markup = _QUOTE_CLOSE.sub(_QUOTE_END, _QUOTE_OPEN.sub(_QUOTE_START, markup))
    markup = _BLOCK.sub(_BLOCK_EDGE, _LINE_BREAK.sub("\n", markup))
    text = html.unescape(_TAGS.sub("", markup))
    lines: list[str] = []
    pieces = _TOKENS.split(text)  # text, mark, text, mark, ..., text
    current = pieces[0]
    depth = 0
    for index in range(1, len(pieces), 2):
        mark = pieces[index]
        # A line break always ends the line; a block edge or quote mark only a line with words.
        if mark == "\n" or current.strip():
            line = _SPACES.sub(" ", current).strip()
            lines.append("> " * depth + line if depth and line else line)
            current = ""
        if mark == _QUOTE_START:
            depth += 1
        elif mark == _QUOTE_END:
            depth = max(0, depth - 1)
        current += pieces[index + 1]
    if current.strip():
        lines.append("> " * depth + _SPACES.sub(" ", current).strip() if depth else _SPACES.sub(" ", current).strip())
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


@dataclass
class MimeContent:
    """What a mail's MIME tree holds, decoded."""

    plain: str | None = None  # the first inline text/plain body
    html: str | None = None  # the first inline text/html body (markup, not converted)
    attachments: list[MailAttachment] = field(default_factory=list)
    embedded_headers: list[str] = field(default_factory=list)  # headers of attached mails (bounces)
    is_report: bool = False  # a multipart/report: a delivery status notification
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body as plain text: the text/plain part, else the HTML part converted."""
        if self.plain is not None and self.plain.strip():
            return self.plain
        if self.html is not None:
            return html_to_text(self.html)
        return self.plain or ""


def extract_content(message: Message) -> MimeContent:
    """Walk *message*'s MIME tree and decode bodies, attachments and attached mails' headers."""
    content = MimeContent()
    content.is_report = message.get_content_type() == "multipart/report"
    _walk(message, content, depth=0, seen=[0], parent="")
    return content


def _walk(part: Message, content: MimeContent, *, depth: int, seen: list[int], parent: str) -> None:
    seen[0] += 1
    if depth > _MAX_DEPTH or seen[0] > _MAX_PARTS:
        content.problems.append("MIME tree too deep or too large; the rest was skipped")
        return
    # One pass over the raw headers: the stdlib's accessors re-scan and re-parse them per call.
    headers: dict[str, str] = {}
    for name, value in part.raw_items():
        headers.setdefault(name.lower(), str(value))
    raw_type = headers.get("content-type", "")
    ctype = raw_type.partition(";")[0].strip().lower()
    if ctype.count("/") != 1:
        ctype = part.get_default_type()
    # A leaf's payload is read once, below, in the form its transfer encoding needs.
    payload = part.get_payload() if part.is_multipart() else None
    if ctype == "message/rfc822" or (ctype.startswith("message/") and isinstance(payload, list)):
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            content.embedded_headers.append("".join(f"{k}: {v}\n" for k, v in inner.items()))
        return
    if isinstance(payload, list):
        for child in payload:
            if isinstance(child, Message):
                _walk(child, content, depth=depth + 1, seen=seen, parent=ctype)
        return
    data = _payload_bytes(part, encoding=headers.get("content-transfer-encoding", ""), content=content)
    disposition_header = headers.get("content-disposition")
    # Parsing parameters is the slow part of the stdlib: only for parts that may carry a name.
    filename = part.get_filename() if disposition_header is not None or "name" in raw_type.lower() else None
    if filename is not None:
        filename, header_problems = decode_header_value(str(filename))
        content.problems.extend(header_problems)
    attached = disposition_header is not None and disposition_header.lstrip().lower().startswith("attachment")
    if ctype in ("text/rfc822-headers", "message/delivery-status"):
        content.embedded_headers.append(data.decode("utf-8", "replace"))
        return
    if ctype in ("text/plain", "text/html") and not attached and filename is None:
        charset = _CHARSET_PARAM.search(raw_type)
        text, problem = decode_bytes(data, charset.group(1) if charset else None)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if problem:
            content.problems.append(f"{ctype} body: {problem}")
        if ctype == "text/plain" and content.plain is None:
            content.plain = text
            return
        if ctype == "text/html" and content.html is None:
            content.html = text
            return
        if parent == "multipart/mixed":
            # Mail programs split a body around inline pictures: the later pieces belong to it.
            if ctype == "text/plain" and content.plain is not None:
                content.plain += "\n" + text
                return
            if ctype == "text/html" and content.html is not None:
                content.html += text
                return
    content.attachments.append(MailAttachment(filename=filename, content_type=ctype, data=data))


def _payload_bytes(part: Message, *, encoding: str, content: MimeContent) -> bytes:
    encoding = encoding.strip().lower()
    payload = part.get_payload() if encoding in ("base64", "quoted-printable") else None
    if isinstance(payload, str):
        try:
            raw = payload.encode("ascii", "surrogateescape")
        except UnicodeEncodeError:  # a message built from str rather than bytes
            raw = payload.encode("utf-8", "surrogateescape")
        if encoding == "base64":
            return _lenient_base64(raw, part.get_content_type(), content)
        return binascii.a2b_qp(raw)
    # 7bit, 8bit, binary, uuencode: the stdlib hands back the original bytes.
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _lenient_base64(raw: bytes, ctype: str, content: MimeContent) -> bytes:
    # The stdlib hands back the undecoded text when base64 is damaged; decode what is there.
    try:
        return binascii.a2b_base64(raw)
    except binascii.Error:
        cleaned = _NOT_BASE64.sub(b"", raw)
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4]
        content.problems.append(f"damaged base64 in a {ctype} part; decoded what was readable")
        try:
            return binascii.a2b_base64(cleaned)
        except binascii.Error:
            return b""
