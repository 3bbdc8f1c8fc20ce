"""The SP-API leaves of sellerdesk's exception tree (all derive from :class:`sellerdesk.errors.SpApiError`).

::

    SpApiError                         (sellerdesk.errors)
    └── SpApiRequestError              Amazon answered an error; carries status, code, request ID
        ├── SpApiAuthError             LWA refused the credentials, or the access was denied
        ├── SpApiNotFoundError         404: unknown order ID (or not this seller's, or another region's)
        ├── SpApiNotAllowedError       403 on an action: Amazon no longer allows it for this order
        ├── SpApiInvalidInputError     400: the request was malformed
        └── SpApiUnavailableError      429/5xx still failing after the retries (also a SpApiThrottledError on 429)

Every message names the store, the operation, the order when there is one, Amazon's request ID
and what to do. None of these is retried by callers: the client already retried what can be.
"""

from __future__ import annotations

from sellerdesk.errors import SpApiError, SpApiThrottledError


class SpApiRequestError(SpApiError):
    """Amazon answered an SP-API call with an error."""

    def __init__(self, message: str, *, operation: str, status: int | None = None, code: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status
        self.code = code
        self.request_id = request_id


class SpApiAuthError(SpApiRequestError):
    """The store's credentials were refused (wrong, revoked or expired refresh token; wrong app)."""


class SpApiNotFoundError(SpApiRequestError):
    """Amazon does not know the order (wrong ID, another seller's order, or another region's)."""


class SpApiNotAllowedError(SpApiRequestError):
    """Amazon does not allow this action for this order (any more): do not retry it."""


class SpApiInvalidInputError(SpApiRequestError):
    """Amazon found the request malformed (a bad order ID, a bad parameter)."""


class SpApiUnavailableError(SpApiRequestError):
    """Amazon kept answering 5xx (or the network failed) through every retry."""


class SpApiRetriesExhaustedError(SpApiUnavailableError, SpApiThrottledError):
    """Amazon kept answering 429 through every retry."""
