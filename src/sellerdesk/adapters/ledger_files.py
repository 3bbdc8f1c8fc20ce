"""The after-sales ledger as files: CSV (standard library) and XLSX (openpyxl).

Both take the ledger's column names and rows of plain values; decimals are written exactly (CSV as
text, XLSX as numbers, since a spreadsheet user will add them up) and times as ISO 8601.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from sellerdesk.errors import SellerdeskError

FORMATS = ("csv", "xlsx")


def write_ledger(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]], *, fmt: str) -> int:
    """Write the ledger to *path* as *fmt* (``csv`` or ``xlsx``); return the number of rows written.

    Raises:
        SellerdeskError: the file cannot be written.
        ValueError: an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown ledger format {fmt!r}; use csv or xlsx")
    try:
        return _write_csv(path, columns, rows) if fmt == "csv" else _write_xlsx(path, columns, rows)
    except OSError as exc:
        raise SellerdeskError(f"cannot write the ledger to {path}: {exc.strerror}; check the path") from exc


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else str(_cell(v)) for v in row])
            count += 1
    return count


def _write_xlsx(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("ledger")
    sheet.append(list(columns))
    count = 0
    for row in rows:
        sheet.append([_cell(v) for v in row])
        count += 1
    book.save(path)
    return count

