"""The product knowledge base: what the seller knows about each ASIN (pure).

Sellers keep a few facts per ASIN (sizes, compatibility, care, set-up, known issues, notes) and
import them from YAML or CSV. A draft adds the fact that fits the buyer's intent ("runs small,
take one size up" for an exchange) as its "add value" step; see :meth:`KnowledgeEntry.tip_for`.

YAML: a list of mappings, or a mapping of ASIN to mapping. CSV: a header row naming the fields.
Fields: ``asin`` (required), ``language`` (optional ISO 639-1 code of the texts), and any of
:data:`FIELDS`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from sellerdesk.errors import InputError

FIELDS: tuple[str, ...] = ("sizes", "compatibility", "care", "setup", "known_issues", "contents", "notes")
"""The facts an entry may hold, each free text in the entry's language."""

TIPS_BY_INTENT: dict[str, tuple[str, ...]] = {
    "product_question": ("compatibility", "sizes", "notes"),
    "exchange": ("sizes",),
    "change_order": ("sizes",),
    "usage_help": ("setup", "care", "known_issues"),
    "damaged_defective": ("known_issues", "setup"),
    "missing_parts": ("contents",),
    "return_refund": ("sizes",),
}
"""Which facts add value to a reply of each intent, best first."""

_ASIN = re.compile(r"[A-Z0-9]{10}")


@dataclass(frozen=True)
class KnowledgeEntry:
    """What the seller knows about one ASIN."""

    asin: str
    language: str | None = None
    sizes: str | None = None
    compatibility: str | None = None
    care: str | None = None
    setup: str | None = None
    known_issues: str | None = None
    contents: str | None = None
    notes: str | None = None

    def tip_for(self, intent: str) -> str | None:
        """The fact that adds value to a reply of *intent*, or None when the entry has none."""
        for name in TIPS_BY_INTENT.get(intent, ()):
            value = getattr(self, name)
            if value:
                return str(value)
        return None

    def to_dict(self) -> dict[str, str | None]:
        """The entry as a flat mapping (the stored and exported form)."""
        return {"asin": self.asin, "language": self.language, **{name: getattr(self, name) for name in FIELDS}}


def entry_from_mapping(record: Mapping[str, Any], *, where: str) -> KnowledgeEntry:
    """Build one entry from a mapping of field names to texts.

    Raises:
        InputError: no valid ASIN, or a field that is not known (named with the choices).
    """
    asin = str(record.get("asin") or "").strip().upper()
    if not _ASIN.fullmatch(asin):
        raise InputError(f"{where}: 'asin' must be 10 letters or digits such as B0ABCDEF12, got {asin!r}")
    unknown = sorted(set(record) - {"asin", "language", *FIELDS})
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}; use {', '.join(FIELDS)}")
    values = {}
    for name in FIELDS:
        value = record.get(name)
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        values[name] = str(value).strip() if value not in (None, "") else None
    language = record.get("language")
    return KnowledgeEntry(asin=asin, language=str(language).strip().lower() if language else None, **values)


def parse_yaml(text: str, *, source: str = "<yaml>") -> list[KnowledgeEntry]:
    """Entries from YAML *text*: a list of mappings, or a mapping of ASIN to mapping.

    Raises:
        InputError: not YAML, or an entry that is not valid (the message names which).
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML ({exc})") from exc
    records: Iterable[Any]
    if isinstance(data, Mapping):
        records = [{"asin": asin, **(value if isinstance(value, Mapping) else {"notes": value})}
                   for asin, value in data.items()]
    elif isinstance(data, list):
        records = data
    else:
        raise InputError(f"{source}: expected a list of entries or a mapping of ASIN to entry")
    entries = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise InputError(f"{source}: entry {number} is not a mapping of field names to texts")
        entries.append(entry_from_mapping(record, where=f"{source} entry {number}"))
    return entries


def parse_csv(text: str, *, source: str = "<csv>") -> list[KnowledgeEntry]:
    """Entries from CSV *text* whose header row names the fields (``asin`` first is customary).

    Raises:
        InputError: no ``asin`` column, or a row that is not valid (the message names the line).
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    entries = []
    try:
        if not reader.fieldnames or "asin" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InputError(f"{source}: the header row needs an 'asin' column, e.g. asin,sizes,care")
        for row in reader:
            record = {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
            entries.append(entry_from_mapping(record, where=f"{source} line {reader.line_num}"))
    except csv.Error as exc:
        raise InputError(f"{source} line {reader.line_num}: not valid CSV ({exc})") from exc
    return entries


def parse_knowledge(text: str, *, source: str) -> list[KnowledgeEntry]:
    """Entries from a file's text, YAML or CSV by the name's suffix (``.csv``; anything else is YAML)."""
    if source.lower().endswith(".csv"):
        return parse_csv(text, source=source)
    return parse_yaml(text, source=source)
