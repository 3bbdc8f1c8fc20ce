"""``sellerdesk parse-email PATH...``: parse saved mails (``.eml`` files or folders of them).

Out, one JSON line per file (contracts §3): ``{"file", "kind", "order_id", "asin", "buyer_name",
"buyer_alias", "marketplace", "subject", "text", "language", "intent", "message_key"}``, with
null where a field is absent. ``--all-fields`` adds everything else the parser found. A file
that cannot be read or is not an e-mail gives ``{"file", "error"}`` and exit status 1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from sellerdesk.cli.base import cli
from sellerdesk.core.amazon_mail import PARSER_VERSION, parse_relay_mail, thread_key
from sellerdesk.core.mail import ParsedMail
from sellerdesk.errors import MessageParseError

CONTRACT_FIELDS = (
    "kind", "order_id", "asin", "buyer_name", "buyer_alias", "marketplace", "subject", "text", "language",
    "intent", "message_key",
)
"""The output fields of contracts §3, after ``file``."""


def mail_files(paths: tuple[str, ...]) -> Iterator[tuple[str, Path | None]]:
    """Yield ``(shown name, path)`` per file to parse; a folder yields its ``.eml`` files, sorted.

    A path that does not exist, or a folder without ``.eml`` files, yields ``(name, None)``.
    """
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".eml")
            yield from ((str(p), p) for p in found)
            if not found:
                yield name, None
        else:
            yield name, path if path.exists() else None


def mail_line(parsed: ParsedMail, *, all_fields: bool) -> dict[str, Any]:
    """The JSON fields of one parsed mail (contract fields, and with *all_fields* the rest)."""
    out: dict[str, Any] = {name: getattr(parsed, name) for name in CONTRACT_FIELDS}
    out["kind"] = str(parsed.kind)
    if all_fields:
        out.update(
            notice_type=str(parsed.notice_type) if parsed.notice_type else None,
            asins=list(parsed.asins), item_titles=list(parsed.item_titles), subject_kind=parsed.subject_kind,
            quoted_text=parsed.quoted_text, comm_mgr_tok=parsed.comm_mgr_tok, message_id=parsed.message_id,
            related_message_id=parsed.related_message_id, thread_key=thread_key(parsed),
            date=parsed.date.isoformat() if parsed.date else None, from_address=parsed.from_address,
            attachments=[{"filename": a.filename, "content_type": a.content_type, "size": a.size}
                         for a in parsed.attachments],
            problems=list(parsed.problems), parser_version=PARSER_VERSION,
        )
    return out


@cli.command("parse-email")
@click.argument("paths", nargs=-1, required=True)
@click.option("--all-fields", is_flag=True, help="Add every field the parser found, not only the contract's.")
def parse_email(paths: tuple[str, ...], all_fields: bool) -> None:
    """Parse saved mails (.eml files or folders of them): one JSON line per file."""
    status = 0
    for name, path in mail_files(paths):
        line: dict[str, Any] = {"file": name}
        if path is None:
            line["error"] = f"{name}: no such file, or a folder without .eml files; check the path"
        else:
            try:
                line.update(mail_line(parse_relay_mail(path.read_bytes()), all_fields=all_fields))
            except OSError as exc:
                line["error"] = f"{name}: cannot read ({exc.strerror}); check the path and its permissions"
            except MessageParseError as exc:
                line["error"] = f"{name}: {exc}"
        status = 1 if "error" in line else status
        click.echo(json.dumps(line, ensure_ascii=False))
    raise SystemExit(status)
