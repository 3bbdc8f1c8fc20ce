"""How alike two replies are, once their variable parts are masked, and an index to ask it fast.

Similarity is the Jaccard index of the sets of word bigrams ("shingles") of the two texts after
masking names, order IDs, tracking numbers, dates and amounts; Chinese and Japanese characters
count as words. Two replies from one template with different names and order IDs score 1.0.

:class:`NearDuplicateIndex` answers "which stored replies are at least 85 % similar to this one"
without comparing with each of them: MinHash signatures (128 permutations) cut into 18 bands of 7
rows (locality-sensitive hashing), all bands' keys in one sorted NumPy array. It is written here rather
than taken from ``datasketch`` because datasketch's ``MinHashLSH`` keeps Python dicts of Python lists
per band (gigabytes at a million replies) and hashes one text at a time; a sorted array holds the same
buckets in about 220 bytes a reply and build a million signatures in vectorised batches.
Pure: the caller feeds the texts (see ``sellerdesk.services.compliance``).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

_GREETING_NAME = re.compile(
    r"\b(?:dear|hi|hello|hey|hallo|liebe[rs]?|sehr geehrte[rs]?|guten tag|bonjour|cher|chère|hola|estimad[oa]"
    r"|buenos días|gentile|caro|cara|ciao|salve)\s+(?:(?:mr|mrs|ms|herr|frau|monsieur|madame|sr|sra|sig"
    r"|signor[a]?)\.?\s+)?"
    r"[^\s,!.:;]{1,30}(?:\s+[A-ZÄÖÜ][^\s,!.:;]{0,30})?",
    re.IGNORECASE,
)
_JA_NAME = re.compile(r"[^\s、。,]{1,12}(?:様|さま|さん)")
# Greetings open a reply: looking for the buyer's name further in costs time and finds product names.
_GREETING_REACH = 80
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
# CJK characters count one by one (no spaces between words); other text splits at white space.
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+")
_PUNCTUATION = ".,;:!?¿¡()[]{}<>\"'«»“”„‘’…-–—/\\|*·、。，！？：；（）「」『』【】"

MAX_HASH = (1 << 31) - 1
NUM_PERM = 128
BANDS = 18
ROWS = 7
_MAX_HASH = np.uint64(MAX_HASH)
_BIGRAM_MULTIPLIER = np.uint64(1_000_003)
# The band's number goes into the top five bits of its keys, so that all bands share one sorted
# table and a lookup is one binary search for all eighteen keys.
_BAND_SHIFT = np.uint64(59)
_BAND_PREFIX = np.arange(BANDS, dtype=np.uint64) << _BAND_SHIFT


def mask_names(text: str) -> str:
    """*text* with the buyer's name after the greeting ("Dear John", "Hallo Frau Müller", "山田様") as ``#``."""
    head = _GREETING_NAME.sub(" # ", text[:_GREETING_REACH]) + text[_GREETING_REACH:]
    if "様" in head or "さま" in head or "さん" in head:
        head = _JA_NAME.sub(" # ", head)
    return head


def mask_variables(text: str) -> str:
    """*text* with the parts that change from buyer to buyer replaced by ``#``.

    Every token holding a digit (order IDs, tracking numbers, dates, amounts, postcodes) becomes
    ``#``, and so does the name after a greeting.
    """
    return " ".join(_canonical(token) or "" for token in _TOKEN.findall(mask_names(text)))


@lru_cache(maxsize=200_000)
def _canonical(token: str) -> str | None:
    """The word a token stands for: ``#`` if it holds a digit, else lower case without punctuation."""
    if not token.isalpha():
        if any(ch.isdigit() for ch in token):
            return "#"
        token = token.strip(_PUNCTUATION)
        if not token:
            return None
    return token.lower()


@lru_cache(maxsize=200_000)
def _token_hash(token: str) -> int | None:
    word = _canonical(token)
    return None if word is None else zlib.crc32(word.encode("utf-8"))


def shingles(text: str) -> frozenset[int]:
    """The set of hashed word bigrams of *text* after masking (unigrams for one-word texts)."""
    return frozenset(shingle_array(text).tolist())


def shingle_array(text: str) -> npt.NDArray[np.uint64]:
    """:func:`shingles` as a sorted array of distinct values (what the index hashes)."""
    masked = mask_names(text)
    # Without CJK characters (always so in ASCII) the tokens are the white-space separated words.
    tokens = masked.split() if masked.isascii() else _TOKEN.findall(masked)
    hashes = np.fromiter((h for h in map(_token_hash, tokens) if h is not None), dtype=np.uint64)
    if len(hashes) < 2:
        return np.unique(hashes & _MAX_HASH)
    # A bigram is (first * 1,000,003) xor second: crc32 values times 1,000,003 stay below 2**52.
    return np.unique(((hashes[:-1] * _BIGRAM_MULTIPLIER) ^ hashes[1:]) & _MAX_HASH)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """The Jaccard index of two shingle sets (1.0 for two empty texts)."""
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0.0 to 1.0, after masking their variable parts."""
    return jaccard(shingles(a), shingles(b))


_RNG = np.random.default_rng(20260305)
_A = _RNG.integers(1, 1 << 63, NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 1 << 63, NUM_PERM, dtype=np.uint64)
_BAND_MIX = _RNG.integers(1, 1 << 62, ROWS, dtype=np.uint64) | np.uint64(1)


def _permuted(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The 128 hash permutations of *values* (shape 128 x len(values))."""
    # Multiply-add-shift hashing: wrapping 64-bit arithmetic, the high 32 bits kept (no slow modulo).
    # In place, one temporary: this loop is what building an index of a million replies costs.
    hashed: npt.NDArray[np.uint64] = np.multiply.outer(_A, values)
    hashed += _B[:, None]
    hashed >>= np.uint64(32)
    return hashed


def signatures(sets: Sequence[frozenset[int]]) -> npt.NDArray[np.uint32]:
    """MinHash signatures (one row of 128 values per set), computed in one vectorised pass."""
    lengths = np.fromiter((max(1, len(s)) for s in sets), dtype=np.int64, count=len(sets))
    values = np.fromiter((v for s in sets for v in (s or (0,))), dtype=np.uint64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.minimum.reduceat(_permuted(values), starts, axis=1).T.astype(np.uint32)


def signature(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """The MinHash signature of one set given as an array (a row of :func:`signatures`, sooner)."""
    hashed = _permuted(values if len(values) else np.zeros(1, dtype=np.uint64))
    row: npt.NDArray[np.uint32] = hashed.min(axis=1).astype(np.uint32)
    return row


def band_keys(signature_rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """One 64-bit key per band and row of *signature_rows* (shape: rows x bands), the band in the top bits."""
    bands = signature_rows[:, : BANDS * ROWS].astype(np.uint64).reshape(len(signature_rows), BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys: npt.NDArray[np.uint64] = (bands * _BAND_MIX).sum(axis=2, dtype=np.uint64)
    keys >>= np.uint64(BANDS.bit_length())
    keys |= _BAND_PREFIX
    return keys


class NearDuplicateIndex:
    """Stored replies by MinHash LSH: finds those at least *threshold* similar to a draft, fast.

    Keys are the caller's (e.g. a sequence number or a database ID); a larger key is a later reply,
    which :meth:`latest` relies on. Signatures are kept as their lowest 16 bits (b-bit MinHash), enough
    to estimate the similarity of candidates to within about 0.03. The band keys of every reply live in
    one sorted table (the band in their top bits), so a lookup is two binary searches in all.
    """

    # Rows added since the last merge are searched by a plain scan up to this many, then merged.
    MERGE_AFTER = 4096

    def __init__(self) -> None:
        self._keys = np.empty(0, dtype=np.int64)
        self._sigs = np.empty((0, NUM_PERM), dtype=np.uint16)
        self._table = np.empty(0, dtype=np.uint64)  # band keys of rows [0, merged), sorted
        self._table_rows = np.empty(0, dtype=np.int32)  # the row of each of them
        self._merged = 0
        self._ascending = True  # keys came in increasing order: the latest are the last rows
        self._key_chunks: list[npt.NDArray[np.int64]] = []
        self._sig_chunks: list[npt.NDArray[np.uint16]] = []
        self._band_chunks: list[npt.NDArray[np.uint64]] = []
        self._pending_bands = np.empty((0, BANDS), dtype=np.uint64)

    def __len__(self) -> int:
        self._collect()
        return len(self._keys)

    def add_many(self, items: Iterable[tuple[int, str]], *, batch: int = 500) -> None:
        """Add ``(key, text)`` pairs; texts are hashed in vectorised batches."""
        pending: list[tuple[int, str]] = []
        for item in items:
            pending.append(item)
            if len(pending) >= batch:
                self._add_batch(pending)
                pending = []
        if pending:
            self._add_batch(pending)

    def add(self, key: int, text: str) -> None:
        """Add one reply (for many, :meth:`add_many` is much faster)."""
        self._add_batch([(key, text)])

    def _add_batch(self, items: list[tuple[int, str]]) -> None:
        self.add_sets([key for key, _ in items], [shingles(text) for _, text in items])

    def add_sets(self, keys: Sequence[int], sets: Sequence[frozenset[int]]) -> None:
        """Add replies already reduced to their :func:`shingles` (for callers that keep them anyway)."""
        if not keys:
            return
        sigs = signatures(sets)
        chunk = np.asarray(keys, dtype=np.int64)
        last = self._key_chunks[-1][-1] if self._key_chunks else self._keys[-1] if len(self._keys) else None
        self._ascending = self._ascending and bool((np.diff(chunk) > 0).all()) and (last is None or chunk[0] > last)
        self._key_chunks.append(chunk)
        self._sig_chunks.append((sigs & 0xFFFF).astype(np.uint16))
        self._band_chunks.append(band_keys(sigs))

    def _collect(self) -> None:
        """Move added chunks into the arrays; merge into the sorted table once enough are pending."""
        if self._key_chunks:
            self._keys = np.concatenate((self._keys, *self._key_chunks))
            self._sigs = np.concatenate((self._sigs, *self._sig_chunks))
            self._pending_bands = np.concatenate((self._pending_bands, *self._band_chunks))
            self._key_chunks, self._sig_chunks, self._band_chunks = [], [], []
        if len(self._pending_bands) > self.MERGE_AFTER:
            rows = np.arange(self._merged, len(self._keys), dtype=np.int32)
            added = self._pending_bands.T.ravel()
            order = np.argsort(added, kind="stable")
            # One pass over the table (sorted insertion), not a new sort of it: later rows after earlier ones.
            at = np.searchsorted(self._table, added[order], side="right")
            self._table = np.insert(self._table, at, added[order])
            self._table_rows = np.insert(self._table_rows, at, np.tile(rows, BANDS)[order])
            self._merged = len(self._keys)
            self._pending_bands = np.empty((0, BANDS), dtype=np.uint64)

    def query(self, text: str, *, threshold: float = 0.85, margin: float = 0.05) -> list[tuple[int, float]]:
        """Keys of stored replies whose estimated similarity to *text* is at least ``threshold - margin``.

        The margin covers the estimate's error; callers holding the texts confirm with :func:`similarity`.
        Returns ``(key, estimated_similarity)`` pairs, most similar first.
        """
        self._collect()
        if not len(self._keys):
            return []
        sig = signature(shingle_array(text))
        keys = band_keys(sig[None, :])[0]
        low = self._table.searchsorted(keys, side="left").tolist()
        high = self._table.searchsorted(keys, side="right").tolist()
        found: list[npt.NDArray[np.signedinteger[Any]]] = [
            self._table_rows[start:end] for start, end in zip(low, high, strict=True) if end > start]
        if len(self._pending_bands):
            found.append(np.nonzero((self._pending_bands == keys).any(axis=1))[0] + self._merged)
        rows = np.unique(np.concatenate(found)) if found else np.empty(0, dtype=np.int64)
        if not len(rows):
            return []
        low_bits = (sig & 0xFFFF).astype(np.uint16)
        matches = np.count_nonzero(self._sigs[rows] == low_bits, axis=1) / NUM_PERM
        estimates = (matches - 1 / 65536) / (1 - 1 / 65536)
        keep = estimates >= threshold - margin
        rows, estimates = rows[keep], estimates[keep]
        order = np.argsort(-estimates, kind="stable")
        return list(zip(self._keys[rows[order]].tolist(), estimates[order].tolist(), strict=True))

    def latest(self, count: int) -> list[int]:
        """The *count* largest keys (the most recent replies), newest first."""
        self._collect()
        if count <= 0 or not len(self._keys):
            return []
        newest_first = self._keys[::-1] if self._ascending else np.sort(self._keys)[::-1]
        return [int(k) for k in newest_first[:count]]

    def memory_bytes(self) -> int:
        """Bytes held by the index's arrays."""
        self._collect()
        return int(self._keys.nbytes + self._sigs.nbytes + self._table.nbytes + self._table_rows.nbytes
                   + self._pending_bands.nbytes)
