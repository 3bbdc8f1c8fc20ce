"""The [compliance] section: defaults, per-store overrides, clear errors."""

from __future__ import annotations

import pytest

from sellerdesk.core.compliance import RuleSettings, check, parse_rule_settings
from sellerdesk.errors import ConfigError


def test_defaults_and_per_store_overrides() -> None:
    assert parse_rule_settings(None) == RuleSettings()
    section = {
        "allowed_domains": ["WWW.Acme-Brand.com"],
        "near_duplicate_window_count": 20,
        "stores": {"acme-de": {"near_duplicate_window_count": 5, "disabled_rules": ["emoji"],
                               "severities": {"shouting": "info"}}},
    }
    base = parse_rule_settings(section)
    assert base.allowed_domains == {"acme-brand.com"}
    assert base.allows_domain("shop.acme-brand.com")
    assert base.near_duplicate_window_count == 20
    store = parse_rule_settings(section, store="acme-de")
    assert store.near_duplicate_window_count == 5
    assert store.allowed_domains == {"acme-brand.com"}
    assert parse_rule_settings(section, store="other") == base
    assert check("Great 😀", settings=store).verdict == "pass"
    assert [f.severity for f in check("PLEASE ANSWER ME NOW", settings=store).findings] == ["info"]


@pytest.mark.parametrize(("section", "message"), [
    ({"allowed_domain": ["x.com"]}, "unknown key 'allowed_domain'"),
    ({"allowed_domains": "x.com"}, "expected a list of strings"),
    ({"near_duplicate_threshold": 85}, "out of range"),
    ({"near_duplicate_window_days": -1}, "at least 0"),
    ({"severities": {"emoji": "loud"}}, "block"),
    ({"stores": {"acme": {"bogus": 1}}}, "[compliance].stores.acme: unknown key 'bogus'"),
])
def test_errors_name_the_key_and_the_fix(section: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=None) as caught:
        parse_rule_settings(section, store="acme")
    assert message in str(caught.value)


def test_every_rule_and_setting_is_documented() -> None:
    from pathlib import Path

    from sellerdesk.core.compliance import RULE_NAMES, SETTING_KEYS

    docs = (Path(__file__).resolve().parents[3] / "docs" / "rules.md").read_text(encoding="utf-8")
    assert [name for name in RULE_NAMES if f"### `{name}`" not in docs] == []
    assert [key.name for key in SETTING_KEYS if f"| `{key.name}` |" not in docs] == []
