"""The product knowledge base of each store: import from YAML/CSV, look up by ASIN.

Entries are kept per store and ASIN (table ``knowledge``); importing an ASIN again replaces
its facts, so a seller can keep the file in their own spreadsheet and import it whenever it
changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import KnowledgeRow
from sellerdesk.core.knowledge import FIELDS, KnowledgeEntry, parse_knowledge


def import_entries(store: SqlStore, *, store_name: str, entries: Iterable[KnowledgeEntry],
                   now: datetime) -> dict[str, int]:
    """Add or replace *entries* in the knowledge base of *store_name* (created when new).

    Returns ``{"added", "updated"}`` counts.
    """
    store_id = store.ensure_store_named(store_name, now=now).id
    existing = {row.asin: row for row in store.session.scalars(
        select(KnowledgeRow).where(KnowledgeRow.store_id == store_id))}
    counts = {"added": 0, "updated": 0}
    for entry in entries:
        facts = {name: getattr(entry, name) for name in FIELDS if getattr(entry, name)}
        row = existing.get(entry.asin)
        if row is None:
            row = KnowledgeRow(store_id=store_id, asin=entry.asin, language=entry.language, facts=facts,
                               updated_at=now)
            store.session.add(row)
            existing[entry.asin] = row
            counts["added"] += 1
        else:
            row.language, row.facts, row.updated_at = entry.language, facts, now
            counts["updated"] += 1
    store.session.flush()
    return counts


def import_file(store: SqlStore, *, store_name: str, text: str, source: str, now: datetime) -> dict[str, int]:
    """Parse a YAML or CSV file's *text* (by the name *source*) and import it.

    Raises:
        InputError: the file is not valid; the message names the entry or line.
    """
    return import_entries(store, store_name=store_name, entries=parse_knowledge(text, source=source), now=now)


def knowledge_of(store: SqlStore, *, store_name: str) -> dict[str, KnowledgeEntry]:
    """The knowledge base of *store_name* by ASIN (empty for an unknown store)."""
    found = store.find_store(store_name)
    if found is None:
        return {}
    rows = store.session.scalars(select(KnowledgeRow).where(KnowledgeRow.store_id == found.id))
    return {row.asin: KnowledgeEntry(asin=row.asin, language=row.language,
                                     **{k: v for k, v in (row.facts or {}).items() if k in FIELDS})
            for row in rows}
