"""Contact details and links: e-mail addresses, phone numbers, external links, off-Amazon channels.

Amazon allows none of them in buyer messages, except Amazon's own links, a carrier's tracking page
and a carrier's, manufacturer's or warranty phone line. Phone numbers are found by Google's
``phonenumbers`` with the marketplace's region; domains are validated against the Public Suffix
List that ``tldextract`` bundles (no network fetch: ``suffix_list_urls=()``). Identifiers that
merely look like numbers or domains (order IDs, tracking numbers, dates, prices, file names) are
masked before matching.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
import tldextract

from sellerdesk.core.compliance.draft import Draft
from sellerdesk.core.compliance.findings import BLOCK, WARN, Finding, Rule, buyer_facing
from sellerdesk.core.compliance.normalise import BARE_IDENTIFIER, mask_identifiers
from sellerdesk.core.compliance.settings import digits_of

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

AMAZON_NAMES = frozenset({"amazon", "amzn", "media-amazon", "ssl-images-amazon", "amazon-adsystem"})
AMAZON_HOSTS = frozenset({"a.co", "amzn.to", "amzn.eu", "amzn.asia"})
CARRIER_DOMAINS = frozenset({
    "ups.com", "fedex.com", "usps.com", "dhl.com", "dhl.de", "dhl.co.uk", "dhl.fr", "dhl.es", "dhl.it",
    "royalmail.com", "parcelforce.com", "dpd.com", "dpd.de", "dpd.co.uk", "dpd.fr", "evri.com",
    "hermesworld.com", "myhermes.de", "gls-group.eu", "gls-group.com", "laposte.fr", "colissimo.fr",
    "chronopost.fr", "correos.es", "seur.com", "mrw.es", "poste.it", "brt.it", "sda.it",
    "japanpost.jp", "post.japanpost.jp", "kuronekoyamato.co.jp", "sagawa-exp.co.jp", "canadapost.ca",
    "canadapost-postescanada.ca", "purolator.com", "auspost.com.au", "postnl.nl", "ontrac.com",
    "yunexpress.com", "17track.net",
})
# TLDs that are also common file extensions: "manual.zip" is a file name unless written as a URL.
_FILE_LIKE_TLDS = frozenset({"zip", "mov", "py", "sh", "rs", "md", "pl", "ps", "cs", "cc", "jp2"})
WEBMAIL = frozenset({
    "gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "me", "aol", "gmx", "web",
    "t-online", "orange", "free", "wanadoo", "libero", "virgilio", "tiscali", "qq", "163", "126",
    "sina", "foxmail", "protonmail", "proton", "yandex", "mail", "docomo", "ezweb", "softbank",
})

_AT = r"(?:@|\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*|\s+(?:at|arroba|chiocciola|bei|アット|あっと)\s+|\s@\s)"
_DOT = (r"(?:\.|\s*[\[\(\{<]\s*(?:dot|punto|punkt|point|\.)\s*[\]\)\}>]\s*"
        r"|\s+(?:dot|punto|punkt|point|ドット)\s+|\s\.\s)")
# Possessive runs (*+): no character of a name or label can start {_AT} or {_DOT}, so giving some
# back never helps, and not trying is what keeps the search quick on ordinary words.
_EMAIL = re.compile(
    rf"(?<![\w.])[a-z0-9][a-z0-9._%+\-]*+{_AT}[a-z0-9][a-z0-9\-]*+(?:{_DOT}[a-z0-9][a-z0-9\-]*+)*{_DOT}"
    rf"[a-z]{{2,12}}(?![\w@])"
)
_PLAIN_EMAIL = re.compile(r"[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}")

_URL = re.compile(
    r"(?:h(?:tt|xx)ps?://|www\.)[^\s<>\"'()\[\]{}「」（）、，。]+"
    r"|(?<![\w@.\-/])(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?:/[^\s<>\"'()\[\]{}、，。]*)?(?![\w@\-])"
    r"|(?<![\w.])[a-z0-9][a-z0-9\-]+(?:\s*[\[\(\{]\s*(?:dot|\.)\s*[\]\)\}]\s*|\s+dot\s+)(?:com|net|org|shop"
    r"|store|de|fr|es|it|jp|cn|co\.uk)\b"
)
# A URL is one token: the window around a trigger need only reach the token's ends.
_URL_REACH = 60
_SCHEME = re.compile(r"^(?:h(?:tt|xx)ps?://)?(?:www\.)?")

# Starts with a character class, not a look-behind, so that the engine skips text quickly; the
# boundaries are checked on each match (see _bounded).
_PHONE_CANDIDATE = re.compile(r"[+(\d][\d \t().\-/]{5,21}\d")
_PHONE_SHAPES = re.compile(
    r"^(?:\+|00)\d"                                  # international prefix
    r"|^(?:1[ .\-]?)?\(?\d{3}\)?[ .\-]\d{3}[ .\-]\d{4}$"  # North American (1-)212-555-0147
    r"|^1[3-9]\d{9}$"                                # Chinese mobile
    r"|^0\d{1,4}[ \-/]\d{2,4}[ \-]?\d{3,8}$"         # European and Japanese trunk prefix
)
_CN_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
_DIGITS_AND_SPACES = re.compile(r"\+?[\d \-]+")
_LINE_CONTEXT = re.compile(
    r"(?i:ups|fedex|usps|dhl|royal mail|parcelforce|dpd|evri|hermes|gls|la poste|colissimo|chronopost"
    r"|correos|seur|poste italiane|brt|japan post|日本郵便|ヤマト|佐川|canada post|carrier|courier|transporteur"
    r"|spediteur|zusteller|paketdienst|transportista|mensajer|corriere|corriere espresso|配送業者|运输公司|快递"
    r"|manufacturer|warranty|hersteller|garantie|fabricant|fabricante|garant[íi]a|produttore|garanzia"
    r"|メーカー|保証|厂家|保修|support line|service center|kundendienst des herstellers)"
)

OFF_PLATFORM = re.compile(
    r"whats\s?app|wechat|weixin|微信|telegram|viber|skype|kakao\s?talk|facebook|instagram|tiktok|抖音"
    r"|twitter|snapchat|discord|\bqq\b|qq号|line\s?id|line@|(?<=[\u3040-\u30ff\u4e00-\u9fff])line(?![a-z])"
    r"|(?<![a-z])line(?=[\u3040-\u30ff\u4e00-\u9fff@])|ライン(?:で|に|の)|messenger|signal app"
    # English
    r"|(?:contact|reach|message|email|e-mail|write to|call) us (?:directly )?(?:on|via|through|at|from) our"
    r" (?:own |official )?(?:website|web ?site|site|web ?shop|online (?:shop|store)|homepage)"
    r"|visit our (?:own |official )?(?:website|web ?site|web ?shop|online (?:shop|store)|homepage)"
    r"|(?:on|from|at) our (?:own |official )?(?:website|web ?site|web ?shop|homepage|online (?:shop|store))"
    r"|join our (?:vip|facebook|fan|customer|buyer|tester|review|private|exclusive)\w* (?:group|club"
    r"|community|program)"
    r"|vip (?:group|club|program)|qr[ -]?(?:code|コード)|scan (?:the|this|our) code|follow us|add (?:me|us) on"
    r"|(?:text|dm) us|contact us directly (?:by|via) (?:e-?mail|phone)"
    # German
    r"|(?:auf|über|in) unsere(?:r|m|n)? (?:eigenen? )?(?:website|webseite|homepage|internetseite|online-?shop)"
    r"|besuchen sie unsere? (?:website|webseite|homepage|online-?shop)|vip-?gruppe|folgen sie uns"
    r"|kontaktieren sie uns direkt (?:per|über) (?:e-?mail|telefon)"
    # French
    r"|(?:sur|via) notre (?:propre )?(?:site|boutique en ligne)|visitez notre site|groupe vip|code qr"
    r"|suivez-nous|contactez-nous directement"
    # Spanish
    r"|(?:en|a través de|desde) nuestra (?:propia )?(?:web|página web|tienda online)|nuestro sitio web"
    r"|visite nuestra web|grupo vip|código qr|s[íi]ganos|cont[áa]ctenos directamente"
    # Italian
    r"|(?:sul|dal|tramite il) nostro sito|visit(?:a|i|ate) il nostro sito|gruppo vip|codice qr|seguici su"
    r"|contattaci direttamente"
    # Japanese and Chinese
    r"|公式サイト|ホームページ|自社サイト|直接ご連絡|直接連絡|加我|加微|官网|独立站|二维码|vip群|私信|粉丝群"
)


TRIGGERS: dict[str, tuple[str, ...]] = {
    "email": ("@", " at ", "[at", "(at", "{at", "<at", "arroba", "chiocciola", " bei ", "アット", "あっと"),
    "link": ("http", "hxxp", "www.", " dot ", "(dot", "[dot", "{dot",
             *(f".{c}" for c in "abcdefghijklmnopqrstuvwxyz")),
    "off_platform": (
        "whats", "wechat", "weixin", "微信", "telegram", "viber", "skype", "kakao", "facebook", "instagram",
        "tiktok", "抖音", "twitter", "snapchat", "discord", "qq", "line", "ライン", "messenger", "signal app",
        "website", "web site", "site", "webshop", "web shop", "online shop", "online store", "homepage",
        "vip", "qr", "scan", "follow us", "add me", "add us", "text us", "dm us", "directly",
        "webseite", "internetseite", "online-shop", "onlineshop", "folgen sie", "kontaktieren sie uns direkt",
        "boutique en ligne", "suivez-nous", "contactez-nous directement", "web", "tienda online",
        "sígan", "sigan", "contáctenos directamente", "contactenos directamente", "sito", "seguici",
        "contattaci direttamente", "公式サイト", "ホームページ", "自社サイト", "直接", "加我", "加微", "官网",
        "独立站", "二维码", "私信", "粉丝群"),
}
"""Every phrase of a family contains one of its triggers (see :mod:`.scanner`)."""


@lru_cache(maxsize=4096)
def _host_parts(host: str) -> tuple[str, str, str]:
    result = _EXTRACT(host)
    return result.subdomain, result.domain, result.suffix


def _host_of(found: str) -> str:
    host = _SCHEME.sub("", found)
    host = re.split(r"[/?#:]", host, maxsplit=1)[0]
    return re.sub(r"\s*[\[\(\{]\s*(?:dot|\.)\s*[\]\)\}]\s*|\s+dot\s+", ".", host).strip(".")


def find_emails(draft: Draft) -> list[Finding]:
    """Every e-mail address, also written as ``name at gmail dot com`` or ``name[at]shop.com``.

    Worked out once per draft: ``external_link`` needs the same spans to skip the addresses' domains.
    """
    cached = draft.memo.get("emails")
    if not isinstance(cached, list):
        cached = list(_emails(draft))
        draft.memo["emails"] = cached
    return cached


def _emails(draft: Draft) -> Iterator[Finding]:
    for match in draft.search_matches(_EMAIL, "email"):
        found = match.group(0)
        if not _PLAIN_EMAIL.fullmatch(found):
            # Written out ("name at gmail dot com"): the domain must be a real mail domain, so that
            # "meet us at home dot" or "sold at amazon.com" is not taken for an address.
            domain = re.split(_AT, found, maxsplit=1)[-1]
            first_label = re.split(_DOT, domain, maxsplit=1)[0].strip()
            obfuscated = bool(re.search(r"[\[\(\{<]|\bdot\b|\bpunto\b|\bpunkt\b|\bpoint\b", found))
            if not obfuscated and first_label not in WEBMAIL:
                continue
        yield draft.finding(
            "email_address", BLOCK, draft.joined.span(*match.span()),
            explanation="Amazon does not allow e-mail addresses in buyer messages; buyers must stay in "
                        "Amazon's messaging system.",
            suggestion="Remove the address; the buyer can answer this message through Amazon, which "
                       "reaches you anyway.")


def find_links(draft: Draft, *, skip: list[tuple[int, int]]) -> Iterator[Finding]:
    """URLs and bare domains outside Amazon's own; a carrier's tracking page only warns."""
    view = draft.joined
    for match in draft.search_matches(_URL, "link", reach=(_URL_REACH, _URL_REACH)):
        span = view.span(*match.span())
        if any(s <= span[0] < e or span[0] <= s < span[1] for s, e in skip):
            continue
        found = match.group(0)
        host = _host_of(found)
        _, domain, suffix = _host_parts(host)
        if not domain or not suffix:
            continue
        written_as_url = bool(re.match(r"h(?:tt|xx)ps?://|www\.", found))
        if not written_as_url:
            # "manual.zip" is a file; "arrived.It" is two sentences without a space.
            next_char = draft.text[span[0] + len(host) - len(suffix)] if span[0] + len(host) - len(suffix) \
                < len(draft.text) else ""
            if suffix in _FILE_LIKE_TLDS or next_char.isupper():
                continue
        registered = f"{domain}.{suffix}"
        if domain in AMAZON_NAMES or registered in AMAZON_HOSTS or draft.settings.allows_domain(host):
            continue
        if registered in CARRIER_DOMAINS or host in CARRIER_DOMAINS or (domain == "dhl"):
            yield draft.finding(
                "external_link", WARN, span,
                explanation="A carrier's tracking page is usually fine, but Amazon prefers the tracking "
                            "number, which the buyer also sees in their order.",
                suggestion="Give the carrier's name and the tracking number instead of the link, or keep "
                           "the link if the buyer asked for it.")
            continue
        yield draft.finding(
            "external_link", BLOCK, span,
            explanation="Amazon allows links only when they are needed to complete the order, and only to "
                        "Amazon's own pages.",
            suggestion="Remove the link; if the buyer needs a manual or a document, attach it as a PDF, or "
                       "link to the product page on Amazon.")


def find_phones(draft: Draft) -> Iterator[Finding]:
    """Phone numbers for the marketplace's region, with order IDs, tracking numbers and dates masked."""
    text = draft.text
    seen: set[tuple[int, int]] = set()
    for rough in _PHONE_CANDIDATE.finditer(text):
        if not _bounded(text, rough.start(), rough.end()) or len(digits_of(rough.group(0))) < 7 \
                or BARE_IDENTIFIER.fullmatch(rough.group(0).strip(" ().-/")):
            continue  # most often an order ID or a tracking number, recognised without masking
        if not _phone_like(rough.group(0).strip(), draft.phone_region):
            continue  # masking cannot turn a run that is not phone-like into a phone number
        # Identifiers are masked only around a candidate: masking a whole reply costs more than all rules.
        low, high = max(0, rough.start() - 40), min(len(text), rough.end() + 40)
        masked = mask_identifiers(text[low:high])
        for candidate in _PHONE_CANDIDATE.finditer(masked):
            span = (low + candidate.start(), low + candidate.end())
            if span in seen or not _bounded(masked, candidate.start(), candidate.end()):
                continue
            seen.add(span)
            finding = _phone_finding(draft, candidate.group(0).strip(), span)
            if finding is not None:
                yield finding


def _bounded(text: str, start: int, end: int) -> bool:
    """True when a digit run is not glued to letters or digits (a model number, a longer code)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "+_") and not (after.isalnum() or after == "_")


@lru_cache(maxsize=4096)
def _phone_like(raw: str, region: str) -> bool:
    """True when *raw* is shaped like a phone number or is a valid one in *region*."""
    digits = digits_of(raw)
    if not 7 <= len(digits) <= 15:
        return False
    # Chinese mobile numbers (1[3-9] + 9 digits) are what cross-border teams paste, whatever the marketplace.
    if _PHONE_SHAPES.search(raw) or (_CN_MOBILE.fullmatch(digits) and _DIGITS_AND_SPACES.fullmatch(raw)):
        return True
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _phone_finding(draft: Draft, raw: str, span: tuple[int, int]) -> Finding | None:
    if not _phone_like(raw, draft.phone_region) or draft.settings.allows_phone(digits_of(raw)):
        return None
    before = draft.text[max(0, span[0] - 80):span[0]]
    if _LINE_CONTEXT.search(before):
        return draft.finding(
            "phone_number", WARN, span,
            explanation="This looks like a carrier's, manufacturer's or warranty line, which Amazon "
                        "allows; check that it is not your own number.",
            suggestion="Keep it only if it is the carrier's or manufacturer's public line; add it to "
                       "allowed_phone_numbers in [compliance] to stop this warning.")
    return draft.finding(
        "phone_number", BLOCK, span,
        explanation="Amazon does not allow your phone number in buyer messages (only a carrier's, "
                    "manufacturer's or warranty line).",
        suggestion="Remove the number and answer the question in writing here; if a call is really "
                   "needed, Amazon's Buyer-Seller Messaging can arrange it.")


def find_off_platform(draft: Draft) -> Iterator[Finding]:
    """Steering the buyer off Amazon: messaging apps, social accounts, the seller's website, QR codes."""
    for span in draft.search(OFF_PLATFORM, "off_platform"):
        yield draft.finding(
            "off_platform_contact", BLOCK, span,
            explanation="Amazon forbids moving buyers to other channels (messaging apps, social media, your "
                        "own website or groups).",
            suggestion="Remove the invitation and keep the conversation in Amazon's messages; everything "
                       "the buyer needs can be sent here.")


def find_external_links(draft: Draft) -> Iterator[Finding]:
    """Links outside Amazon, skipping the domain part of e-mail addresses (already one finding)."""
    emails = [(f.start or 0, f.end or 0) for f in find_emails(draft)]
    yield from find_links(draft, skip=emails)


RULES = (
    Rule("email_address", BLOCK, buyer_facing, find_emails, "any e-mail address, also obfuscated"),
    Rule("external_link", BLOCK, buyer_facing, find_external_links, "a URL or bare domain outside Amazon's own"),
    Rule("phone_number", BLOCK, buyer_facing, find_phones, "a phone number that is not a carrier's or warranty line"),
    Rule("off_platform_contact", BLOCK, buyer_facing, find_off_platform, "steering the buyer off Amazon"),
)
