"""What the SP-API emulator remembers: sellers' credentials, tokens, orders, sent messages, faults.

Orders come from two places. Registered ones (:meth:`EmulatorState.seed_orders`, e.g. the demo
inbox's orders with their marketplace and ASIN) answer as registered. Any other well-formed
order ID gets an order *derived* from the ID itself: a random generator seeded with the ID picks
the marketplace (among the emulator's), status, dates, items and carrier, so the same ID always
gives the same order. Orders are kept once made, so a request for review is remembered and a
second one gets Amazon's 403.
"""

from __future__ import annotations

import hashlib
import random
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sellerdesk.adapters.spapi.auth import NOTIFICATIONS_SCOPE
from sellerdesk.adapters.spapi.ratelimit import USAGE_PLANS, Clock, SystemClock, TokenBucket, UsagePlan
from sellerdesk.core.marketplaces import MARKETPLACES

ORDER_ID = re.compile(r"^\d{3}-\d{7}-\d{7}$")
SANDBOX_ORDER = "123-1234567-1234567"
SANDBOX_BAD_ORDER = "123-1234567-0000000"
DEMO_CLIENT_ID = "amzn1.application-oa2-client.sellerdesk-demo"
DEMO_CLIENT_SECRET = "sellerdesk-demo-secret"  # public on purpose: the demo account of a local emulator
DEMO_REFRESH_TOKEN = "Atzr|sellerdesk-demo"
TOKEN_LIFETIME = 3600

_CARRIERS = {"NA": ("UPS", "USPS", "FedEx", "AMZN_US"), "EU": ("DHL", "DPD", "Royal Mail", "AMZN_UK"),
             "FE": ("Yamato", "Japan Post", "Sagawa")}
_PRODUCTS = (("B0C7K2M4Q1", "Trail Backpack 30L"), ("B0D1F8H3J5", "Insulated Water Bottle 750 ml"),
             ("B0B9X4T2L8", "LED Headlamp 400 lm"), ("B0CZZP7N6R", "Stainless Steel Kettle 1.7 L"))


@dataclass
class Account:
    """A seller's app authorisation: what LWA accepts for it."""

    client_id: str
    client_secret: str
    revoked: bool = False


@dataclass
class EmulatedItem:
    """One line of an emulated order."""

    asin: str
    title: str
    sku: str
    quantity: int = 1
    price: str | None = None  # the unit price in the marketplace's currency, as decimal text


@dataclass
class EmulatedOrder:
    """An order as the emulator holds it (rendered into v2026-01-01 or v0 shapes on the way out)."""

    order_id: str
    marketplace: str
    status: str  # 2026-01-01 fulfillmentStatus: UNSHIPPED, SHIPPED, CANCELLED, ...
    fulfilled_by: str  # AMAZON | MERCHANT
    created: datetime
    last_updated: datetime
    items: list[EmulatedItem]
    delivery_start: datetime
    delivery_end: datetime
    package_status: str | None = None  # IN_TRANSIT, DELIVERED, UNDELIVERABLE
    carrier: str | None = None
    tracking_number: str | None = None
    ship_time: datetime | None = None
    buyer_locale: str = "en-US"
    buyer_requested_cancel: bool = False


@dataclass(frozen=True)
class OrderSpec:
    """What a caller registers about an order: its ID, marketplace and first item."""

    order_id: str
    marketplace: str
    asin: str
    title: str = ""


@dataclass
class Fault:
    """A fault to inject: *kind* is ``latency``, ``500``, ``503``, ``429`` or ``expire_tokens``."""

    kind: str
    operation: str = "*"
    count: int = 1
    seconds: float = 0.0


@dataclass(frozen=True)
class SentMessage:
    """A message the emulator accepted (messaging) or a review request (solicitations)."""

    order_id: str
    message_type: str
    text: str | None
    attachments: tuple[str, ...]
    at: datetime


@dataclass(frozen=True)
class Destination:
    """A Notifications API destination: an SQS queue the app may receive notifications in."""

    destination_id: str
    name: str
    arn: str


@dataclass(frozen=True)
class Subscription:
    """The seller's subscription to one notification type, delivered to a destination."""

    subscription_id: str
    notification_type: str
    destination_id: str
    payload_version: str


@dataclass
class EmulatorState:
    """All of the emulator's memory; thread-safe (the server runs in its own thread).

    Args:
        marketplaces: where derived orders are placed (two-letter codes).
        now: the wall clock for order dates (injectable, so tests fix it).
        clock: monotonic time of the usage-plan buckets (a manual clock makes throttling exact).
        throttle: enforce Amazon's usage plans (answer 429 when a bucket is empty).
    """

    marketplaces: Sequence[str] = ("US",)
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    clock: Clock = field(default_factory=SystemClock)
    throttle: bool = True
    derive_unknown: bool = True  # False: only registered orders exist, any other ID answers 404
    plans: dict[str, UsagePlan] = field(default_factory=lambda: dict(USAGE_PLANS))
    accounts: dict[str, Account] = field(default_factory=lambda: {
        DEMO_REFRESH_TOKEN: Account(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)})
    orders: dict[str, EmulatedOrder] = field(default_factory=dict)
    specs: dict[str, OrderSpec] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)  # access token -> expiry (clock time)
    grantless_tokens: dict[str, float] = field(default_factory=dict)  # the same, of client_credentials grants
    destinations: dict[str, Destination] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)  # by notification type
    faults: list[Fault] = field(default_factory=list)
    messages: list[SentMessage] = field(default_factory=list)
    solicitations: list[SentMessage] = field(default_factory=list)
    uploads: dict[str, bytes] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (operation, order ID or "")
    buckets: dict[str, TokenBucket] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    # Credentials and tokens ----------------------------------------------------------------------

    def add_account(self, refresh_token: str, *, client_id: str, client_secret: str, revoked: bool = False) -> None:
        """Make LWA accept (or, when *revoked*, refuse with invalid_grant) this refresh token."""
        with self.lock:
            self.accounts[refresh_token] = Account(client_id, client_secret, revoked)

    def issue_token(self, *, refresh_token: str, client_id: str, client_secret: str) -> str | None:
        """An access token for valid credentials; ``invalid_client``/``invalid_grant`` as the error otherwise."""
        with self.lock:
            account = self.accounts.get(refresh_token)
            if account is None or account.revoked:
                return "invalid_grant"
            if (account.client_id, account.client_secret) != (client_id, client_secret):
                return "invalid_client"
            token = f"Atza|{secrets.token_urlsafe(24)}"
            self.tokens[token] = self.clock.now() + TOKEN_LIFETIME
            return token

    def issue_grantless_token(self, *, client_id: str, client_secret: str, scope: str) -> str:
        """An app's access token for *scope* (``client_credentials``); ``invalid_client``/``invalid_scope`` if not."""
        with self.lock:
            if not any((a.client_id, a.client_secret) == (client_id, client_secret) for a in self.accounts.values()):
                return "invalid_client"
            if scope != NOTIFICATIONS_SCOPE:
                return "invalid_scope"
            token = f"Atza|{secrets.token_urlsafe(24)}"
            self.grantless_tokens[token] = self.clock.now() + TOKEN_LIFETIME
            return token

    def token_state(self, token: str | None, *, grantless: bool = False) -> str:
        """``valid``, ``missing``, ``unknown`` or ``expired`` (of a seller's token, or an app's grantless one)."""
        with self.lock:
            if not token:
                return "missing"
            expiry = (self.grantless_tokens if grantless else self.tokens).get(token)
            if expiry is None:
                return "unknown"
            return "valid" if self.clock.now() < expiry else "expired"

    def expire_tokens(self) -> None:
        """Make every issued access token expired (clients must fetch new ones)."""
        with self.lock:
            for issued in (self.tokens, self.grantless_tokens):
                for token in issued:
                    issued[token] = self.clock.now() - 1

    # Throttling and faults -------------------------------------------------------------------------

    def take_token(self, operation: str) -> bool:
        """Take a token from *operation*'s usage-plan bucket; False means answer 429."""
        if not self.throttle:
            return True
        with self.lock:
            bucket = self.buckets.get(operation)
            if bucket is None:
                bucket = self.buckets[operation] = TokenBucket(self.plans.get(operation, UsagePlan(1.0, 5)),
                                                               now=self.clock.now())
            return bucket.try_take(self.clock.now()) == 0.0

    def rate_of(self, operation: str) -> float:
        """The rate stated in ``x-amzn-RateLimit-Limit`` for *operation*."""
        return self.plans.get(operation, UsagePlan(1.0, 5)).rate

    def inject(self, fault: Fault) -> None:
        """Add a fault; it fires on the next *count* matching requests."""
        with self.lock:
            self.faults.append(fault)

    def next_fault(self, operation: str) -> Fault | None:
        """The fault that fires on this request, if any (consumes one of its count)."""
        with self.lock:
            for fault in self.faults:
                if fault.operation in ("*", operation) and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    # Orders ----------------------------------------------------------------------------------------

    def seed_orders(self, specs: Iterable[OrderSpec]) -> int:
        """Register orders by ID with their marketplace and ASIN; return how many are known now."""
        with self.lock:
            for spec in specs:
                if ORDER_ID.match(spec.order_id):
                    self.specs[spec.order_id] = spec
                    self.orders.pop(spec.order_id, None)
            return len(self.specs)

    def order(self, order_id: str) -> EmulatedOrder | None:
        """The order with this ID (made on first use); None for a malformed or (without derivation) unknown ID."""
        if not ORDER_ID.match(order_id):
            return None
        with self.lock:
            if order_id not in self.orders:
                if not self.derive_unknown and order_id not in self.specs:
                    return None
                self.orders[order_id] = self._derive(order_id)
            return self.orders[order_id]

    def put_order(self, order: EmulatedOrder) -> None:
        """Store (or replace) an order, e.g. a test's order in a precise state."""
        with self.lock:
            self.orders[order.order_id] = order

    def _derive(self, order_id: str) -> EmulatedOrder:
        rng = random.Random(hashlib.sha256(order_id.encode()).digest())
        spec = self.specs.get(order_id)
        marketplace = spec.marketplace if spec else rng.choice(list(self.marketplaces))
        region = MARKETPLACES[marketplace].region if marketplace in MARKETPLACES else "NA"
        asin, title = (spec.asin, spec.title or spec.asin) if spec else rng.choice(_PRODUCTS)
        now = self.now()
        created = (now - timedelta(days=rng.randint(1, 24), hours=rng.randint(0, 23))).replace(microsecond=0)
        status = rng.choices(("UNSHIPPED", "SHIPPED", "CANCELLED"), weights=(2, 7, 1))[0]
        fulfilled_by = rng.choice(("AMAZON", "MERCHANT"))
        delivery_start = created + timedelta(days=rng.randint(2, 4))
        delivery_end = delivery_start + timedelta(days=rng.randint(0, 3))
        order = EmulatedOrder(
            order_id=order_id, marketplace=marketplace, status=status, fulfilled_by=fulfilled_by, created=created,
            last_updated=created + timedelta(hours=rng.randint(1, 30)),
            items=[EmulatedItem(asin, title, f"SKU-{asin[-4:]}", rng.choice((1, 1, 1, 2)), _price(order_id))],
            delivery_start=delivery_start, delivery_end=delivery_end,
            buyer_locale=_locale(marketplace))
        if status == "SHIPPED":
            order.carrier = rng.choice(_CARRIERS[region])
            order.tracking_number = _tracking(order.carrier, rng)
            order.ship_time = created + timedelta(hours=rng.randint(6, 40))
            order.package_status = "DELIVERED" if delivery_end < now else "IN_TRANSIT"
        order.last_updated = min(order.last_updated, now)
        return order

    # Notifications ---------------------------------------------------------------------------------

    def add_destination(self, name: str, arn: str) -> Destination | None:
        """Create a destination for an SQS queue; None when one exists for that queue already (Amazon's 409)."""
        with self.lock:
            if any(d.arn == arn for d in self.destinations.values()):
                return None
            made = Destination(str(uuid.uuid4()), name, arn)
            self.destinations[made.destination_id] = made
            return made

    def subscribe(self, notification_type: str, destination_id: str, payload_version: str) -> Subscription | str:
        """Subscribe to a notification type; ``conflict`` when subscribed already, ``no_destination`` if unknown."""
        with self.lock:
            if destination_id not in self.destinations:
                return "no_destination"
            if notification_type in self.subscriptions:
                return "conflict"
            made = Subscription(str(uuid.uuid4()), notification_type, destination_id, payload_version)
            self.subscriptions[notification_type] = made
            return made

    # Recording -------------------------------------------------------------------------------------

    def record_message(self, message: SentMessage) -> None:
        """Remember an accepted message."""
        with self.lock:
            self.messages.append(message)

    def record_solicitation(self, order_id: str) -> bool:
        """Remember a review request; False when the order already has one (Amazon's 403)."""
        with self.lock:
            if any(s.order_id == order_id for s in self.solicitations):
                return False
            self.solicitations.append(SentMessage(order_id, "productReviewAndSellerFeedback", None, (), self.now()))
            return True

    def has_solicitation(self, order_id: str) -> bool:
        """True when a review request was already accepted for the order."""
        with self.lock:
            return any(s.order_id == order_id for s in self.solicitations)


def _price(order_id: str) -> str:
    # A generator of its own, so adding prices left every other derived field as it was.
    rng = random.Random(hashlib.sha256(f"price:{order_id}".encode()).digest())
    return f"{rng.randint(999, 8999) / 100:.2f}"


def _locale(marketplace: str) -> str:
    known = MARKETPLACES.get(marketplace)
    country = "GB" if marketplace == "UK" else marketplace
    return f"{known.language if known else 'en'}-{country}"


def _tracking(carrier: str, rng: random.Random) -> str:
    if carrier == "UPS":
        return f"1Z{rng.getrandbits(64):016X}"[:18]
    if carrier.startswith("AMZN"):
        return f"TBA{rng.randint(0, 10**12 - 1):012d}"
    return f"{rng.randint(10**11, 10**12 - 1)}"
