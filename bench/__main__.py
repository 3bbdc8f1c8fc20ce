"""``python -m bench``: list the benchmarks with their first docstring line and how to run them."""

from __future__ import annotations

import ast
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Print one line per benchmark script."""
    print("Benchmarks (run one with: .venv/bin/python -m bench.NAME --help); figures in BENCHMARKS.md\n")
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        print(f"  {path.stem:<18} {doc.splitlines()[0] if doc else ''}")


if __name__ == "__main__":
    main()
