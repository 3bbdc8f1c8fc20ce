"""A small Naive Bayes model over word and character n-grams, the statistical half of intent classification.

Why Naive Bayes: it trains in a second from the phrase-bank corpus with no numeric library, its
weights are counts (so the shipped file is small and diff-able), and scoring is a few dictionary
look-ups per feature, far below the 2 ms budget. Its known weakness, over-confident
probabilities, is handled by the caller, which tempers the scores before mixing them with the
phrase rules (see :mod:`sellerdesk.core.intents`).

Features are binary: word unigrams and bigrams, character 4-grams of longer words (they survive
typos and inflection: "refund", "refunded", "refnud"), and character bigrams and trigrams of
runs of non-Latin script (Japanese has no spaces between words).

The model file (``intent_rules/model.json``) is written by ``tools/train_intents.py``; it is
read once from the installed package, never from the working directory.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

MODEL_RESOURCE = "intent_rules/model.json"
"""Where the trained model lives inside the ``sellerdesk.core`` package."""

_ACCENTS = str.maketrans({
    **dict.fromkeys("àáâãäåā", "a"), "æ": "ae", "ç": "c", **dict.fromkeys("èéêëē", "e"),
    **dict.fromkeys("ìíîïī", "i"), "ñ": "n", **dict.fromkeys("òóôõöøō", "o"), "œ": "oe",
    **dict.fromkeys("ùúûüū", "u"), **dict.fromkeys("ýÿ", "y"), "ß": "ss",
    "’": "'", "‘": "'", "`": "'", "´": "'",
})
_ORDER_ID = re.compile(r"\b\d{3}-\d{7}-\d{7}\b")
_ASIN = re.compile(r"\bb0[0-9a-z]{8}\b")
_DIGITS = re.compile(r"\d+")
_TOKENS = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\x00-\x7f\s\W]+|\?")
_NON_LATIN = re.compile(r"[^\x00-\x7f]")


def normalise(text: str) -> str:
    """Return *text* as the rules and features see it: NFKC, lower case, Latin accents removed.

    Only Latin letters lose their accents: Japanese kana keep their voicing marks ("が" stays "が").
    """
    return unicodedata.normalize("NFKC", text).lower().translate(_ACCENTS)


def features(normalised: str) -> set[str]:
    """Return the binary features of an already :func:`normalise`-d text."""
    text = _DIGITS.sub("0", _ASIN.sub(" asin ", _ORDER_ID.sub(" orderid ", normalised)))
    found: set[str] = set()
    previous = "^"
    for token in _TOKENS.findall(text):
        found.update(_token_features(token))
        if _NON_LATIN.match(token):
            previous = "^"
            continue
        found.add("b" + previous + "_" + token)
        previous = token
    return found


@lru_cache(maxsize=16384)
def _token_features(token: str) -> tuple[str, ...]:
    """The features of one token on its own (the word pairs depend on its neighbour)."""
    if _NON_LATIN.match(token):
        # A run of Japanese (or other unspaced script): character bigrams and trigrams.
        grams = ["j" + token[i:i + 2] for i in range(len(token) - 1)]
        grams += ["j" + token[i:i + 3] for i in range(len(token) - 2)]
        return (*grams, "j" + token) if len(token) == 1 else tuple(grams)
    if len(token) < 5:
        return ("w" + token,)
    padded = f"<{token}>"
    return ("w" + token, *("c" + padded[i:i + 4] for i in range(len(padded) - 3)))


@dataclass(frozen=True)
class NaiveBayesModel:
    """A trained model: per feature, a row of its log-weights in every class (0.0 where never seen with it)."""

    labels: tuple[str, ...]
    rows: dict[str, int]  # feature -> its row in weights; row 0 is the prior
    weights: npt.NDArray[np.float64]  # one row per feature, one column per class
    unseen: npt.NDArray[np.float64]  # per class: the log-probability of a known feature never seen with it

    def scores(self, found: Iterable[str]) -> tuple[list[float], int]:
        """Return the per-class log-scores of a feature set and how many features the model knew."""
        rows = [0, *filter(None, map(self.rows.get, found))]  # features are rows 1..: None drops out
        # Summed down the columns one row after another, from the prior. One contiguous row per
        # feature keeps the cost in memory reads low.
        totals = np.add.reduce(self.weights[rows], axis=0)
        known = len(rows) - 1
        return (totals + known * self.unseen).tolist(), known


def train(samples: Iterable[tuple[str, str]], *, labels: tuple[str, ...], alpha: float = 0.5,
          min_count: int = 2) -> dict[str, Any]:
    """Train a model from ``(text, label)`` pairs and return it as a JSON-ready dictionary.

    Features seen fewer than *min_count* times are dropped; *alpha* is the Laplace smoothing.
    """
    index = {label: i for i, label in enumerate(labels)}
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    documents: Counter[int] = Counter()
    for text, label in samples:
        documents[index[label]] += 1
        for feature in features(normalise(text)):
            counts[feature][index[label]] += 1
    kept = {f: c for f, c in counts.items() if sum(c.values()) >= min_count}
    totals = [sum(c[i] for c in kept.values()) for i in range(len(labels))]
    return {
        "labels": list(labels),
        "alpha": alpha,
        "vocabulary": len(kept),
        "class_totals": totals,
        "documents": [documents[i] for i in range(len(labels))],
        "features": {f: sorted(c.items()) for f, c in sorted(kept.items())},
    }


def model_from_dict(data: dict[str, Any]) -> NaiveBayesModel:
    """Build a :class:`NaiveBayesModel` from the dictionary :func:`train` returns."""
    alpha = float(data["alpha"])
    vocabulary = int(data["vocabulary"])
    documents = [max(int(n), 1) for n in data["documents"]]
    features_of_model = data["features"]
    weights = np.zeros((len(features_of_model) + 1, len(data["labels"])))
    weights[0] = [math.log(n / sum(documents)) for n in documents]
    rows: dict[str, int] = {}
    for row, (feature, entries) in enumerate(features_of_model.items(), 1):
        rows[feature] = row
        for i, n in entries:
            weights[row, int(i)] = math.log1p(int(n) / alpha)
    unseen = np.array([math.log(alpha / (int(total) + alpha * vocabulary)) for total in data["class_totals"]])
    return NaiveBayesModel(tuple(data["labels"]), rows, weights, unseen)


@lru_cache(maxsize=1)
def shipped_model() -> NaiveBayesModel | None:
    """Return the model shipped with sellerdesk, or None when the package was built without one."""
    resource = resources.files("sellerdesk.core").joinpath(MODEL_RESOURCE)
    if not resource.is_file():
        return None
    return model_from_dict(json.loads(resource.read_text("utf-8")))
