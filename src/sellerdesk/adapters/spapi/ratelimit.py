"""Token buckets per SP-API operation, following Amazon's usage plans.

Amazon meters every operation with a token bucket: a *rate* (requests per second that refill)
and a *burst* (the bucket's size). A request that finds the bucket empty gets 429. So the
client keeps its own bucket per operation and waits for a token before sending, which means a
queued send is delayed, never dropped. Amazon may grant a different rate to a seller; each
response says which in ``x-amzn-RateLimit-Limit``, and :meth:`RateLimiter.observe` adopts it.

Time is injected (:class:`Clock`), so tests drive the buckets with a clock they control.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol


class Clock(Protocol):
    """A source of monotonic time that can also wait."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""

    def sleep(self, seconds: float) -> None:
        """Wait *seconds*."""


class SystemClock:
    """The real clock: ``time.monotonic`` and ``time.sleep``."""

    def now(self) -> float:
        """Seconds on the process's monotonic clock."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for *seconds*."""
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class ManualClock:
    """A clock for tests: time moves only when someone sleeps or calls :meth:`advance`."""

    current: float = 0.0
    slept: list[float] = field(default_factory=list)

    def now(self) -> float:
        """The current manual time."""
        return self.current

    def sleep(self, seconds: float) -> None:
        """Record the wait and move time forward by it."""
        self.slept.append(seconds)
        self.current += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a wait."""
        self.current += seconds


@dataclass(frozen=True)
class UsagePlan:
    """Amazon's usage plan of one operation: refill *rate* per second and *burst* size."""

    rate: float
    burst: int


# Amazon's published default usage plans. The 2026-01-01 Orders operations are given the plans of
# their v0 predecessors until Amazon publishes theirs; x-amzn-RateLimit-Limit corrects the rate.
USAGE_PLANS: dict[str, UsagePlan] = {
    "getOrder": UsagePlan(0.5, 30),
    "searchOrders": UsagePlan(0.0167, 20),
    "getOrderV0": UsagePlan(0.5, 30),
    "getOrderItemsV0": UsagePlan(0.5, 30),
    "getOrdersV0": UsagePlan(0.0167, 20),
    "getMessagingActionsForOrder": UsagePlan(1.0, 5),
    "getAttributes": UsagePlan(1.0, 5),
    "sendMessage": UsagePlan(1.0, 5),
    "getSolicitationActionsForOrder": UsagePlan(1.0, 5),
    "createProductReviewAndSellerFeedbackSolicitation": UsagePlan(1.0, 5),
    "createUploadDestinationForResource": UsagePlan(10.0, 10),
}
DEFAULT_PLAN = UsagePlan(1.0, 5)


class TokenBucket:
    """One bucket: starts full, refills at *rate* tokens per second up to *burst*."""

    def __init__(self, plan: UsagePlan, *, now: float) -> None:
        self.rate = plan.rate
        self.burst = plan.burst
        self.tokens = float(plan.burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(float(self.burst), self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def try_take(self, now: float) -> float:
        """Take a token if there is one and return 0.0; else return the seconds until there is one."""
        self._refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def drain(self, now: float) -> None:
        """Empty the bucket (Amazon said 429: its bucket is empty whatever ours thought)."""
        self._refill(now)
        self.tokens = 0.0


class RateLimiter:
    """The buckets of one seller account, one per operation; thread-safe; waits rather than fails."""

    def __init__(self, *, clock: Clock | None = None, plans: dict[str, UsagePlan] | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.plans = dict(USAGE_PLANS if plans is None else plans)
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, operation: str) -> TokenBucket:
        """The bucket of *operation* (created full on first use)."""
        with self._lock:
            return self._bucket(operation)

    def _bucket(self, operation: str) -> TokenBucket:
        if operation not in self._buckets:
            plan = self.plans.get(operation, DEFAULT_PLAN)
            self._buckets[operation] = TokenBucket(plan, now=self.clock.now())
        return self._buckets[operation]

    def acquire(self, operation: str, *, on_wait: Callable[[float], None] | None = None) -> float:
        """Wait until *operation* may be called and take its token; return the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                delay = self._bucket(operation).try_take(self.clock.now())
            if delay <= 0.0:
                return waited
            if on_wait is not None:
                on_wait(delay)
            self.clock.sleep(delay)
            waited += delay

    def observe(self, operation: str, limit_header: str | None) -> None:
        """Adopt the rate Amazon states in ``x-amzn-RateLimit-Limit`` (ignored when absent or malformed)."""
        if not limit_header:
            return
        try:
            rate = float(limit_header)
        except ValueError:
            return
        if rate <= 0 or rate != rate:  # NaN or nonsense: keep the published plan
            return
        with self._lock:
            self._bucket(operation).rate = rate

    def throttled(self, operation: str) -> None:
        """Record a 429 for *operation*: its bucket is empty now."""
        with self._lock:
            self._bucket(operation).drain(self.clock.now())
