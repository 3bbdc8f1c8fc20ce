"""The buyer message of each step of a replacement case, from the template library, checked (pure).

Every step tells the buyer what they need at that point: the order ID and the problem as the seller
understood it (a sentence per cause), then the promise (a replacement and its ship date), the
carrier and tracking number once shipped, the reason of a refusal, or, when no replacement is
possible, the explanation with a refund offer. Bodies come from ``templates/after_sales/<lang>.toml``
(parsed by :func:`parse_step_library`); greeting, closing and the order's values (dates in the
marketplace's format, the short product name, the signature) come from the reply library through
:func:`sellerdesk.core.drafting.order_values`, so after-sales messages read like every other draft.

Each step has variants; the first one the compliance guard does not block is taken, so a run of
similar messages to several buyers does not trip the near-duplicate rule.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sellerdesk.core.after_sales.states import CAUSES
from sellerdesk.core.compliance import CheckContext, CheckResult, HistoryMessage, RuleSettings, check
from sellerdesk.core.drafting import DraftRequest, order_values, reply_language
from sellerdesk.core.orders import OrderItem, OrderSnapshot
from sellerdesk.core.templates import Library, render, variables_of
from sellerdesk.errors import InputError, TemplateError

STEPS = ("requested", "approved", "shipped", "refused", "unavailable")
"""The states that owe the buyer a message."""


@dataclass(frozen=True)
class StepLibrary:
    """One language's after-sales texts: the problem sentence per cause, the body variants per step."""

    language: str
    problems: Mapping[str, str]
    steps: Mapping[str, tuple[str, ...]]


def parse_step_library(text: str, *, language: str, source: str = "<after-sales library>") -> StepLibrary:
    """Read one language's after-sales texts (the format of ``templates/after_sales/*.toml``).

    Raises:
        TemplateError: invalid TOML, a cause or step without text, or an unknown variable (the message says where).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML ({exc})") from exc
    problems = data.get("problems") or {}
    steps = data.get("steps") or {}
    for cause in CAUSES:
        if not isinstance(problems.get(cause), str):
            raise TemplateError(f"{source} [problems]: {cause} needs a sentence")
    parsed: dict[str, tuple[str, ...]] = {}
    for step in STEPS:
        variants = steps.get(step)
        if not isinstance(variants, list) or not variants or not all(isinstance(v, str) for v in variants):
            raise TemplateError(f"{source} [steps]: {step} needs a list of texts")
        parsed[step] = tuple(v.strip() for v in variants)
    for where, texts in [("problems", list(problems.values())), *(("steps." + s, list(v)) for s, v in parsed.items())]:
        for body in texts:
            try:
                variables_of(body)
            except TemplateError as exc:
                raise TemplateError(f"{source} [{where}]: {exc}") from exc
    return StepLibrary(language, {c: problems[c] for c in CAUSES}, parsed)


@dataclass(frozen=True)
class CaseFacts:
    """What a step message says about the case and the buyer."""

    order_id: str
    cause: str
    requested_at: datetime
    marketplace: str | None = None
    buyer_language: str | None = None
    buyer_name: str | None = None
    asin: str | None = None
    sku: str | None = None
    title: str | None = None
    quantity: int = 1
    carrier: str | None = None
    tracking_number: str | None = None
    ship_date: datetime | None = None
    reason: str | None = None
    store_name: str | None = None
    signature: str | None = None


@dataclass(frozen=True)
class StepMessage:
    """A step's message: its text and language, the variant used and the compliance guard's verdict."""

    step: str
    text: str
    language: str
    template: str  # e.g. "de/after_sales/approved/2"
    check: CheckResult

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"step": self.step, "text": self.text, "language": self.language, "template": self.template,
                "check": self.check.to_dict()}


def compose_step(step: str, facts: CaseFacts, *, library: Library, steps: Mapping[str, StepLibrary],
                 history: Sequence[HistoryMessage] = (), replied_at: datetime | None = None,
                 settings: RuleSettings | None = None) -> StepMessage:
    """The buyer message of *step* for the case described by *facts*, checked as a reply.

    Raises:
        InputError: *step* owes no message, or the cause is unknown.
        TemplateError: no language has the texts, or a text needs a value the case lacks (named).
    """
    if step not in STEPS:
        raise InputError(f"the {step} step sends no buyer message; steps with one: {', '.join(STEPS)}")
    if facts.cause not in CAUSES:
        raise InputError(f"unknown cause {facts.cause!r}; use one of {', '.join(CAUSES)}")
    available = tuple(code for code in steps if code in library.languages)
    if not available:
        raise TemplateError("no language has both the reply library and the after-sales texts")
    code = reply_language(facts.buyer_language, facts.marketplace, available=available)
    lang = library.languages[code]
    request = DraftRequest(intent=facts.cause, language=facts.buyer_language, marketplace=facts.marketplace,
                           order=_order(facts), asin=facts.asin, buyer_name=facts.buyer_name,
                           store_name=facts.store_name, signature=facts.signature)
    values: dict[str, str] = dict(order_values(request, lang))
    if facts.reason:
        values["reason"] = facts.reason.strip().rstrip(".。")
    values["problem"] = render(steps[code].problems[facts.cause], values)
    greetings = lang.greetings if "buyer_name" in values else lang.greetings_anonymous
    context = CheckContext(marketplace=facts.marketplace, order_id=facts.order_id, buyer_language=facts.buyer_language,
                           history=history, replied_at=replied_at)
    first: StepMessage | None = None
    for number, body in enumerate(steps[code].steps[step], start=1):
        text = "\n\n".join([render(greetings[0], values), render(body, values), render(lang.closings[0], values)])
        message = StepMessage(step, text, code, f"{code}/after_sales/{step}/{number}",
                              check(text, kind="reply", context=context, settings=settings))
        if not message.check.blocked:
            return message
        first = first or message
    assert first is not None
    return first


def _order(facts: CaseFacts) -> OrderSnapshot:
    # The replacement's own shipment stands in for the order's, so {carrier}, {tracking_number} and
    # {ship_date} name the replacement parcel.
    items = (OrderItem(facts.asin or "", facts.title or "", facts.sku or "", facts.quantity),) \
        if facts.asin or facts.title else ()
    return OrderSnapshot(order_id=facts.order_id, marketplace=facts.marketplace, status="shipped",
                         fulfillment="MFN", purchase_date=facts.requested_at, last_updated=facts.requested_at,
                         items=items, carrier=facts.carrier, tracking_number=facts.tracking_number,
                         ship_date=facts.ship_date)
