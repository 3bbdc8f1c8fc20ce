"""JSON Lines in and out, as every batch command speaks it (contracts §3).

One result per input line, in order, carrying the input's ``id``. A malformed line gives
``{"id": ..., "error": "..."}`` and the batch carries on; the exit status is 0 when every
line was processed and 1 when any line errored.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

from sellerdesk.errors import InputError, SellerdeskError

Handler = Callable[[Mapping[str, Any]], Mapping[str, Any]]


def read_lines(stream: IO[bytes]) -> Iterator[tuple[int, Any, Mapping[str, Any] | str]]:
    """Yield ``(line_number, id, record_or_error)`` for each non-blank line of *stream*."""
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8 ({exc.reason} at byte {exc.start}); re-encode the file as UTF-8"
            yield number, None, f"line {number}: {reason}"
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(record, dict):
            yield number, None, f"line {number}: expected a JSON object such as {{\"id\": 1, \"text\": \"...\"}}"
            continue
        yield number, record.get("id"), record


def run_batch(stream: IO[bytes], out: IO[str], handler: Handler) -> int:
    """Apply *handler* to every record of *stream*, writing one JSON line per input line.

    Returns the exit status: 0 when every line was processed, 1 when any line errored.
    """
    status = 0
    for number, ident, record in read_lines(stream):
        result: dict[str, Any]
        if isinstance(record, str):
            result = {"id": ident, "error": record}
            status = 1
        else:
            try:
                result = {"id": ident, **handler(record)}
            except (InputError, SellerdeskError, ValueError, TypeError) as exc:
                result = {"id": ident, "error": f"line {number}: {exc}"}
                status = 1
        out.write(json.dumps(result, ensure_ascii=False, default=str) + "\n")
        out.flush()
    return status


def open_input(path: str) -> IO[bytes]:
    """Open *path* for reading bytes; ``-`` is standard input."""
    if path == "-":
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot open ({exc.strerror}); check the path") from exc


def require(record: Mapping[str, Any], name: str, kind: type = str) -> Any:
    """Return ``record[name]``, raising :class:`InputError` naming the field when it is missing or mistyped."""
    if name not in record or record[name] is None:
        raise InputError(f"missing field {name!r}")
    value = record[name]
    if not isinstance(value, kind):
        raise InputError(f"field {name!r} must be a {kind.__name__}, got {type(value).__name__}")
    return value
