"""UI languages: English (the source strings) and Simplified Chinese, from Babel catalogues.

The ``.po`` files under ``locale/`` are the committed source; they are compiled in memory
when the app starts, so nothing generated has to be kept in step with them. Templates
translate with ``_("...")``, which Babel's Jinja2 extractor finds (``babel.cfg``).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Mapping
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGES: Mapping[str, str] = {"en": "English", "zh_Hans": "简体中文"}
"""UI language code -> its name in that language (for the switch)."""
HTML_LANG = {"en": "en", "zh_Hans": "zh-Hans"}


def load_catalogues(locale_dir: Path = LOCALE_DIR) -> dict[str, gettext.NullTranslations]:
    """Every UI language's translations, compiled from its ``messages.po``."""
    catalogues: dict[str, gettext.NullTranslations] = {DEFAULT_LANGUAGE: gettext.NullTranslations()}
    for language in LANGUAGES:
        po = locale_dir / language / "LC_MESSAGES" / "messages.po"
        if language == DEFAULT_LANGUAGE or not po.exists():
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogues[language] = Translations(compiled)
    return catalogues


def pick_language(*, user_language: str | None, session_language: str | None, accept_language: str) -> str:
    """The UI language: the user's choice, else the session's, else the browser's, else English."""
    for choice in (user_language, session_language):
        if choice is not None and choice in LANGUAGES:
            return choice
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh") and not tag.startswith(("zh-tw", "zh-hk", "zh-hant")):
            return "zh_Hans"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANGUAGE


def _(message: str) -> str:
    """Mark *message* for extraction; templates translate it when it is shown."""
    return message


DYNAMIC_MESSAGES = (
    _("admin"), _("agent"), _("viewer"),
    _("open"), _("answered"), _("closed"),
    _("pass"), _("warn"), _("block"), _("info"),
    _("Error"), _("Not allowed"), _("Not found"), _("Too many attempts"), _("Database unavailable"),
)
"""Strings that reach the templates as values (roles, thread states, verdicts, error titles)."""
