"""The template library: the starter library shipped with sellerdesk, read once per process.

The starter library lives in ``sellerdesk/templates/<language>.toml`` (package data); its format
is described in ``docs/templates.md``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from sellerdesk.core.templates import Library, parse_library

STARTER_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "ja")
"""The languages of the starter library."""


@lru_cache(maxsize=1)
def starter_library() -> Library:
    """The starter library written by the project: every intent in every language of :data:`STARTER_LANGUAGES`.

    Raises:
        TemplateError: a library file is invalid (a packaging mistake; the message names the file).
    """
    folder = resources.files("sellerdesk") / "templates"
    languages = {}
    for code in STARTER_LANGUAGES:
        resource = folder / f"{code}.toml"
        if resource.is_file():
            languages[code] = parse_library(resource.read_text(encoding="utf-8"), language=code,
                                            source=f"sellerdesk/templates/{code}.toml")
    return Library(languages)
