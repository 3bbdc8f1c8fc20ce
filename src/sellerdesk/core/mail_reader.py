"""Reading a mail's bytes into the standard library's ``Message`` tree, without its feed parser's overhead.

``email.message_from_bytes`` (policy ``compat32``) spends most of its time on generator plumbing
for input that may arrive in pieces, and on compiling one regular expression per multipart
boundary. :func:`read_message` has the whole mail at hand, so it applies the same rules in plain
loops over the lines: the same headers (raw, in order), payloads, preambles, epilogues, default
types and nesting, so that everything built on the ``Message`` API reads the same tree.
``Message.defects`` stays empty: nothing in sellerdesk reads it. A property test compares the
trees with the standard library's on generated, damaged and arbitrary mails.
"""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import Callable
from email.message import Message

_HEADER_LINE = re.compile(r"^(From |[\041-\071\073-\176]*:|[\t ])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # .match(): a line that is nothing but its line break
_BREAK_AT_START = re.compile(r"(\r\n|\r|\n)")
_BREAK_AT_END = re.compile(r"(\r\n|\r|\n)\Z")
_BOUNDARY_TAIL = re.compile(r"(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")


def read_message(raw: bytes) -> Message:
    """Parse *raw* as ``email.message_from_bytes(raw)`` does (policy ``compat32``), faster.

    Non-ASCII bytes become surrogate escapes, exactly as the standard library keeps them.
    """
    return _Reader(raw.decode("ascii", "surrogateescape")).read(None)


def _without_line_break(text: str) -> str:
    end = _BREAK_AT_END.search(text)
    return text[: -len(end.group(0))] if end else text


class _Lines:
    """The mail's lines (each with its own line break) and the lines that end the part being read."""

    def __init__(self, text: str) -> None:
        # Split as the standard library splits: on \r\n, \r and \n, keeping them.
        self._lines = deque(io.StringIO(text, newline="").readlines())
        self.ends: list[Callable[[str], object]] = []

    def readline(self) -> str:
        """The next line, or "" at the end of the mail or of the part (a boundary of an enclosing part)."""
        if not self._lines:
            return ""
        line = self._lines.popleft()
        for at_end in self.ends:
            if at_end(line):
                self._lines.appendleft(line)
                return ""
        return line

    def unreadline(self, line: str) -> None:
        """Put *line* back in front."""
        self._lines.appendleft(line)

    def rest(self) -> list[str]:
        """Every line up to the end of the part."""
        lines = []
        while line := self.readline():
            lines.append(line)
        return lines


class _Reader:
    """One pass over the lines, building the tree as ``email.feedparser.FeedParser`` does."""

    def __init__(self, text: str) -> None:
        self._lines = _Lines(text)
        self._last: Message | None = None  # the message created last: its final line break goes to a boundary
        self._last_is_multipart = False

    def read(self, parent: Message | None, *, in_digest: bool = False) -> Message:
        """Read one message (headers and body) from the current line; attach it to *parent*.

        *in_digest*: the parent is a multipart/digest, whose parts are mails by default.
        """
        message = Message()
        if in_digest:
            message.set_default_type("message/rfc822")
        if parent is not None:
            parent.attach(message)
        self._last = message
        headers: list[str] = []
        while line := self._lines.readline():
            if not _HEADER_LINE.match(line):
                if not _LINE_BREAK.match(line):  # no blank line: the body starts here
                    self._lines.unreadline(line)
                break
            headers.append(line)
        self._set_headers(message, headers)
        ctype = message.get_content_type()
        maintype = ctype.partition("/")[0]
        self._last_is_multipart = maintype == "multipart"  # self._last is still this message
        if ctype == "message/delivery-status":
            self._read_status_blocks(message)
        elif maintype == "message":
            self.read(message)
        elif maintype == "multipart":
            self._read_multipart(message, digest=ctype == "multipart/digest")
        else:
            message.set_payload("".join(self._lines.rest()))
        return message

    def _set_headers(self, message: Message, lines: list[str]) -> None:
        value: list[str] = []
        for number, line in enumerate(lines):
            if line[0] in " \t":
                if value:  # a continuation before any header is dropped
                    value.append(line)
                continue
            if value:
                message.set_raw(*message.policy.header_source_parse(value))
                value = []
            if line.startswith("From "):
                if number == 0:
                    message.set_unixfrom(_without_line_break(line))
                elif number == len(lines) - 1:  # the first line of the body
                    self._lines.unreadline(line)
                    return
                continue
            if line.find(":") > 0:  # a line starting with ":" has no name and is dropped
                value = [line]
        if value:
            message.set_raw(*message.policy.header_source_parse(value))

    def _read_status_blocks(self, message: Message) -> None:
        # message/delivery-status: blocks of headers separated by blank lines, one message each.
        while True:
            self._lines.ends.append(_LINE_BREAK.match)
            self.read(message)
            self._lines.ends.pop()
            self._lines.readline()  # the blank line
            line = self._lines.readline()
            if not line:
                return
            self._lines.unreadline(line)

    def _read_multipart(self, message: Message, *, digest: bool) -> None:
        boundary = message.get_boundary()
        if boundary is None:
            message.set_payload("".join(self._lines.rest()))
            return
        separator = "--" + boundary

        def at_boundary(line: str) -> re.Match[str] | None:
            return _BOUNDARY_TAIL.match(line, len(separator)) if line.startswith(separator) else None

        preamble: list[str] | None = []
        close: re.Match[str] | None = None
        while line := self._lines.readline():
            found = at_boundary(line)
            if found is None:
                if preamble is not None:
                    preamble.append(line)
                continue
            if found.group("end"):
                close = found
                break
            if preamble is not None:  # the first boundary: the preamble's last line break belongs to it
                if preamble:
                    preamble[-1] = _without_line_break(preamble[-1])
                    message.preamble = "".join(preamble)
                preamble = None
                self._lines.unreadline(line)
                continue
            while at_boundary(line := self._lines.readline()):  # repeated boundary lines hold no part
                pass
            self._lines.unreadline(line)
            self._lines.ends.append(at_boundary)
            self.read(message, in_digest=digest)
            self._trim_last()
            self._lines.ends.pop()
            self._last, self._last_is_multipart = message, True
        if preamble is not None:  # no boundary at all: the text is the payload
            message.set_payload("".join(preamble))
            self._lines.rest()
            message.epilogue = ""
            return
        if close is None:
            return
        epilogue = ([""] if close.group("linesep") else []) + self._lines.rest()
        if epilogue:
            start = _BREAK_AT_START.match(epilogue[0])
            if start:
                epilogue[0] = epilogue[0][len(start.group(0)):]
        message.epilogue = "".join(epilogue)

    def _trim_last(self) -> None:
        # The line break before a boundary belongs to the boundary, not to the part before it.
        last = self._last
        assert last is not None
        if self._last_is_multipart:
            if last.epilogue == "":
                last.epilogue = None
            elif last.epilogue is not None:
                last.epilogue = _without_line_break(last.epilogue)
        else:
            # The raw payload, as the standard library's parser reads it (get_payload() would decode).
            payload = last._payload  # type: ignore[attr-defined]
            if isinstance(payload, str):
                last.set_payload(_without_line_break(payload))
