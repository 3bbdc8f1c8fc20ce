"""The after-sales configuration keys: numbers from the file or the environment, and their mistakes."""

from __future__ import annotations

import pytest

from sellerdesk.config import Config, parse_config
from sellerdesk.errors import ConfigError
from sellerdesk.services.after_sales_ledger import ledger_currency


def test_the_rate_limit_and_margin_come_from_the_file_or_the_environment() -> None:
    assert (Config().replacement_rate_limit, Config().replacement_rate_warn_margin) == (2.5, 0.5)
    from_file = parse_config({"replacement_rate_limit": 3, "replacement_rate_warn_margin": 0.75}, env={})
    assert (from_file.replacement_rate_limit, from_file.replacement_rate_warn_margin) == (3.0, 0.75)
    from_env = parse_config({"replacement_rate_limit": 3}, env={"SELLERDESK_REPLACEMENT_RATE_LIMIT": "2.0"})
    assert from_env.replacement_rate_limit == 2.0


@pytest.mark.parametrize("value", ["two", -1, True, "nan"])
def test_a_rate_limit_that_is_not_a_number_of_zero_or_more_is_refused(value: object) -> None:
    with pytest.raises(ConfigError, match=r"test\.toml: replacement_rate_limit: expected a number of zero or more"):
        parse_config({"replacement_rate_limit": value}, source="test.toml", env={})


def test_the_ledger_currency_must_be_a_currency_code() -> None:
    assert ledger_currency(parse_config({"ledger_currency": "eur"}, env={})) == "EUR"
    with pytest.raises(ConfigError, match="ledger_currency: 'Euro' is not a currency code"):
        ledger_currency(parse_config({"ledger_currency": "Euro"}, source="test.toml", env={}))
