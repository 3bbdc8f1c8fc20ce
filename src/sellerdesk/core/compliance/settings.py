"""Per-store tuning of the compliance rules: the ``[compliance]`` section of the configuration.

```toml
[compliance]
allowed_domains = ["acme-brand.example"]        # links to these are fine (and their subdomains)
near_duplicate_window_count = 50

[compliance.stores.acme-us]                     # overrides for one store, merged over [compliance]
allowed_phone_numbers = ["+1 800 555 0199"]     # e.g. the manufacturer's warranty line
allowed_phrases = ["Warranty service: Acme Inc., +1 800 555 0199"]
```

Each key is declared once, as data (:data:`SETTING_KEYS`); ``docs/rules.md`` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sellerdesk.core.compliance.findings import SEVERITIES
from sellerdesk.errors import ConfigError


@dataclass(frozen=True)
class SettingKey:
    """One tunable: its name, the type it takes, its default and a one-line help."""

    name: str
    type: type
    default: Any
    help: str


SETTING_KEYS: tuple[SettingKey, ...] = (
    SettingKey("allowed_domains", list, [],
               "Domains (and their subdomains) that links may point to, e.g. the brand's own store page."),
    SettingKey("allowed_phone_numbers", list, [],
               "Phone numbers that may appear, e.g. a manufacturer's warranty line (any format)."),
    SettingKey("allowed_phrases", list, [],
               "Exact passages that are always fine, e.g. a fixed warranty line; findings inside them are dropped."),
    SettingKey("disabled_rules", list, [], "Rules not to run for this store (use sparingly)."),
    SettingKey("severities", dict, {}, 'Severity overrides per rule, e.g. {emoji = "info"}.'),
    SettingKey("near_duplicate_threshold", float, 0.85,
               "Similarity (0-1) from which a reply counts as a near-duplicate of an earlier one."),
    SettingKey("near_duplicate_window_count", int, 50, "How many of the latest outgoing replies to compare with."),
    SettingKey("near_duplicate_window_days", int, 30, "How many days back outgoing replies are compared with."),
    SettingKey("auto_reply_seconds", int, 60,
               "An automatic send sooner than this after the buyer's message looks like an auto-responder."),
)


@dataclass(frozen=True)
class RuleSettings:
    """Per-store tuning of the rules; the defaults follow Amazon's guidelines."""

    allowed_domains: frozenset[str] = frozenset()
    allowed_phone_numbers: frozenset[str] = frozenset()
    allowed_phrases: tuple[str, ...] = ()
    disabled_rules: frozenset[str] = frozenset()
    severities: Mapping[str, str] = field(default_factory=dict)
    near_duplicate_threshold: float = 0.85
    near_duplicate_window_count: int = 50
    near_duplicate_window_days: int = 30
    auto_reply_seconds: int = 60

    def allows_domain(self, host: str) -> bool:
        """True when *host* is an allowed domain or a subdomain of one."""
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def allows_phone(self, digits: str) -> bool:
        """True when the digits of a found number end like (or equal) an allowed number's."""
        return any(digits.endswith(a) or a.endswith(digits) for a in self.allowed_phone_numbers if len(a) >= 6)


_NON_DIGITS = re.compile(r"\D")


def digits_of(value: str) -> str:
    """Only the digits of a phone number, without a leading international 00."""
    digits = _NON_DIGITS.sub("", value)
    return digits[2:] if digits.startswith("00") else digits


DEFAULT_SETTINGS = RuleSettings()


def parse_rule_settings(mapping: Mapping[str, Any] | None, *, store: str | None = None,
                        source: str = "[compliance]") -> RuleSettings:
    """Build :class:`RuleSettings` from a ``[compliance]`` configuration table.

    Args:
        mapping: the decoded table (``Config.extra.get("compliance")``); None gives the defaults.
        store: a store name; its ``[compliance.stores.<name>]`` table is merged over the section.
        source: how to name the section in error messages (e.g. the file name).

    Raises:
        ConfigError: an unknown key, a value of the wrong type or an out-of-range number; the
            message names the key and the fix.
    """
    settings = DEFAULT_SETTINGS
    if not mapping:
        return settings
    if not isinstance(mapping, Mapping):
        raise ConfigError(f"{source}: must be a table, written [compliance]")
    stores = mapping.get("stores", {})
    if not isinstance(stores, Mapping):
        raise ConfigError(f"{source}: stores must be tables, written [compliance.stores.<name>]")
    settings = _apply({k: v for k, v in mapping.items() if k != "stores"}, settings, source)
    if store is not None and store in stores:
        settings = _apply(stores[store], settings, f"{source}.stores.{store}")
    return settings


def _apply(table: Any, settings: RuleSettings, where: str) -> RuleSettings:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table of settings")
    keys = {k.name: k for k in SETTING_KEYS}
    changes: dict[str, Any] = {}
    for name, value in table.items():
        key = keys.get(name)
        if key is None:
            raise ConfigError(f"{where}: unknown key {name!r}; valid keys: {', '.join(sorted(keys))}")
        changes[name] = _coerce(key, value, f"{where}: {name}")
    return replace(settings, **changes)


def _coerce(key: SettingKey, value: Any, where: str) -> Any:
    if key.type is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f'{where}: expected a list of strings such as ["example.com"], got {value!r}')
        if key.name == "allowed_domains":
            return frozenset(v.lower().strip().removeprefix("www.").rstrip(".") for v in value)
        if key.name == "allowed_phone_numbers":
            return frozenset(digits_of(v) for v in value)
        return tuple(value) if key.name == "allowed_phrases" else frozenset(value)
    if key.type is dict:
        if not isinstance(value, Mapping) or not all(v in SEVERITIES for v in value.values()):
            raise ConfigError(f'{where}: expected a table of rule = "block"|"warn"|"info", got {value!r}')
        return dict(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    if key.type is float:
        if not 0.0 < float(value) <= 1.0:
            raise ConfigError(f"{where}: {value!r} is out of range; use a share between 0 and 1 such as 0.85")
        return float(value)
    if int(value) != value or value < 0:
        raise ConfigError(f"{where}: expected a whole number of at least 0, got {value!r}")
    return int(value)
