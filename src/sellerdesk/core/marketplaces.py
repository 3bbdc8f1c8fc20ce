"""Amazon's marketplaces: country code, marketplace ID, domains, language, region, time zone."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace as sellerdesk needs to know it."""

    code: str  # two-letter country code used everywhere in sellerdesk ("UK", not "GB")
    marketplace_id: str  # SP-API marketplace ID
    domain: str  # the storefront domain, e.g. "amazon.co.uk"
    language: str  # ISO 639-1 code of the marketplace's main language
    region: str  # SP-API region: "NA", "EU" or "FE"
    timezone: str  # IANA zone used for the marketplace's local time
    currency: str
    other_languages: tuple[str, ...] = ()  # further languages buyers commonly write in

    @property
    def relay_domain(self) -> str:
        """The domain of the anonymised buyer aliases, e.g. ``marketplace.amazon.co.uk``."""
        return f"marketplace.{self.domain}"


_ALL = (
    Marketplace("US", "ATVPDKIKX0DER", "amazon.com", "en", "NA", "America/Los_Angeles", "USD", ("es",)),
    Marketplace("CA", "A2EUQ1WTGCTBG2", "amazon.ca", "en", "NA", "America/Toronto", "CAD", ("fr",)),
    Marketplace("MX", "A1AM78C64UM0Y8", "amazon.com.mx", "es", "NA", "America/Mexico_City", "MXN"),
    Marketplace("BR", "A2Q3Y263D00KWC", "amazon.com.br", "pt", "NA", "America/Sao_Paulo", "BRL"),
    Marketplace("UK", "A1F83G8C2ARO7P", "amazon.co.uk", "en", "EU", "Europe/London", "GBP"),
    Marketplace("DE", "A1PA6795UKMFR9", "amazon.de", "de", "EU", "Europe/Berlin", "EUR", ("en",)),
    Marketplace("FR", "A13V1IB3VIYZZH", "amazon.fr", "fr", "EU", "Europe/Paris", "EUR"),
    Marketplace("IT", "APJ6JRA9NG5V4", "amazon.it", "it", "EU", "Europe/Rome", "EUR"),
    Marketplace("ES", "A1RKKUPIHCS9HS", "amazon.es", "es", "EU", "Europe/Madrid", "EUR"),
    Marketplace("NL", "A1805IZSGTT6HS", "amazon.nl", "nl", "EU", "Europe/Amsterdam", "EUR"),
    Marketplace("SE", "A2NODRKZP88ZB9", "amazon.se", "sv", "EU", "Europe/Stockholm", "SEK"),
    Marketplace("PL", "A1C3SOZRARQ6R3", "amazon.pl", "pl", "EU", "Europe/Warsaw", "PLN"),
    Marketplace("BE", "AMEN7PMS3EDWL", "amazon.com.be", "fr", "EU", "Europe/Brussels", "EUR", ("nl",)),
    Marketplace("IE", "A28R8C7NBKEWEA", "amazon.ie", "en", "EU", "Europe/Dublin", "EUR"),
    Marketplace("TR", "A33AVAJ2PDY3EV", "amazon.com.tr", "tr", "EU", "Europe/Istanbul", "TRY"),
    Marketplace("AE", "A2VIGQ35RCS4UG", "amazon.ae", "en", "EU", "Asia/Dubai", "AED", ("ar",)),
    Marketplace("SA", "A17E79C6D8DWNP", "amazon.sa", "ar", "EU", "Asia/Riyadh", "SAR", ("en",)),
    Marketplace("EG", "ARBP9OOSHTCHU", "amazon.eg", "ar", "EU", "Africa/Cairo", "EGP", ("en",)),
    Marketplace("IN", "A21TJRUUN4KGV", "amazon.in", "en", "EU", "Asia/Kolkata", "INR", ("hi",)),
    Marketplace("ZA", "AE08WJ6YKNBMC", "amazon.co.za", "en", "EU", "Africa/Johannesburg", "ZAR"),
    Marketplace("JP", "A1VC38T7P7ZR0I", "amazon.co.jp", "ja", "FE", "Asia/Tokyo", "JPY"),
    Marketplace("AU", "A39IBJ37TRP1C6", "amazon.com.au", "en", "FE", "Australia/Sydney", "AUD"),
    Marketplace("SG", "A19VAU5U5O7RUS", "amazon.sg", "en", "FE", "Asia/Singapore", "SGD"),
)

MARKETPLACES: dict[str, Marketplace] = {m.code: m for m in _ALL}
"""Every marketplace by its two-letter code."""

_BY_DOMAIN = {m.domain: m for m in _ALL}
_BY_ID = {m.marketplace_id: m for m in _ALL}


def by_domain(domain: str) -> Marketplace | None:
    """Find the marketplace of a storefront or relay domain (``marketplace.amazon.de`` → DE)."""
    domain = domain.lower().rstrip(".")
    if domain.startswith("marketplace."):
        domain = domain[len("marketplace."):]
    return _BY_DOMAIN.get(domain)


def by_id(marketplace_id: str) -> Marketplace | None:
    """Find the marketplace of an SP-API marketplace ID."""
    return _BY_ID.get(marketplace_id)


AMAZON_DOMAINS: frozenset[str] = frozenset(m.domain for m in _ALL) | {
    "amazon.com", "sellercentral.amazon.com", "amzn.to", "amzn.com", "a.co", "amazon-adsystem.com",
}
"""Amazon's own domains (links to them are allowed in buyer messages)."""
