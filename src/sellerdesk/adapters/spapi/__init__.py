"""Amazon's Selling Partner API: the client (httpx), LWA credentials, usage-plan buckets, the emulator."""

from __future__ import annotations

from sellerdesk.adapters.spapi.auth import LwaCredentials, read_credentials
from sellerdesk.adapters.spapi.client import ENDPOINTS, MESSAGE_TYPES, SpApiClient
from sellerdesk.adapters.spapi.ratelimit import USAGE_PLANS, ManualClock, RateLimiter, SystemClock, UsagePlan

__all__ = [
    "ENDPOINTS",
    "MESSAGE_TYPES",
    "USAGE_PLANS",
    "LwaCredentials",
    "ManualClock",
    "RateLimiter",
    "SpApiClient",
    "SystemClock",
    "UsagePlan",
    "read_credentials",
]
