"""Mail commands: parse-email, ingest, import, export, reparse, outbox (filled in as they land)."""

from __future__ import annotations
