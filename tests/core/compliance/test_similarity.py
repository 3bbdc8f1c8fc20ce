"""Similarity after masking, and the MinHash LSH index against exact comparison."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from sellerdesk.core.compliance.similarity import NearDuplicateIndex, mask_variables, shingles, similarity

A = ("Dear John, thank you for your message about order 114-5652017-6650426. Your parcel shipped on "
     "2026-03-02 with UPS 1Z999AA10123456784 and costs $19.99. Best regards, Acme")
B = ("Hallo Frau Müller, thank you for your message about order 114-1111111-2222222. Your parcel shipped on "
     "05.03.2026 with UPS 1Z999AA10123456799 and costs €24,99. Best regards, Acme")


def test_variable_parts_are_masked() -> None:
    masked = mask_variables(A)
    for part in ("John", "114-5652017-6650426", "1Z999AA10123456784", "2026-03-02", "19.99"):
        assert part not in masked
    assert similarity(A, B) == 1.0
    assert similarity(A, "The charger is in the side pocket of the box.") < 0.1


@given(st.text(max_size=200), st.text(max_size=200))
def test_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    assert similarity(a, b) == similarity(b, a)
    assert 0.0 <= similarity(a, b) <= 1.0
    assert similarity(a, a) == 1.0


def corpus(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(400)]
    bases = [" ".join(rng.choices(words, k=60)) for _ in range(20)]
    texts = []
    for _ in range(count):
        tokens = rng.choice(bases).split()
        for _ in range(rng.randint(0, 12)):
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
        texts.append(" ".join(tokens))
    return texts


def test_the_index_finds_what_exact_comparison_finds() -> None:
    texts = corpus(1500, seed=1)
    index = NearDuplicateIndex()
    index.add_many(enumerate(texts))
    assert len(index) == 1500
    sets = [shingles(t) for t in texts]
    queries = corpus(30, seed=2)
    wanted = found = 0
    for query in queries:
        mine = shingles(query)
        exact = {i for i, s in enumerate(sets) if len(mine & s) / len(mine | s) >= 0.85}
        got = {key for key, _ in index.query(query, threshold=0.85)}
        wanted += len(exact)
        found += len(exact & got)
    assert wanted > 30
    assert found / wanted >= 0.97


def test_added_replies_are_found_before_and_after_a_merge() -> None:
    index = NearDuplicateIndex()
    texts = corpus(NearDuplicateIndex.MERGE_AFTER + 10, seed=3)
    index.add(0, A)
    assert [k for k, _ in index.query(B)] == [0]
    index.add_many(enumerate(texts, start=1))
    assert 0 in {k for k, _ in index.query(B)}
    assert index.latest(2) == [len(texts), len(texts) - 1]
    assert index.memory_bytes() > 0
    assert NearDuplicateIndex().query(A) == []


def test_a_second_merge_keeps_every_reply_findable_and_latest_follows_the_keys() -> None:
    index = NearDuplicateIndex()
    texts = corpus(2 * NearDuplicateIndex.MERGE_AFTER + 20, seed=4)
    half = len(texts) // 2
    # Keys out of order: the newest reply is not the last one added.
    index.add_many((key + 1, text) for key, text in enumerate(texts[:half]))
    index.add(10**6, A)
    index.query(B)  # merges the first half
    index.add_many((key + 1 + half, text) for key, text in enumerate(texts[half:]))
    for key in (1, half, half + 1, len(texts)):
        assert key in {k for k, _ in index.query(texts[key - 1], threshold=0.99)}
    assert 10**6 in {k for k, _ in index.query(B)}
    assert index.latest(3) == [10**6, len(texts), len(texts) - 1]
