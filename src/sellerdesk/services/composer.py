"""The reply composer: check a draft as the agent types, with the context the send will use.

The check here is the one :func:`sellerdesk.services.replies.queue_reply` runs when the
reply is queued: both build their context with
:func:`~sellerdesk.services.replies.reply_check_context` (same kind, thread context and recent
replies as history) and the store's ``[compliance]`` settings, so what the agent sees while
typing is what the send decides. When the guard finds the draft too much like a recent reply,
:func:`closest_reply` names that reply.

:func:`composer_draft` puts the suggested draft in the composer with the variables its template
uses (and says which ones nothing could fill); :func:`count_template_use` counts a store
template's use when a draft made from it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sellerdesk.adapters.db.deliveries import DeliveryQueries
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.db.tables import Store
from sellerdesk.config import Config
from sellerdesk.core import compliance
from sellerdesk.core.compliance import CheckResult
from sellerdesk.core.compliance.similarity import similarity
from sellerdesk.core.templates import VARIABLES, Library, variables_of
from sellerdesk.errors import NotFoundError, TemplateError
from sellerdesk.services.drafts import draft_for_thread
from sellerdesk.services.replies import recent_replies, reply_check_context, thread_rule_settings
from sellerdesk.services.templates import record_use, store_library

MAX_DRAFT_CHARACTERS = 20_000
"""Longer drafts are checked up to here: a reply that long is a mistake, and the check stays quick."""


def check_draft(store: SqlStore, *, config: Config, thread_id: int, text: str, now: datetime) -> CheckResult:
    """Check *text* as a reply in thread *thread_id* would be checked when queued.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    settings = thread_rule_settings(store, config, thread)
    context = reply_check_context(store, thread, parent=DeliveryQueries(store).last_buyer_message(thread.id),
                                  settings=settings, now=now)
    return compliance.check(text[:MAX_DRAFT_CHARACTERS], kind="reply", context=context, settings=settings)


@dataclass(frozen=True)
class Resemblance:
    """The recent reply a draft is most like, and how much (0-1, the near-duplicate rule's measure)."""

    share: float
    message_id: int
    thread_id: int | None
    sent_at: datetime
    text: str


def closest_reply(store: SqlStore, *, config: Config, thread_id: int, text: str, now: datetime) -> Resemblance | None:
    """The store's recent reply that *text* is most like, among those the near-duplicate rule compares with.

    ``None`` when the store has sent nothing inside the window.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    settings = thread_rule_settings(store, config, thread)
    best: Resemblance | None = None
    draft = text[:MAX_DRAFT_CHARACTERS]
    for reply in recent_replies(store, thread.store_id, settings=settings, now=now):
        share = similarity(draft, reply.text)
        if best is None or share > best.share:
            best = Resemblance(share=share, message_id=reply.id, thread_id=reply.thread_id,
                               sent_at=reply.sent_at or reply.received_at, text=reply.text)
    return best


@dataclass(frozen=True)
class Variable:
    """A variable of the draft's template: its name, what it stands for, and its value (``None``: unfilled)."""

    name: str
    meaning: str
    value: str | None


@dataclass(frozen=True)
class ComposerDraft:
    """The suggested reply for the composer, or why there is none (``problem``)."""

    text: str
    template: str | None = None  # the body's template id, e.g. "en/order_status/2" or "acme-us:kettle@3"
    language: str | None = None
    holding: bool = False
    variables: tuple[Variable, ...] = ()
    result: CheckResult | None = None
    note: str | None = None
    problem: str | None = None

    @property
    def unfilled(self) -> tuple[str, ...]:
        """The template's variables nothing could fill: the agent writes these in."""
        return tuple(v.name for v in self.variables if v.value is None)


def composer_draft(store: SqlStore, *, config: Config, thread_id: int, now: datetime,
                   holding: bool = False) -> ComposerDraft:
    """The draft for the thread's latest buyer message (a holding reply when *holding*), for the composer.

    A draft that cannot be made (no buyer message, a template needing a variable the order does
    not give) comes back with ``problem`` saying why and what to fill in.

    Raises:
        NotFoundError: no thread has that id.
        ConfigError: the ``[compliance]`` section is wrong.
    """
    thread = store.get_thread(thread_id)
    shop = store.session.get(Store, thread.store_id)
    store_name = shop.name if shop is not None else ""
    signature = next((s.signature for s in config.stores if s.name == store_name and s.signature), None)
    try:
        made = draft_for_thread(store, thread_id=thread_id, now=now, signature=signature, holding=holding,
                                settings=thread_rule_settings(store, config, thread))
    except (TemplateError, NotFoundError) as exc:
        return ComposerDraft(text="", holding=holding, problem=str(exc))
    draft = made.draft
    body = _template_text(store_library(store, store_name=store_name), draft.template, draft.language)
    variables = tuple(Variable(name, VARIABLES.get(name, ""), (draft.values.get(name) or "").strip() or None)
                      for name in (variables_of(body) if body else ()))
    return ComposerDraft(text=draft.text, template=draft.template, language=draft.language, holding=draft.holding,
                         variables=variables, result=draft.check, note=made.note)


def _template_text(library: Library, template_id: str, language: str) -> str | None:
    lang = library.languages.get(language)
    if lang is None:
        return None
    for bodies in lang.bodies.values():
        for body in bodies:
            if body.template_id == template_id:
                return body.text
    prefix = f"{language}/holding/"  # holding replies are numbered from 1 in the order of the library
    if template_id.startswith(prefix) and template_id[len(prefix):].isdigit():
        number = int(template_id[len(prefix):])
        return lang.holding[number - 1] if 0 < number <= len(lang.holding) else None
    return None


def count_template_use(store: SqlStore, *, thread_id: int, template: str, language: str, now: datetime) -> bool:
    """Count one use of the store's own template a sent draft was made from; False when it was none.

    *template* is the draft's template id; a store template's is ``<store>:<name>@<version>``
    (see :func:`sellerdesk.services.templates.store_library`), the starter library's are not counted.

    Raises:
        NotFoundError: no thread has that id.
    """
    thread = store.get_thread(thread_id)
    shop = store.session.get(Store, thread.store_id)
    prefix = f"{shop.name}:" if shop is not None else None
    if prefix is None or not template.startswith(prefix) or "@" not in template:
        return False
    name = template[len(prefix):].rsplit("@", 1)[0]
    try:
        record_use(store, store_name=prefix[:-1], name=name, language=language, now=now)
    except NotFoundError:
        return False  # the template was deleted since the draft was made: nothing left to count
    return True
