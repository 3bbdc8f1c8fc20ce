"""The pure core imports nothing with I/O, and the shells do not import each other."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sellerdesk"
FORBIDDEN_IN_CORE = (
    "sellerdesk.adapters", "sellerdesk.services", "sellerdesk.cli", "sellerdesk.web", "sellerdesk.config",
    "sqlalchemy", "httpx", "requests", "socket", "imaplib", "smtplib", "imapclient", "aiosmtpd",
    "subprocess", "asyncio", "urllib.request", "http.client", "psycopg", "sqlite3",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def offending(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((SRC / folder).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(SRC)} imports {name}")
    return found


def test_core_is_pure() -> None:
    assert offending("core", FORBIDDEN_IN_CORE) == []


def test_cli_and_web_do_not_import_each_other() -> None:
    assert offending("cli", ("sellerdesk.web",)) == []
    if (SRC / "web").exists():
        assert offending("web", ("sellerdesk.cli",)) == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("import socket\nfrom sqlalchemy import select\n")
    assert imported_modules(sample) >= {"socket", "sqlalchemy"}
