"""Money: exact amounts, currency codes and conversion at a recorded exchange rate (pure).

Amounts are :class:`~decimal.Decimal`, never floats. A cost is kept in the currency it was paid in,
with the rate that converts it to the ledger's currency recorded beside it, so a report made a year
later still adds up to the same figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sellerdesk.errors import InputError

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def parse_amount(value: Any, *, what: str) -> Decimal:
    """*value* (a number or its text, e.g. ``"12.50"``) as a non-negative Decimal.

    Raises:
        InputError: not a finite number, negative, or a float with binary noise such as 0.1 + 0.2.
    """
    if isinstance(value, bool) or value is None:
        raise InputError(f"{what}: expected an amount such as \"12.50\", got {value!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise InputError(f"{what}: {value!r} is not an amount; write it as \"12.50\"") from exc
    if not amount.is_finite() or amount < 0:
        raise InputError(f"{what}: {value!r} must be a number of zero or more")
    return amount


def parse_rate(value: Any, *, what: str = "fx_rate") -> Decimal:
    """An exchange rate (ledger currency per unit of the paid currency), greater than zero.

    Raises:
        InputError: not a number, or zero or less.
    """
    rate = parse_amount(value, what=what)
    if rate == 0:
        raise InputError(f"{what}: an exchange rate must be greater than zero")
    return rate


def parse_currency(value: Any, *, what: str = "currency") -> str:
    """An ISO 4217 currency code such as ``EUR`` (upper-cased).

    Raises:
        InputError: not three letters.
    """
    code = str(value or "").strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise InputError(f"{what}: {value!r} is not a currency code; use three letters such as USD, EUR, JPY")
    return code


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """*amount* converted at *rate*, rounded half up to cents."""
    return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Costs:
    """What a replacement cost: item, packing and postage in *currency*, and the rate to the ledger currency."""

    item: Decimal
    packing: Decimal
    postage: Decimal
    currency: str
    fx_rate: Decimal
    ledger_currency: str

    @property
    def total(self) -> Decimal:
        """Item + packing + postage, in the paid currency."""
        return self.item + self.packing + self.postage

    @property
    def converted(self) -> Decimal:
        """The total in the ledger currency, at the recorded rate."""
        return convert(self.total, self.fx_rate)


def rate_from(record: dict[str, Any], *, currency: str, ledger_currency: str) -> Decimal:
    """The exchange rate ``fx_rate`` of *record*; 1 for an amount in the ledger currency itself.

    Raises:
        InputError: the rate is missing for another currency, or is not a number above zero.
    """
    if record.get("fx_rate") is not None:
        return parse_rate(record["fx_rate"])
    if currency == ledger_currency:
        return Decimal(1)
    raise InputError(f"fx_rate: an amount in {currency} needs the rate to the ledger currency {ledger_currency} "
                     f"(how many {ledger_currency} one {currency} was worth)")


def costs_from(record: dict[str, Any], *, ledger_currency: str) -> Costs:
    """Read ``cost_item``, ``cost_packing``, ``cost_postage``, ``currency`` and ``fx_rate`` from *record*.

    A cost paid in the ledger currency needs no rate (it is 1).

    Raises:
        InputError: a field is missing or malformed (the message names it).
    """
    currency = parse_currency(record.get("currency"))
    rate = rate_from(record, currency=currency, ledger_currency=ledger_currency)
    return Costs(item=parse_amount(record.get("cost_item", 0), what="cost_item"),
                 packing=parse_amount(record.get("cost_packing", 0), what="cost_packing"),
                 postage=parse_amount(record.get("cost_postage", 0), what="cost_postage"),
                 currency=currency, fx_rate=rate, ledger_currency=ledger_currency)
