"""Language detection for buyer messages (ISO 639-1 codes).

Scripts decide first: kana means Japanese, Hangul Korean, Arabic script Arabic, Devanagari Hindi,
Han without kana Chinese. Latin-script text goes to lingua's statistical models (shipped inside
the wheel, so nothing is downloaded), restricted to the languages Amazon's marketplaces use; the
detector is built once, on first use. Order IDs, ASINs, tracking numbers, URLs and e-mail
addresses are removed first, since they carry no language but skew short texts.

``hint`` is the marketplace's language: it decides when the text is too short or too ambiguous
to tell, e.g. "Danke!" on amazon.de or "OK" anywhere.

Messages whose function words leave no doubt are settled without the models (they agree with
the models on every labelled message), and the answers for the last few thousand texts are
kept, so that a text seen again costs a dictionary look-up.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

LATIN_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "pl", "tr")
"""Latin-script languages of Amazon's marketplaces, the ones the statistical detector chooses among."""

SUPPORTED_LANGUAGES: tuple[str, ...] = (*LATIN_LANGUAGES, "ja", "zh", "ar", "hi", "ko")
"""Every code :func:`detect_language` can return."""

# Identifiers and addresses say nothing about the language and dominate short messages.
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|\b\d{3}-\d{7}-\d{7}\b|\bB0[0-9A-Z]{8}\b|\b1Z[0-9A-Z]{16}\b"
    r"|\bTBA\d{12}\b|\b[A-Z]{2}\d{9}[A-Z]{2}\b|[#\d]+",
)
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")

# Below this many letters the statistics are thin: a hint wins unless the models are sure.
_SHORT = 12
# Past this many characters the first part is enough; it keeps the cost per message flat.
_MAX_CHARS = 400
# The statistical models cost grows with length; 200 characters are plenty for them.
_MAX_MODEL_CHARS = 200
# How far the hint's confidence may trail the best one before the hint is overruled.
_HINT_MARGIN_SHORT = 0.6
_HINT_MARGIN = 0.15

_lock = threading.Lock()

# Function words that are frequent in one language and rare in the others (words shared by
# several of them, such as "de", "la", "que", "non", "mi", are left out on purpose). A message
# with several of one list and few of the others is settled without the statistical models,
# which cost about 20 times more per call and some 280 MB once loaded.
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words("the and it my you of this that was for have not with please can what when where "
                    "thanks but your would did does be are we in on thank hi hello there just got"),
    "de": _words("der das und ist nicht ich mein meine sie bitte ein eine mit auf für wurde habe hat noch "
                    "kann wie wann danke den dem zu von bei auch aber schon wo können ihnen hallo wir ob "
                    "mir mich bis nach"),
    "fr": _words("les et est je pas une mon mes vous pour avec du des qui elle ce mais merci bonjour "
                    "reçu ai au sur pouvez toujours suis votre dans ai été ça"),
    "es": _words("el los las y mi por pero se gracias hola está cuando cómo dónde muy ya su al "
                    "pedí recibí puedo pueden favor han ha sido tengo todavía aún estoy nada"),
    "it": _words("gli è che per della di ho sono grazie ordine ciao salve dove mio mia ancora perché "
                    "potete vorrei nel nella ricevuto arrivato stato anche questo questa niente"),
    "pt": _words("os não meu minha obrigado obrigada olá você ainda recebi já mas em uma "
                    "foi estou vocês seu sua isso nao"),
    "nl": _words("het een en niet ik mijn je u van voor met maar dat wat wanneer waar bedankt bestelling "
                    "nog heb ook graag dank hebben is"),
    "sv": _words("och är inte jag min mitt ett det att för med men som har när tack beställning hej "
                    "fortfarande ni till"),
    "pl": _words("w nie jest się na że z mój moje moja jak ale zamówienie dziękuję czy kiedy gdzie "
                    "jeszcze paczka mam dzień dobry"),
    "tr": _words("ve bir bu için çok ile ama değil siparişim sipariş teşekkürler merhaba hala nerede "
                    "ben benim mı mi neden"),
}
_WORD = re.compile(r"[^\W\d_]+")
# The fast path decides only with this many hits and this lead over the runner-up...
_FAST_MIN_HITS = 3
_FAST_LEAD = 2
# ... or, in a message of this many words, with this many different function words of one
# language, none of any other, and at least one word in this many a function word (pasted
# markup or garbled text has few).
_FAST_MIN_WORDS = 8
_FAST_MIN_DISTINCT = 2
_FAST_WORDS_PER_HIT = 16
# Texts detected lately, with their hint: the same words get the same answer without the models.
_CACHE_SIZE = 4096


@lru_cache(maxsize=1)
def _build_detector() -> LanguageDetector:
    # Imported here so that importing sellerdesk does not load the models.
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in LATIN_LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _detector() -> LanguageDetector:
    # The lock keeps parallel first calls from each building a detector (about 2 s of work).
    with _lock:
        return _build_detector()


def _script_language(text: str) -> str | None:
    """Return the language a non-Latin script settles, or None for Latin/unknown text."""
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    if kana:
        return "ja"
    scripts = {
        "ko": len(_HANGUL.findall(text)),
        "ar": len(_ARABIC.findall(text)),
        "hi": len(_DEVANAGARI.findall(text)),
        "zh": han,
    }
    best, count = max(scripts.items(), key=lambda item: item[1])
    if count == 0:
        return None
    latin = len(_LATIN_LETTER.findall(text))
    # A Latin message quoting a few foreign characters is still a Latin message.
    return best if count * 2 >= latin else None


def _function_word_language(text: str) -> str | None:
    """Return the language whose function words clearly dominate *text*, or None when unclear."""
    words = _WORD.findall(text.lower())
    if len(words) < _FAST_MIN_HITS:
        return None
    counts = Counter(words)
    found = {code: vocabulary.intersection(counts) for code, vocabulary in _FUNCTION_WORDS.items()}
    hits = sorted(((sum(counts[w] for w in shared), code) for code, shared in found.items()), reverse=True)
    (best, code), (second, _) = hits[0], hits[1]
    if best >= _FAST_MIN_HITS and best >= second * 2 and best - second >= _FAST_LEAD:
        return code
    if (second == 0 and len(words) >= _FAST_MIN_WORDS and len(found[code]) >= _FAST_MIN_DISTINCT
            and best * _FAST_WORDS_PER_HIT >= len(words)):
        return code
    return None


def detect_language(text: str, *, hint: str | None = None) -> str | None:
    """Return the ISO 639-1 code of the language *text* is written in.

    Args:
        text: the buyer's words (subject or body); identifiers and URLs are ignored.
        hint: the marketplace's language (e.g. ``"de"`` on amazon.de); it is returned for texts
            with no letters, and it wins for very short or ambiguous texts.

    Returns:
        A code from :data:`SUPPORTED_LANGUAGES`, the hint, or None when there is nothing to go on.
    """
    return _detect(text[: _MAX_CHARS * 2], hint.lower() if hint else None)


def forget_texts() -> None:
    """Forget the answers kept for the texts seen lately (to measure what new texts cost)."""
    _detect.cache_clear()


@lru_cache(maxsize=_CACHE_SIZE)
def _detect(text: str, hint: str | None) -> str | None:
    """detect_language on a text cut to the length it reads, with the hint lower-cased."""
    cleaned = _NOISE.sub(" ", text)[:_MAX_CHARS]
    by_script = _script_language(cleaned)
    if by_script is not None:
        # Kanji-only snippets ("返品", "領収書") are Japanese on amazon.co.jp.
        if by_script == "zh" and hint == "ja":
            return "ja"
        return by_script
    letters = len(_LATIN_LETTER.findall(cleaned))
    if letters == 0:
        return hint
    fast = _function_word_language(cleaned)
    if fast is not None:
        return fast
    values = _detector().compute_language_confidence_values(cleaned[:_MAX_MODEL_CHARS])
    if not values:
        return hint
    best = values[0]
    best_code = best.language.iso_code_639_1.name.lower()
    if hint is None or hint == best_code or hint not in LATIN_LANGUAGES:
        return best_code
    hinted = next((v.value for v in values if v.language.iso_code_639_1.name.lower() == hint), 0.0)
    margin = _HINT_MARGIN_SHORT if letters < _SHORT else _HINT_MARGIN
    return hint if best.value - hinted <= margin else best_code
