"""The one exception tree of sellerdesk.

Every error that sellerdesk raises on purpose derives from :class:`SellerdeskError`.
Adapters translate the errors of the libraries they wrap (``imaplib``, ``smtplib``,
SQLAlchemy, ``httpx``) into these classes, so that nothing above the adapters has to
know which library sits underneath. Only the shells (CLI, web) turn them into exit
codes or HTTP statuses.

Tree::

    SellerdeskError
    ├── ConfigError            the configuration file or an environment variable is wrong
    ├── MailError              talking to a mail server failed
    │   ├── MailConnectError   the server could not be reached (network, TLS)
    │   ├── MailAuthError      the server refused the credentials
    │   └── MailSendError      the SMTP server refused or lost a message
    │       ├── MailTemporaryError   a 4xx answer or a dropped connection: try again later
    │       └── MailPermanentError   a 5xx answer: do not try again
    ├── MessageParseError      a mail could not be parsed (it is quarantined, not dropped)
    ├── StoreError             the database refused an operation
    │   └── NotFoundError      a stored object that was asked for does not exist
    ├── InputError             a line of input to a command is malformed
    ├── SendBlockedError       a reply was stopped by the compliance guard
    ├── SpApiError             the Amazon SP-API answered with an error
    │   └── SpApiThrottledError    Amazon answered 429: slow down
    └── TemplateError          a reply template is invalid or misses a variable
"""

from __future__ import annotations


class SellerdeskError(Exception):
    """Root of every error sellerdesk raises on purpose."""


class ConfigError(SellerdeskError):
    """The configuration is wrong; the message names the file, the key and the fix."""


class MailError(SellerdeskError):
    """Talking to a mail server failed."""


class MailConnectError(MailError):
    """A mail server could not be reached."""


class MailAuthError(MailError):
    """A mail server refused the credentials."""


class MailSendError(MailError):
    """The SMTP server refused or lost a message."""


class MailTemporaryError(MailSendError):
    """A temporary SMTP failure (4xx or a dropped connection); the send may be retried."""


class MailPermanentError(MailSendError):
    """A permanent SMTP failure (5xx); the send must not be retried."""


class MessageParseError(SellerdeskError):
    """A mail could not be parsed; the raw bytes are kept and the mail is quarantined."""


class StoreError(SellerdeskError):
    """The database refused an operation."""


class NotFoundError(StoreError):
    """A stored object that was asked for does not exist."""


class InputError(SellerdeskError):
    """A line of command input is malformed."""


class SendBlockedError(SellerdeskError):
    """A reply was stopped by the compliance guard and not overridden."""


class SpApiError(SellerdeskError):
    """The Amazon SP-API answered with an error."""


class SpApiThrottledError(SpApiError):
    """The Amazon SP-API answered 429 (too many requests)."""


class TemplateError(SellerdeskError):
    """A reply template is invalid or misses a variable."""
