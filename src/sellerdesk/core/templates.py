"""Reply templates: a strict ``{variable}`` renderer and the template library (pure).

Templates use the ``{variable}`` form sellers already know from the contracts and Seller Central
(``{buyer_name}``, ``{order_id}``...). The renderer is a small one of our own rather than Jinja2 or
``str.format``: a template may only name variables, so there is nothing to sandbox (``str.format``
would allow ``{order.__class__}``; Jinja2 would allow expressions and needs ``{{ }}``, which the
compliance guard rightly reports as a leftover). ``{{`` and ``}}`` stand for literal braces.

Rendering is strict: :func:`missing_variables` lists what the values do not provide, so a caller
can prompt for it, and :func:`render` raises :class:`TemplateError` naming every missing variable
instead of leaving a placeholder in a buyer's message.

A :class:`Library` holds, per language, the parts a draft is built from (see ``docs/templates.md``):
greetings, closings, holding replies, order-fact sentences, small words and, per intent, body
variants (optionally per order state). :func:`parse_library` reads one language's TOML text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sellerdesk.errors import TemplateError

VARIABLES: dict[str, str] = {
    "buyer_name": "the buyer's name as Amazon shows it",
    "order_id": "the Amazon order ID, e.g. 114-1234567-1234567",
    "order_ref": "'order 114-...' or 'your order' when the order is unknown",
    "product_name": "the title of the ordered item (or 'the item')",
    "asin": "the item's ASIN",
    "sku": "the seller's SKU of the item",
    "quantity": "how many of the item were ordered",
    "tracking_number": "the parcel's tracking number",
    "carrier": "the carrier's name, e.g. UPS, DHL, Amazon Logistics",
    "ship_date": "the date the order shipped",
    "delivery_date": "the latest expected delivery date",
    "delivery_start": "the first day of the delivery window",
    "delivery_end": "the last day of the delivery window",
    "order_facts": "the order's status, tracking and delivery window in one or two sentences",
    "store_name": "the store's name",
    "signature": "the store's signature (defaults to the store's name)",
    "marketplace": "the marketplace's two-letter code, e.g. DE",
    "tip": "a fact from the product knowledge base",
    "checking": "what is being checked (holding replies)",
    "problem": "the buyer's problem as the seller understood it (after-sales messages)",
    "reason": "why a replacement was refused (after-sales messages)",
}
"""Every variable a template may use, with what it stands for."""

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")

ORDER_STATES: tuple[str, ...] = ("open", "shipped", "delivered", "cancelled", "unknown")
"""Order states a body may be written for; ``unknown`` means the message names no known order."""


def variables_of(text: str) -> tuple[str, ...]:
    """The variables *text* uses, in order of first use.

    Raises:
        TemplateError: a brace that opens no variable, or a variable name that is not known.
    """
    names: list[str] = []
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            raise TemplateError(f"stray {token!r} at character {match.start()}; write {token * 2} for a literal brace")
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise TemplateError(f"{{{name}}} at character {match.start()} is not a variable name; "
                                f"use lower-case names such as {{order_id}}")
        if name not in VARIABLES:
            raise TemplateError(f"unknown variable {{{name}}}; use one of {', '.join(sorted(VARIABLES))}")
        if name not in names:
            names.append(name)
    return tuple(names)


def missing_variables(text: str, values: Mapping[str, str | None]) -> tuple[str, ...]:
    """The variables of *text* that *values* does not provide (absent, None or blank): ask for these."""
    return tuple(name for name in variables_of(text) if not (values.get(name) or "").strip())


def render(text: str, values: Mapping[str, str | None]) -> str:
    """Fill the variables of *text* from *values*.

    Raises:
        TemplateError: the template is invalid, or *values* lacks variables (all of them are named,
            so the caller can ask for them at once).
    """
    missing = missing_variables(text, values)
    if missing:
        raise TemplateError("the template needs " + ", ".join("{" + m + "}" for m in missing)
                            + "; provide them (the order does not)")

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return str(values[match.group(1).strip()]).strip()

    return _TOKEN.sub(fill, text)


@dataclass(frozen=True)
class Template:
    """One body variant: its id (``<language>/<intent>[/<state>]/<n>``) and text."""

    template_id: str
    language: str
    intent: str
    text: str


@dataclass(frozen=True)
class Language:
    """One language's parts of the library (see the module docstring)."""

    code: str
    greetings: tuple[str, ...]
    greetings_anonymous: tuple[str, ...]
    closings: tuple[str, ...]
    holding: tuple[str, ...]
    facts: Mapping[str, str]
    words: Mapping[str, str]
    bodies: Mapping[tuple[str, str], tuple[Template, ...]] = field(default_factory=dict)

    def variants(self, intent: str, state: str) -> tuple[Template, ...]:
        """Body variants for *intent* written for order *state*, else the state-independent ones."""
        return self.bodies.get((intent, state)) or self.bodies.get((intent, "any"), ())


@dataclass(frozen=True)
class Library:
    """Templates by language code."""

    languages: Mapping[str, Language]

    def language(self, code: str) -> Language | None:
        """The parts for *code*, or None when the library has no such language."""
        return self.languages.get(code)

    def templates(self) -> tuple[Template, ...]:
        """Every body variant of every language."""
        return tuple(t for lang in self.languages.values() for ts in lang.bodies.values() for t in ts)


_PART_KEYS = ("greetings", "greetings_anonymous", "closings", "holding")


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise TemplateError(f"{where}: expected a non-empty list of strings")
    for text in value:
        try:
            variables_of(text)
        except TemplateError as exc:
            raise TemplateError(f"{where}: {exc}") from exc
    return tuple(value)


def parse_library(text: str, *, language: str, source: str = "<library>") -> Language:
    """Read one language's templates from TOML *text* (the format of ``src/sellerdesk/templates/*.toml``).

    Raises:
        TemplateError: invalid TOML, a missing part or an invalid template (the message names where).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML ({exc})") from exc
    parts = {key: _strings(data.get(key), f"{source} [{key}]") for key in _PART_KEYS}
    tables = {}
    for key in ("facts", "words"):
        table = data.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise TemplateError(f"{source} [{key}]: expected a table of strings")
        for name, value in table.items():
            _strings(value, f"{source} [{key}].{name}")
        tables[key] = table
    bodies: dict[tuple[str, str], tuple[Template, ...]] = {}
    for intent, states in (data.get("intents") or {}).items():
        if not isinstance(states, dict):
            raise TemplateError(f"{source} [intents.{intent}]: expected a table of variant lists")
        for state, variants in states.items():
            if state != "any" and state not in ORDER_STATES:
                raise TemplateError(f"{source} [intents.{intent}].{state}: use 'any' or one of "
                                    f"{', '.join(ORDER_STATES)}")
            texts = _strings(variants, f"{source} [intents.{intent}].{state}")
            prefix = f"{language}/{intent}" if state == "any" else f"{language}/{intent}/{state}"
            bodies[(intent, state)] = tuple(Template(f"{prefix}/{n}", language, intent, t.strip())
                                            for n, t in enumerate(texts, start=1))
    return Language(code=language, greetings=parts["greetings"], greetings_anonymous=parts["greetings_anonymous"],
                    closings=parts["closings"], holding=parts["holding"], facts=tables["facts"],
                    words=tables["words"], bodies=bodies)
