"""Per-language intent phrases (one module per language) and the trained model file.

Each language module holds ``RULES``: for every intent, ``(regular expression, weight)`` pairs
matched against the normalised text (see :func:`sellerdesk.core.intent_model.normalise`).
``model.json`` is the Naive Bayes model written by ``tools/train_intents.py``.
"""
