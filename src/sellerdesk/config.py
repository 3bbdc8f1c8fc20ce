"""Settings: one TOML file, loaded once at the entry points and passed down.

The file is ``./sellerdesk.toml`` unless ``--config PATH`` or ``SELLERDESK_CONFIG`` names
another. Every top-level key may also come from ``SELLERDESK_<KEY>`` in the environment.
Secrets are never written in the file: a ``*_password_env`` key names the environment
variable that holds the secret, and :func:`resolve_secret` reads it when it is needed.

Each key is declared once, as data (:data:`TOP_LEVEL_KEYS`, :data:`STORE_KEYS`,
:data:`MAILBOX_KEYS`); the loader validates against these declarations and
``docs/configuration.md`` is generated from them (``sellerdesk config docs``).
"""

from __future__ import annotations

import math
import os
import tomllib
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sellerdesk.core.marketplaces import MARKETPLACES
from sellerdesk.errors import ConfigError

DEFAULT_PATH = Path("sellerdesk.toml")
DEFAULT_DATABASE_URL = "sqlite:///sellerdesk.db"
SECURITY_CHOICES = ("tls", "starttls", "none")


@dataclass(frozen=True)
class Key:
    """One configuration key: its name, type, default and a one-line help."""

    name: str
    type: type
    default: Any
    help: str
    required: bool = False


TOP_LEVEL_KEYS: tuple[Key, ...] = (
    Key("database_url", str, DEFAULT_DATABASE_URL,
        'SQLAlchemy URL of the database: SQLite by default, "postgresql+psycopg://..." at scale.'),
    Key("attachment_max_bytes", int, 10 * 1024 * 1024,
        "Largest attachment kept in the database; larger ones are recorded without their content."),
    Key("poll_seconds", int, 60, "How often `sellerdesk ingest` polls each mailbox when not using IDLE."),
    Key("outbox_folder", str, None,
        "Write replies as .eml files into this folder instead of sending them by SMTP (demo and dry runs)."),
    Key("case_policies", str, None,
        "TOML file of the Amazon policies you cite in Seller Support cases ([[policies]] with id, title, link)."),
    Key("case_follow_up_days", int, 2,
        "Days after a Seller Support case is opened or changes status until its follow-up is due."),
    Key("replacement_rate_limit", float, 2.5,
        "Replacement rate (percent of a store's orders per marketplace over 90 days) above which Amazon may warn."),
    Key("replacement_rate_warn_margin", float, 0.5,
        "Warn this many percentage points before the replacement rate limit (2.5 - 0.5: from 2.0 %)."),
    Key("ledger_currency", str, "USD",
        "Currency the after-sales ledger adds costs up in (each cost is converted at the rate recorded with it)."),
)

STORE_KEYS: tuple[Key, ...] = (
    Key("name", str, None, "Unique name of the store, used everywhere as its key.", required=True),
    Key("marketplaces", list, None, 'Two-letter marketplace codes the store sells in, e.g. ["US", "CA"].',
        required=True),
    Key("timezone", str, "UTC", 'The team\'s working time zone (IANA name, e.g. "America/Los_Angeles").'),
    Key("signature", str, "", "Closing line added to replies, e.g. the store's name."),
    Key("working_hours", list, ["mon-fri 09:00-18:00"],
        'Weekly working windows in the store\'s time zone, e.g. ["mon-fri 09:00-12:30, 13:30-18:00", '
        '"sat 10:00-14:00"]; "22:00-06:00" runs past midnight.'),
    Key("holidays", list, [], 'Countries (or country-subdivision) whose public holidays are days off, '
        'e.g. ["US-CA", "DE-BY", "CN"].'),
    Key("days_off", list, [], 'Further days off, e.g. ["2026-12-24", 2026-12-31].'),
    Key("peak_season", list, [], 'Yearly periods (month-day, inclusive) with the tighter peak target, '
        'e.g. ["11-15..12-31"].'),
    Key("peak_target_hours", int, 12, "The team's response target in peak season, in hours (Amazon's is 24)."),
    Key("spapi_region", str, None, 'SP-API region of the seller account: "NA", "EU" or "FE" (unset: no SP-API).'),
    Key("spapi_refresh_token_env", str, None,
        "Name of the environment variable (or OS keyring entry) holding the store's LWA refresh token."),
    Key("spapi_client_id_env", str, None, "Name of the environment variable (or keyring entry) of the LWA client ID."),
    Key("spapi_client_secret_env", str, None,
        "Name of the environment variable (or keyring entry) of the LWA client secret."),
    Key("spapi_endpoint", str, None,
        'Base URL instead of Amazon\'s regional endpoint, e.g. the emulator\'s "http://127.0.0.1:8790".'),
    Key("spapi_orders_api", str, "auto",
        '"auto" (2026-01-01, falling back to v0 while 2026-01-01 is unavailable, until v0 is retired on '
        '2027-03-27), "2026-01-01" or "v0".'),
    Key("spapi_sqs_queue_url", str, None,
        "SQS queue receiving the store's ORDER_CHANGE notifications (`sellerdesk orders listen`; AWS credentials "
        "from boto3's usual chain)."),
    Key("spapi_seller_id", str, None,
        "The seller account's ID (merchant token), as ORDER_CHANGE notifications name it in SellerId. A "
        "notification for another SellerId is left in the queue and logged, not applied to this store."),
)

MAILBOX_KEYS: tuple[Key, ...] = (
    Key("store", str, None, "Name of the store this mailbox receives buyer messages for.", required=True),
    Key("imap_enabled", bool, True,
        "false: sellerdesk only sends through this mailbox and never reads it (the imap_* keys are then optional)."),
    Key("imap_host", str, None, "IMAP server host name.", required=True),
    Key("imap_port", int, 993, "IMAP server port."),
    Key("imap_security", str, "tls", '"tls", "starttls" or "none" (none: loopback or testing only).'),
    Key("imap_username", str, None, "IMAP login.", required=True),
    Key("imap_password_env", str, None, "Name of the environment variable holding the IMAP password.",
        required=True),
    Key("imap_folder", str, "INBOX", "Folder that receives Amazon's buyer-message notifications."),
    Key("smtp_host", str, None, "SMTP server host name (replies are sent through it)."),
    Key("smtp_port", int, 465, "SMTP server port."),
    Key("smtp_security", str, "tls", '"tls", "starttls" or "none" (none: loopback or testing only).'),
    Key("smtp_username", str, None, "SMTP login (defaults to imap_username)."),
    Key("smtp_password_env", str, None, "Name of the environment variable holding the SMTP password."),
    Key("from_address", str, None, "Sender address of replies; must be approved in Seller Central."),
)


@dataclass(frozen=True)
class StoreConfig:
    """A store (one seller account's customer-service identity)."""

    name: str
    marketplaces: tuple[str, ...]
    timezone: str = "UTC"
    signature: str = ""
    working_hours: Sequence[str] = ("mon-fri 09:00-18:00",)
    holidays: Sequence[str] = ()
    days_off: Sequence[str | date] = ()
    peak_season: Sequence[str] = ()
    peak_target_hours: int = 12
    spapi_region: str | None = None
    spapi_refresh_token_env: str | None = None
    spapi_client_id_env: str | None = None
    spapi_client_secret_env: str | None = None
    spapi_endpoint: str | None = None
    spapi_orders_api: str = "auto"
    spapi_sqs_queue_url: str | None = None
    spapi_seller_id: str | None = None


@dataclass(frozen=True)
class MailboxConfig:
    """A mailbox that receives Amazon's relayed buyer messages for one store."""

    store: str
    imap_host: str = ""
    imap_username: str = ""
    imap_password_env: str = ""
    imap_enabled: bool = True
    imap_port: int = 993
    imap_security: str = "tls"
    imap_folder: str = "INBOX"
    smtp_host: str | None = None
    smtp_port: int = 465
    smtp_security: str = "tls"
    smtp_username: str | None = None
    smtp_password_env: str | None = None
    from_address: str | None = None

    @property
    def label(self) -> str:
        """A short human name for messages: ``store:user@host/folder``."""
        return f"{self.store}:{self.imap_username}@{self.imap_host}/{self.imap_folder}"


@dataclass(frozen=True)
class Config:
    """The whole configuration, as loaded from the TOML file and the environment."""

    database_url: str = DEFAULT_DATABASE_URL
    attachment_max_bytes: int = 10 * 1024 * 1024
    poll_seconds: int = 60
    outbox_folder: str | None = None
    case_policies: str | None = None
    case_follow_up_days: int = 2
    replacement_rate_limit: float = 2.5
    replacement_rate_warn_margin: float = 0.5
    ledger_currency: str = "USD"
    stores: tuple[StoreConfig, ...] = ()
    mailboxes: tuple[MailboxConfig, ...] = ()
    source: str = "<defaults>"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def store(self, name: str) -> StoreConfig:
        """Return the store called *name*; raise :class:`ConfigError` if there is none."""
        for store in self.stores:
            if store.name == name:
                return store
        raise ConfigError(f"{self.source}: no store named {name!r}; add a [[stores]] table with name = {name!r}")


def resolve_secret(env_name: str | None, *, what: str) -> str:
    """Read the secret held by the environment variable *env_name*.

    Raises:
        ConfigError: the variable is unset or empty; the message names it, never its value.
    """
    if not env_name:
        raise ConfigError(f"{what}: no *_password_env key names the environment variable of the password")
    value = os.environ.get(env_name)
    if not value:
        raise ConfigError(f"{what}: environment variable {env_name} is not set; export it with the password")
    return value


def config_path(explicit: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """Pick the configuration file: *explicit*, else ``SELLERDESK_CONFIG``, else ``./sellerdesk.toml``."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit)
    if env.get("SELLERDESK_CONFIG"):
        return Path(env["SELLERDESK_CONFIG"])
    return DEFAULT_PATH


def load_config(path: str | os.PathLike[str] | None = None, *, env: Mapping[str, str] | None = None,
                required: bool = False) -> Config:
    """Load and validate the configuration.

    Args:
        path: the TOML file; ``None`` picks it as :func:`config_path` does.
        env: the environment to read ``SELLERDESK_*`` overrides from (default ``os.environ``).
        required: raise when the file does not exist instead of using defaults.

    Raises:
        ConfigError: the file is missing (when *required*), is not valid TOML, or a key is
            unknown, missing or of the wrong type. The message names the file, the key and the fix.
    """
    env = os.environ if env is None else env
    file = config_path(path, env)
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML ({exc}); fix the syntax at that place") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{file}: not UTF-8 text; save it as UTF-8") from exc
    elif required or path is not None:
        raise ConfigError(f"{file}: file not found; create it (see docs/configuration.md) or pass --config")
    return parse_config(data, source=str(file), env=env)


def parse_config(data: Mapping[str, Any], *, source: str = "<config>",
                 env: Mapping[str, str] | None = None) -> Config:
    """Validate an already-decoded configuration mapping (see :func:`load_config`)."""
    env = os.environ if env is None else env
    known = {k.name for k in TOP_LEVEL_KEYS} | {"stores", "mailboxes"}
    top: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            if isinstance(value, dict):
                extra[name] = value  # a section owned by a later capability (e.g. [compliance])
                continue
            raise ConfigError(f"{source}: unknown key {name!r}; valid top-level keys: {', '.join(sorted(known))}")
    for key in TOP_LEVEL_KEYS:
        raw = env.get(f"SELLERDESK_{key.name.upper()}", data.get(key.name, key.default))
        top[key.name] = _coerce(raw, key, where=f"{source}: {key.name}")
    stores = tuple(_parse_store(t, source, i) for i, t in enumerate(_tables(data, "stores", source)))
    names = [s.name for s in stores]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(f"{source}: [[stores]] name {name!r} appears twice; store names must be unique")
    mailboxes = tuple(_parse_mailbox(t, source, i, set(names))
                      for i, t in enumerate(_tables(data, "mailboxes", source)))
    return Config(stores=stores, mailboxes=mailboxes, source=source, extra=extra, **top)


def _tables(data: Mapping[str, Any], name: str, source: str) -> list[Mapping[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ConfigError(f"{source}: {name!r} must be an array of tables, written [[{name}]]")
    return value


def _coerce(value: Any, key: Key, *, where: str) -> Any:
    if value is None:
        return None
    if key.type is int and isinstance(value, str):
        try:
            return int(value)
        except ValueError as exc:
            raise ConfigError(f"{where}: {value!r} is not a whole number") from exc
    if key.type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where}: expected a whole number, got {value!r}")
    if key.type is float:
        try:
            number = float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not math.isfinite(number) or number < 0:
            raise ConfigError(f"{where}: expected a number of zero or more such as 2.5, got {value!r}")
        return number
    if key.type is bool and not isinstance(value, bool):
        if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
            return value.lower() in {"true", "1"}
        raise ConfigError(f"{where}: expected true or false, got {value!r}")
    if key.type is str and not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string in quotes, got {value!r}")
    if key.type is list and not isinstance(value, list):
        raise ConfigError(f"{where}: expected a list such as [\"US\"], got {value!r}")
    return value


def _check_keys(table: Mapping[str, Any], keys: tuple[Key, ...], where: str, *,
                optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    valid = {k.name for k in keys}
    for name in table:
        if name not in valid:
            hint = " (secrets are never written here: name their variable with *_password_env)" \
                if "password" in name else ""
            raise ConfigError(f"{where}: unknown key {name!r}{hint}; valid keys: {', '.join(sorted(valid))}")
    out: dict[str, Any] = {}
    for key in keys:
        if key.name not in table:
            if key.required and key.name not in optional:
                raise ConfigError(f"{where}: missing key {key.name!r} ({key.help})")
            continue
        out[key.name] = _coerce(table[key.name], key, where=f"{where}: {key.name}")
    return out


def _parse_store(table: Mapping[str, Any], source: str, index: int) -> StoreConfig:
    where = f"{source}: [[stores]] #{index + 1}"
    values = _check_keys(table, STORE_KEYS, where)
    codes = []
    for code in values["marketplaces"]:
        if not isinstance(code, str) or code.upper() not in MARKETPLACES:
            raise ConfigError(f"{where}: marketplaces: unknown marketplace {code!r}; "
                              f"use two-letter codes among {', '.join(MARKETPLACES)}")
        codes.append(code.upper())
    values["marketplaces"] = tuple(codes)
    try:
        zoneinfo.ZoneInfo(values.get("timezone", "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{where}: timezone: {values.get('timezone')!r} is not an IANA time zone "
                          "such as \"Europe/Berlin\"") from exc
    return StoreConfig(**values)


_IMAP_KEYS = frozenset({"imap_host", "imap_username", "imap_password_env"})


def _parse_mailbox(table: Mapping[str, Any], source: str, index: int, stores: set[str]) -> MailboxConfig:
    where = f"{source}: [[mailboxes]] #{index + 1}"
    send_only = table.get("imap_enabled") is False
    values = _check_keys(table, MAILBOX_KEYS, where, optional=_IMAP_KEYS if send_only else frozenset())
    if values["store"] not in stores:
        raise ConfigError(f"{where}: store: no [[stores]] table is named {values['store']!r}; add one or fix the name")
    for prefix in ("imap", "smtp"):
        security = values.get(f"{prefix}_security", "tls")
        if security not in SECURITY_CHOICES:
            raise ConfigError(f"{where}: {prefix}_security: {security!r} is not one of {', '.join(SECURITY_CHOICES)}")
        host = values.get(f"{prefix}_host")
        if security == "none" and host not in (None, "127.0.0.1", "localhost", "::1"):
            raise ConfigError(f"{where}: {prefix}_security = \"none\" sends the password in clear; it is allowed "
                              "only for a loopback host (127.0.0.1, localhost): use \"tls\" or \"starttls\"")
    return MailboxConfig(**values)


def render_docs() -> str:
    """Markdown table of every configuration key, generated from the declarations above."""
    lines = ["# Configuration", "", "Generated from `src/sellerdesk/config.py` by `sellerdesk config docs`; "
             "do not edit by hand.", ""]
    for title, keys in (("Top level", TOP_LEVEL_KEYS), ("`[[stores]]`", STORE_KEYS),
                        ("`[[mailboxes]]`", MAILBOX_KEYS)):
        lines += [f"## {title}", "", "| key | type | default | meaning |", "|---|---|---|---|"]
        for key in keys:
            default = "required" if key.required else ("" if key.default is None else f"`{key.default!r}`")
            lines.append(f"| `{key.name}` | {key.type.__name__} | {default} | {key.help} |")
        lines.append("")
    lines += ["Every top-level key may also be set as `SELLERDESK_<KEY>` in the environment "
              "(e.g. `SELLERDESK_DATABASE_URL`), which wins over the file.", ""]
    return "\n".join(lines)
