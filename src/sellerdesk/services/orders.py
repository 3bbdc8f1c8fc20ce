"""Orders beside threads: fetch from the SP-API, cache with freshness rules, enrich threads, poll changes.

Every thread that names an order gets the order's snapshot (items, ASIN, status, AFN/MFN,
delivery window, carrier, tracking) in the order cache, refreshed when it goes stale
(:func:`sellerdesk.core.orders.is_fresh`) and when the order changes. Changes are found by
polling searchOrders by last update time (the fallback of the ORDER_CHANGE notification) and
recorded as order events (a buyer-requested cancellation, an undeliverable parcel...); the
notification itself, when a store has an SQS queue, is handled by :func:`drain_notifications`.

Expected failures are results, not exceptions: an unknown order, an order of another
marketplace, a store whose credentials are refused (the other stores carry on).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sellerdesk.adapters.db.spapi_records import SpApiRecords
from sellerdesk.adapters.db.store import SqlStore
from sellerdesk.adapters.spapi.client import SpApiClient
from sellerdesk.adapters.spapi.errors import (
    SpApiInvalidInputError,
    SpApiNotAllowedError,
    SpApiNotFoundError,
    SpApiUnavailableError,
)
from sellerdesk.adapters.spapi.sqs import SqsNotificationQueue
from sellerdesk.config import StoreConfig
from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.core.orders import (
    OrderChange,
    OrderSnapshot,
    changes,
    from_v0,
    from_v2026,
    is_fresh,
    parse_order_change,
)
from sellerdesk.errors import ConfigError, SpApiError
from sellerdesk.services.database import Database

LOG = logging.getLogger(__name__)
V0_RETIRED = datetime(2027, 3, 27).date()
FIRST_POLL_DAYS = 30  # how far back the first poll of a store looks
ClientFactory = Callable[[StoreConfig], SpApiClient]
ORDER_PROBLEMS = (SpApiNotFoundError, SpApiInvalidInputError, SpApiNotAllowedError)


@dataclass(frozen=True)
class OrderView:
    """An order as shown: the snapshot (``None`` when Amazon could not give one), its age, any problem."""

    order_id: str
    snapshot: OrderSnapshot | None
    fetched_at: datetime | None
    from_cache: bool
    problem: str | None = None


@dataclass
class StoreSync:
    """What one store's sync did (or why it could not)."""

    store: str
    enriched: int = 0
    fresh: int = 0
    changed: int = 0
    events: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {"store": self.store, "enriched": self.enriched, "fresh": self.fresh, "changed": self.changed,
                "events": self.events, "problems": self.problems, "error": self.error}


def fetch_order(client: SpApiClient, order_id: str, *, api: str = "auto",
                today: datetime | None = None) -> OrderSnapshot:
    """Fetch one order with the configured Orders API version.

    ``auto`` (the default) uses 2026-01-01 and, while v0 still exists (until 2027-03-27), falls back
    to v0 when 2026-01-01 stays unavailable through the client's retries.

    Raises:
        ConfigError: *api* is unknown, or v0 after its retirement.
        SpApiError: Amazon refused (see :mod:`sellerdesk.adapters.spapi.errors`).
    """
    if api == "auto":
        try:
            return fetch_order(client, order_id, api="2026-01-01", today=today)
        except SpApiUnavailableError:
            if today is not None and today.date() >= V0_RETIRED:
                raise
            return fetch_order(client, order_id, api="v0", today=today)
    if api == "2026-01-01":
        return _mapped(lambda: from_v2026(client.get_order(order_id)), order_id)
    if api == "v0":
        _refuse_retired_v0(client.store, today)
        return _mapped(lambda: from_v0(client.get_order_v0(order_id), client.get_order_items_v0(order_id)), order_id)
    raise ConfigError(f"store {client.store!r}: spapi_orders_api {api!r} is not \"auto\", \"2026-01-01\" or \"v0\"")


def _refuse_retired_v0(store: str, today: datetime | None) -> None:
    if today is not None and today.date() >= V0_RETIRED:
        raise ConfigError(f"store {store!r}: spapi_orders_api = \"v0\" was retired by Amazon on "
                          f"{V0_RETIRED}; set it to \"2026-01-01\" or \"auto\"")


def _mapped(fetch: Callable[[], OrderSnapshot], order_id: str) -> OrderSnapshot:
    try:
        return fetch()
    except ValueError as exc:
        raise SpApiError(f"order {order_id}: Amazon's answer could not be read ({exc})") from exc


def show_order(db: Database, store: StoreConfig, *, client_factory: ClientFactory, order_id: str, now: datetime,
               refresh: bool = False) -> OrderView:
    """The order from the cache when fresh, else from Amazon (then cached).

    Raises:
        SpApiError: Amazon failed in a way that is not about this order (credentials, outage).
    """
    with db.transaction() as sql:
        store_id = sql.ensure_store(store, now=now).id
        row = SpApiRecords(sql).cached_order(store_id, order_id)
        if row is not None and row.data and not refresh:
            cached = OrderSnapshot.from_dict(row.data)
            if is_fresh(cached, fetched_at=row.fetched_at, now=now):
                return OrderView(order_id, cached, row.fetched_at, from_cache=True)
    with client_factory(store) as client:
        try:
            snapshot = fetch_order(client, order_id, api=store.spapi_orders_api, today=now)
        except SpApiNotFoundError as exc:
            with db.transaction() as sql:
                SpApiRecords(sql).order_failed(store_id, order_id, error=str(exc), now=now)
            return OrderView(order_id, None, None, from_cache=False, problem=str(exc))
    with db.transaction() as sql:
        _store_snapshot(SpApiRecords(sql), store_id, snapshot, now=now, source="fetch")
    return OrderView(order_id, snapshot, now, from_cache=False, problem=_marketplace_problem(store, snapshot))


def cached_order(db: Database, *, store_name: str, order_id: str) -> OrderView | None:
    """The cached order for display beside a thread (no call to Amazon); ``None`` when none is cached.

    The view's ``problem`` carries the reason of the last failed refresh (e.g. an unknown order).
    """
    with db.reading() as sql:
        store = sql.find_store(store_name)
        return cached_order_in(sql, store_id=store.id, order_id=order_id) if store is not None else None


def cached_order_in(sql: SqlStore, *, store_id: int, order_id: str) -> OrderView | None:
    """:func:`cached_order` inside the caller's transaction, for the store with id *store_id*."""
    row = SpApiRecords(sql).cached_order(store_id, order_id)
    if row is None:
        return None
    snapshot = OrderSnapshot.from_dict(row.data) if row.data else None
    return OrderView(order_id, snapshot, row.fetched_at, from_cache=True, problem=row.last_error)


def _marketplace_problem(store: StoreConfig, snapshot: OrderSnapshot, expected: str | None = None) -> str | None:
    if expected and snapshot.marketplace and snapshot.marketplace != expected:
        return (f"order {snapshot.order_id} was placed in {snapshot.marketplace}, but the thread came from "
                f"{expected}: check the order ID the buyer gave")
    if snapshot.marketplace and snapshot.marketplace not in store.marketplaces:
        return (f"order {snapshot.order_id} was placed in {snapshot.marketplace}, which store {store.name!r} does "
                f"not sell in ({', '.join(store.marketplaces)}): add it to marketplaces or check the order ID")
    return None


def _store_snapshot(records: SpApiRecords, store_id: int, snapshot: OrderSnapshot, *, now: datetime,
                    source: str) -> tuple[str, ...]:
    before = records.put_order(store_id, snapshot.to_dict(), amazon_updated_at=snapshot.last_updated,
                               fetched_at=now)
    previous = OrderSnapshot.from_dict(before) if before else None
    found = changes(previous, snapshot)
    for trigger in found:
        records.add_event(store_id, snapshot.order_id, trigger=trigger, source=source, at=now)
    return found


def enrich_threads(db: Database, store: StoreConfig, *, client: SpApiClient, now: datetime,
                   result: StoreSync | None = None) -> StoreSync:
    """Fetch the order of every thread that names one, unless its cached snapshot is still fresh.

    Raises:
        SpApiError: the store's credentials were refused or Amazon is unavailable (nothing else would work).
    """
    result = result or StoreSync(store.name)
    with db.transaction() as sql:
        store_id = sql.ensure_store(store, now=now).id
        records = SpApiRecords(sql)
        wanted = []
        for order_id, marketplace in records.thread_orders(store_id):
            row = records.cached_order(store_id, order_id)
            if row is not None and row.last_error and now - row.fetched_at < timedelta(days=1):
                continue  # Amazon said no less than a day ago: do not ask again and again
            if row is not None and row.data and is_fresh(OrderSnapshot.from_dict(row.data), fetched_at=row.fetched_at,
                                                         now=now):
                result.fresh += 1
                continue
            wanted.append((order_id, marketplace))
    for order_id, marketplace in wanted:
        try:
            snapshot = fetch_order(client, order_id, api=store.spapi_orders_api, today=now)
        except ORDER_PROBLEMS as exc:  # about this order only; credentials or outages stop the store's run
            result.problems.append(str(exc))
            with db.transaction() as sql:
                SpApiRecords(sql).order_failed(store_id, order_id, error=str(exc), now=now)
            continue
        with db.transaction() as sql:
            found = _store_snapshot(SpApiRecords(sql), store_id, snapshot, now=now, source="enrich")
        result.enriched += 1
        result.events += [f"{order_id}:{t}" for t in found]
        problem = _marketplace_problem(store, snapshot, expected=marketplace)
        if problem:
            result.problems.append(problem)
    return result


def poll_changes(db: Database, store: StoreConfig, *, client: SpApiClient, now: datetime,
                 result: StoreSync | None = None) -> StoreSync:
    """Orders changed since the store's checkpoint (:func:`changed_orders`); refresh cached orders, record events."""
    result = result or StoreSync(store.name)
    with db.transaction() as sql:
        store_id = sql.ensure_store(store, now=now).id
        state = SpApiRecords(sql).sync_state(store_id)
        after = state.updated_after if state else now - timedelta(days=FIRST_POLL_DAYS)
        threads = dict(SpApiRecords(sql).thread_orders(store_id))

    def wanted(snapshot: OrderSnapshot) -> bool:
        # Only orders sellerdesk shows (or that need action) are kept.
        if snapshot.order_id in threads or snapshot.buyer_requested_cancel:
            return True
        with db.reading() as sql:
            return SpApiRecords(sql).cached_order(store_id, snapshot.order_id) is not None

    newest = after
    for found in changed_orders(client, store, after=after, wanted=wanted, now=now):
        if isinstance(found, str):
            result.problems.append(found)
            continue
        newest = max(newest, found.last_updated)
        if not wanted(found):
            continue
        with db.transaction() as sql:
            triggers = _store_snapshot(SpApiRecords(sql), store_id, found, now=now, source="poll")
        result.changed += 1
        result.events += [f"{found.order_id}:{t}" for t in triggers]
    with db.transaction() as sql:
        SpApiRecords(sql).save_sync(store_id, updated_after=newest, now=now, error=None)
    return result


def changed_orders(client: SpApiClient, store: StoreConfig, *, after: datetime,
                   wanted: Callable[[OrderSnapshot], bool], now: datetime) -> Iterator[OrderSnapshot | str]:
    """Every order of the store's marketplaces updated after *after* (a problem text for one that cannot be read).

    searchOrders (2026-01-01) brings whole orders. v0's getOrders (``spapi_orders_api = "v0"``, or
    ``auto`` when searchOrders stays unavailable, until v0's retirement) lists orders without their
    items, so each order *wanted* is then fetched whole with v0 getOrder and getOrderItems. A fallback
    after some pages lists those orders again, which changes nothing: events come from differences.
    """
    markets = [MARKETPLACES[m].marketplace_id for m in store.marketplaces if m in MARKETPLACES]
    api = store.spapi_orders_api
    if api != "v0":
        try:
            yield from _search_pages(client, markets, after)
            return
        except SpApiUnavailableError:
            if api != "auto" or now.date() >= V0_RETIRED:
                raise
    _refuse_retired_v0(client.store, now)
    token: str | None = None
    while True:
        page = client.get_orders_v0(marketplace_ids=markets, last_updated_after=_iso(after), next_token=token)
        for payload in page.get("Orders") or ():
            try:
                listed = from_v0(payload, [])
            except ValueError as exc:
                yield f"an order in getOrders could not be read ({exc})"
                continue
            yield fetch_order(client, listed.order_id, api="v0", today=now) if wanted(listed) else listed
        token = page.get("NextToken")
        if not token:
            return


def _search_pages(client: SpApiClient, markets: list[str], after: datetime) -> Iterator[OrderSnapshot | str]:
    token: str | None = None
    while True:
        page = client.search_orders(marketplace_ids=markets, last_updated_after=_iso(after), pagination_token=token)
        for payload in page.get("orders") or ():
            try:
                yield from_v2026(payload)
            except ValueError as exc:
                yield f"an order in searchOrders could not be read ({exc})"
        token = (page.get("pagination") or {}).get("nextToken")
        if not token:
            return


def apply_order_change(db: Database, store: StoreConfig, *, client: SpApiClient, change: OrderChange,
                       now: datetime) -> tuple[str, ...]:
    """Act on an ORDER_CHANGE notification: fetch the order again, cache it, record what changed.

    The notification's own claim of a buyer's cancellation request is recorded even when the
    order as fetched does not show it yet (Amazon's read side can lag its notifications).

    Returns:
        The triggers recorded (e.g. ``("buyer_requested_cancel",)``).
    """
    snapshot = fetch_order(client, change.order_id, api=store.spapi_orders_api, today=now)
    with db.transaction() as sql:
        store_id = sql.ensure_store(store, now=now).id
        records = SpApiRecords(sql)
        found = _store_snapshot(records, store_id, snapshot, now=now, source="notification")
        if change.buyer_requested_cancel and "buyer_requested_cancel" not in found \
                and not snapshot.buyer_requested_cancel:
            records.add_event(store_id, change.order_id, trigger="buyer_requested_cancel", source="notification",
                              at=now)
            found = (*found, "buyer_requested_cancel")
    return found


def drain_notifications(db: Database, store: StoreConfig, *, queue: SqsNotificationQueue, client: SpApiClient,
                        now: datetime, wait_seconds: int = 20) -> StoreSync:
    """Handle one batch of ORDER_CHANGE notifications from the store's SQS queue.

    A message is deleted once handled, or when it can never be handled (unreadable, not an
    ORDER_CHANGE, an order Amazon does not know). When Amazon or SQS fails, the batch stops and
    the remaining messages stay in the queue, so SQS delivers them again: none is lost. When the
    store has ``spapi_seller_id``, a notification naming another seller is logged and left in the
    queue, not applied.
    """
    result = StoreSync(store.name)
    try:
        for message in queue.receive(wait_seconds=wait_seconds):
            if message.body is None:
                result.problems.append(f"SQS message dropped: {message.problem}")
                queue.delete(message.receipt)
                continue
            try:
                change = parse_order_change(message.body)
            except ValueError as exc:
                result.problems.append(f"SQS message dropped: {exc}")
                queue.delete(message.receipt)
                continue
            if store.spapi_seller_id and change.seller_id != store.spapi_seller_id:
                # Another seller's notification (a queue shared by several stores): left for its own store.
                problem = (f"store {store.name!r}: ORDER_CHANGE for order {change.order_id} names seller "
                           f"{change.seller_id!r}, not this store's spapi_seller_id {store.spapi_seller_id!r}; "
                           "left in the queue for the store it belongs to (check spapi_seller_id if it is this one)")
                LOG.warning(problem)
                result.problems.append(problem)
                continue
            try:
                found = apply_order_change(db, store, client=client, change=change, now=now)
            except ORDER_PROBLEMS as exc:
                result.problems.append(str(exc))
                queue.delete(message.receipt)
                continue
            result.changed += 1
            result.events += [f"{change.order_id}:{t}" for t in found]
            queue.delete(message.receipt)
    except SpApiError as exc:
        result.error = str(exc)
    return result


def sync_stores(db: Database, stores: Sequence[StoreConfig], *, client_factory: ClientFactory,
                now: datetime) -> list[StoreSync]:
    """Poll changes and enrich threads for every store; a store that fails is reported, the others carry on."""
    results = []
    for store in stores:
        result = StoreSync(store.name)
        try:
            with client_factory(store) as client:
                # Polling first: one searchOrders page brings up to 100 orders, where getOrder brings one
                # (at 0.5 requests per second), so enrichment then only fetches what the poll did not cover.
                poll_changes(db, store, client=client, now=now, result=result)
                enrich_threads(db, store, client=client, now=now, result=result)
        except (SpApiError, ConfigError) as exc:
            result.error = str(exc)
            with db.transaction() as sql:
                store_id = sql.ensure_store(store, now=now).id
                records = SpApiRecords(sql)
                state = records.sync_state(store_id)
                records.save_sync(store_id, updated_after=state.updated_after if state else now, now=now,
                                  error=str(exc))
        results.append(result)
    return results


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
