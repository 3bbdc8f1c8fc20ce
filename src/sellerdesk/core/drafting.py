"""Reply drafts: intent + language + order facts + knowledge base -> a checked draft (pure).

A draft follows the structure that works with buyers: a greeting, the body (confirm the question,
answer it with the order's facts, next step), one fact from the product knowledge base that adds
value, and a closing. Bodies come from the template library (:mod:`sellerdesk.core.templates`);
``{order_facts}`` is filled with the sentences that fit the order's state (shipped with carrier and
tracking number, not shipped yet with the delivery window, delivered, cancelled).

Variation: greeting, body and closing each have variants; the caller passes the variants of the
previous drafts (``avoid``) and the store's recent replies (``history``), and the first combination
that is new and does not trip the near-duplicate rule wins.

The draft language is US English for the US marketplace and the buyer's language elsewhere when
the library has it (else the marketplace's language, else English). Every draft is checked by the
compliance guard; the result is attached, never hidden.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date

from sellerdesk.core.compliance import CheckContext, CheckResult, HistoryMessage, RuleSettings, check
from sellerdesk.core.knowledge import KnowledgeEntry
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.orders import OrderSnapshot
from sellerdesk.core.templates import Language, Library, Template, missing_variables, render
from sellerdesk.errors import TemplateError

NEEDED_FACTS: dict[str, tuple[str, ...]] = {
    "order_status": ("status", "delivery_date"),
    "tracking_request": ("tracking_number", "carrier"),
    "not_received": ("tracking_number", "carrier"),
    "shipping_options": ("delivery_date",),
    "cancel_order": ("order_id", "status"),
    "change_order": ("order_id", "status"),
    "return_refund": ("order_id",),
    "exchange": ("order_id",),
    "damaged_defective": ("order_id",),
    "missing_parts": ("order_id",),
    "wrong_item": ("order_id",),
    "invoice_request": ("order_id",),
    "payment_issue": ("order_id",),
    "complaint": ("order_id",),
}
"""The order facts a reply of each intent must state when the order provides them. ``status`` is
stated by the sentence of the order's state; the others by their values."""

_LOCALES = {"en": "en_US", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "it": "it_IT", "ja": "ja_JP"}
_TITLE_CHARS = 60
_JOINERS = {"ja": ""}  # Japanese sentences end in 。 and take no space between them


@dataclass(frozen=True)
class DraftRequest:
    """What a draft is built from. ``avoid`` lists the ``variant`` keys of the previous drafts."""

    intent: str
    language: str | None = None
    marketplace: str | None = None
    order: OrderSnapshot | None = None
    asin: str | None = None
    buyer_name: str | None = None
    store_name: str | None = None
    signature: str | None = None
    knowledge: KnowledgeEntry | None = None
    avoid: tuple[str, ...] = ()
    holding: bool = False
    checking: str | None = None
    history: Sequence[HistoryMessage] = ()
    replied_at: datetime | None = None


@dataclass(frozen=True)
class ComposedDraft:
    """A draft, the parts it was made of and the compliance guard's verdict on it."""

    text: str
    language: str
    intent: str
    template: str  # the body's template id, e.g. "de/order_status/2"
    variant: str  # body + greeting + closing, to pass back in DraftRequest.avoid
    facts: tuple[str, ...]  # the NEEDED_FACTS the text states
    check: CheckResult
    holding: bool = False
    tip: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)


def order_state(order: OrderSnapshot | None) -> str:
    """``unknown``, ``cancelled``, ``delivered``, ``shipped`` or ``open`` (not shipped yet)."""
    if order is None:
        return "unknown"
    if order.status == "cancelled":
        return "cancelled"
    if order.package_status == "delivered":
        return "delivered"
    if order.status in ("shipped", "partially_shipped"):
        return "shipped"
    return "open"


def reply_language(buyer_language: str | None, marketplace: str | None, *, available: Sequence[str]) -> str:
    """The language to answer in: English on the US marketplace, else the buyer's, else the marketplace's."""
    market = MARKETPLACES.get((marketplace or "").upper())
    if market is not None and market.code == "US":
        return "en"
    for candidate in (buyer_language, market.language if market else None):
        if candidate is not None and candidate in available:
            return candidate
    return "en" if "en" in available else available[0]


def _date(moment: datetime | None, *, language: str, marketplace: str | None) -> str | None:
    if moment is None:
        return None
    market = MARKETPLACES.get((marketplace or "").upper())
    local = moment.astimezone(ZoneInfo(market.timezone)) if market else moment
    return str(format_date(local.date(), format="long", locale=_LOCALES.get(language, "en_US")))


def _short_title(title: str) -> str:
    # Amazon titles run to 200 characters of keywords; the part before the first comma names the thing.
    head = title.split(",")[0].split(" - ")[0].split(" | ")[0].strip()
    return head if len(head) <= _TITLE_CHARS else head[:_TITLE_CHARS].rsplit(" ", 1)[0]


def order_values(request: DraftRequest, lang: Language) -> dict[str, str]:
    """The template variables the request provides (absent ones are left out)."""
    order = request.order
    values: dict[str, str] = {}
    words = lang.words
    # Blank strings count as absent: a variable is either filled with something or not used.
    buyer, store_name, signature = ((v or "").strip() for v in (request.buyer_name, request.store_name,
                                                                 request.signature))
    if buyer:
        values["buyer_name"] = buyer
    if store_name:
        values["store_name"] = store_name
    values["signature"] = signature or store_name or words.get("signature", "Customer service")
    if request.marketplace:
        values["marketplace"] = request.marketplace.upper()
    item = None
    if order is not None:
        market = request.marketplace or order.marketplace
        values["order_id"] = order.order_id
        item = next((i for i in order.items if request.asin and i.asin == request.asin),
                    order.items[0] if order.items else None)
        for name in ("carrier", "tracking_number"):
            value = (getattr(order, name) or "").strip()
            if value:
                values[name] = value
        dates = {"ship_date": order.ship_date, "delivery_start": order.delivery_start,
                 "delivery_end": order.delivery_end, "delivery_date": order.delivery_end}
        for name, moment in dates.items():
            text = _date(moment, language=lang.code, marketplace=market)
            if text:
                values[name] = text
    if item is not None:
        values.update(asin=item.asin, sku=item.sku, quantity=str(item.quantity))
        title = _short_title(item.title)
        if title:
            values["product_name"] = title
    elif request.asin:
        values["asin"] = request.asin
    values.setdefault("product_name", words.get("product_unknown", "the item"))
    known = "order_id" in values
    values["order_ref"] = render(words["order_ref_known" if known else "order_ref_unknown"], values)
    values["order_facts"] = _order_facts(order_state(order), values, lang)
    return values


_FACT_ORDER = {
    "shipped": (("shipped_tracking", "shipped_tracking_nodate", "shipped_tracking_nocarrier", "shipped_date",
                 "shipped"), ("window", "delivery_date")),
    "open": (("open",), ("window", "delivery_date"), ("no_tracking_yet",)),
    "delivered": (("delivered_tracking", "delivered"),),
    "cancelled": (("cancelled",),),
}


def _order_facts(state: str, values: Mapping[str, str], lang: Language) -> str:
    if state == "unknown":
        return lang.words["no_order"]
    sentences = []
    for choices in _FACT_ORDER[state]:
        for key in choices:
            text = lang.facts.get(key)
            if text and not missing_variables(text, values):
                if key == "window" and values.get("delivery_start") == values.get("delivery_end"):
                    continue  # a one-day window reads better as "due by"
                sentences.append(render(text, values))
                break
    return _JOINERS.get(lang.code, " ").join(sentences)


def _candidates(request: DraftRequest, lang: Language, bodies: Sequence[Template],
                greetings: Sequence[str]) -> list[tuple[str, Template, int, int]]:
    combos = [(f"{b.template_id}#g{g}c{c}", b, g, c)
              for b in bodies for g in range(len(greetings)) for c in range(len(lang.closings))]
    # A stable start per order spreads variants over a store's threads without any randomness.
    seed = zlib.crc32(f"{request.order.order_id if request.order else ''}|{request.intent}".encode())
    shift = seed % len(combos)
    combos = combos[shift:] + combos[:shift]
    # The body used longest ago (or never) first: it is what makes two drafts read differently.
    last_use = {key.split("#")[0]: n for n, key in enumerate(request.avoid)}
    return sorted(combos, key=lambda c: (last_use.get(c[1].template_id, -1), c[0] in request.avoid))


def compose(request: DraftRequest, library: Library, *, settings: RuleSettings | None = None) -> ComposedDraft:
    """Build the draft for *request* from *library* and check it.

    Raises:
        TemplateError: the library has no body for the intent in any usable language, or a body
            needs a variable the request cannot provide (the message names it).
    """
    code = reply_language(request.language, request.marketplace, available=tuple(library.languages))
    lang = library.languages[code]
    values = order_values(request, lang)
    state = order_state(request.order)
    tip = request.knowledge.tip_for(request.intent) if request.knowledge and (
        request.knowledge.language in (None, code)) else None
    if request.holding:
        values["checking"] = request.checking or render(lang.words["checking"], values)
        bodies = tuple(Template(f"{code}/holding/{n}", code, request.intent, t)
                       for n, t in enumerate(lang.holding, start=1))
    else:
        bodies = lang.variants(request.intent, state) or lang.variants("other", state)
    if not bodies:
        raise TemplateError(f"the {code} library has no template for intent {request.intent!r}; add one")
    greetings = lang.greetings if "buyer_name" in values else lang.greetings_anonymous
    context = check_context(request)
    first: ComposedDraft | None = None
    for variant, body, g, c in _candidates(request, lang, bodies, greetings):
        parts = [render(greetings[g], values), render(body.text, values)]
        if tip and not request.holding:
            parts.append(render(lang.words["kb_lead"], {**values, "tip": tip}))
        parts.append(render(lang.closings[c], values))
        text = "\n\n".join(parts)
        result = check(text, kind="reply", context=context, settings=settings)
        draft = ComposedDraft(text=text, language=code, intent=request.intent, template=body.template_id,
                              variant=variant, facts=stated_facts(text, request.intent, values, state),
                              check=result, holding=request.holding, tip=tip, values=values)
        if not result.blocked:
            return draft
        first = first or draft
        if "near_duplicate" not in result.rules():
            break  # another wording only helps against the near-duplicate rule
    assert first is not None
    return first


def check_context(request: DraftRequest) -> CheckContext:
    """What the compliance guard needs to know around a draft for *request*."""
    return CheckContext(marketplace=request.marketplace, order_id=request.order.order_id if request.order else None,
                        buyer_language=request.language, history=request.history, replied_at=request.replied_at)


def written_draft(text: str, *, request: DraftRequest, example: ComposedDraft,
                  settings: RuleSettings | None = None) -> ComposedDraft:
    """A draft written elsewhere (a language model) for *request*, checked like every other draft.

    *example* is the template draft the writer was grounded with; its values decide which facts
    the text is counted as stating.
    """
    result = check(text, kind="reply", context=check_context(request), settings=settings)
    state = order_state(request.order)
    return ComposedDraft(text=text, language=example.language, intent=request.intent, template="llm", variant="llm",
                         facts=stated_facts(text, request.intent, example.values, state), check=result,
                         tip=example.tip, values=example.values)


def stated_facts(text: str, intent: str, values: Mapping[str, str], state: str) -> tuple[str, ...]:
    """The facts of ``NEEDED_FACTS[intent]`` that *text* states."""
    stated = []
    for name in NEEDED_FACTS.get(intent, ()):
        if name == "status":
            if state != "unknown":
                stated.append(name)
        elif values.get(name) and values[name] in text:
            stated.append(name)
    return tuple(stated)


def needed_facts(intent: str, order: OrderSnapshot | None) -> tuple[str, ...]:
    """The facts of ``NEEDED_FACTS[intent]`` that *order* provides (so a draft must state them)."""
    if order is None:
        return ()
    have = {"order_id": True, "status": True, "tracking_number": bool(order.tracking_number),
            "carrier": bool(order.carrier and order.tracking_number) and order_state(order) != "open",
            "delivery_date": bool(order.delivery_end) and order_state(order) in ("open", "shipped")}
    return tuple(name for name in NEEDED_FACTS.get(intent, ()) if have.get(name))


_RULES_FOR_WRITERS = (
    "Answer only the buyer's question about this order; no marketing, promotions or other products.",
    "Never ask for a review or feedback, and never offer anything for one.",
    "No e-mail addresses, phone numbers, links outside Amazon, or contact outside Amazon.",
    "Use only the facts given below; never invent dates, tracking numbers or promises.",
    "No placeholders such as [Name] or {order_id}; no emoji; no text in capitals for emphasis.",
    "Structure: confirm the question, answer it with the facts, add the product fact if it helps, say the next step.",
)


def grounding(request: DraftRequest, library: Library, *, message: str) -> list[dict[str, str]]:
    """Chat messages that ground a language model in the thread, the order, the knowledge base and the rules.

    The template draft of *request* is given as an example of tone and content, so a model adds
    wording, not facts.
    """
    example = compose(request, library)
    values = example.values
    language = example.language
    facts = {name: values[name] for name in ("order_id", "product_name", "carrier", "tracking_number", "ship_date",
                                             "delivery_start", "delivery_end") if name in values}
    lines = [f"- {name}: {value}" for name, value in facts.items()]
    lines.append(f"- order state: {order_state(request.order)} ({values.get('order_facts', '')})")
    if example.tip:
        lines.append(f"- product fact from the seller: {example.tip}")
    system = ("You write replies for an Amazon seller's customer service. "
              f"Write in the language with ISO code '{language}'"
              + (" (plain American English)" if language == "en" and request.marketplace == "US" else "")
              + ". Rules:\n" + "\n".join(f"- {rule}" for rule in _RULES_FOR_WRITERS))
    user = (f"The buyer wrote (intent: {request.intent}):\n<<<\n{message}\n>>>\n\nFacts:\n" + "\n".join(lines)
            + f"\n\nSign as: {values.get('signature', '')}\n\nA reply that follows the rules, for reference:\n"
            + example.text + "\n\nWrite the reply text only.")
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
