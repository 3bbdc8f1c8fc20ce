"""The near-duplicate index on a large store history: lookup latency, recall against exact, memory.

Run: ``.venv/bin/python bench/near_duplicate.py [HISTORY] [QUERIES] [--nice N]`` (default 1,000,000
replies and 1,000 drafts; about 5 GB of memory and a few minutes). Prints figures for BENCHMARKS.md;
nothing is asserted.

Lookups are timed in wall-clock and CPU time, and each slow one is put down to the kernel switching
the process out or to the garbage collector. On a shared machine the wall-clock tail is the other
processes' doing; ``--nice N`` (e.g. -10, as root) also times as many other drafts (equally new to
the index and the caches) with only the lookup itself at that scheduling priority, as a
latency-sensitive service would be run.

The history is synthetic but shaped like a busy store's: 2,000 reply templates of about 90 words,
each reply with its own buyer name, order ID, tracking number, date and amount, and edits from none
(a pasted template) to a fifth of the words. Drafts are made the same way.

"Exact" is an all-pairs comparison of every draft with every stored reply at Jaccard >= 0.85,
made fast without approximation by prefix filtering: a reply at least 85 % similar to a draft
holds at least ceil(0.85 |draft|) of its shingles, so it shares one of the draft's
|draft| - ceil(0.85 |draft|) + 1 rarest shingles; every reply that does is compared exactly.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import os
import random
import resource
import sys
import time
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from sellerdesk.core.compliance.similarity import NearDuplicateIndex, shingle_array, shingles

THRESHOLD = 0.85
NAMES = ["John", "Maria", "Chen", "Sarah", "Lukas", "Yuki", "Pierre", "Giulia", "Ahmed", "Olivia"]


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(5000)]


def templates(rng: random.Random, words: list[str], count: int) -> list[list[str]]:
    # Zipf-like word choice: a few words are everywhere, as "the", "order" and "thank you" are.
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return [rng.choices(words, weights=weights, k=90) for _ in range(count)]


def reply(rng: random.Random, bank: list[list[str]], words: list[str]) -> str:
    body = list(rng.choice(bank))
    style = rng.random()
    edits = 0 if style < 0.3 else rng.randint(1, 4) if style < 0.7 else rng.randint(5, 20)
    for _ in range(edits):
        body[rng.randrange(len(body))] = rng.choice(words)
    order = f"{rng.randint(100, 999)}-{rng.randint(0, 9999999):07d}-{rng.randint(0, 9999999):07d}"
    tracking = f"1Z{rng.randint(0, 10**16 - 1):016d}"
    date = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return (f"Dear {rng.choice(NAMES)}, " + " ".join(body[:30]) + f" order {order}. " + " ".join(body[30:60])
            + f" tracking {tracking} on {date}. " + " ".join(body[60:])
            + f" ${rng.randint(5, 200)}.{rng.randint(0, 99):02d}")


class ExactIndex:
    """Every stored reply's shingles (CSR) and an inverted index, for exact comparison by prefix filtering."""

    def __init__(self, sets: list[npt.NDArray[np.uint32]]) -> None:
        lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        self.offsets = np.concatenate(([0], np.cumsum(lengths)))
        self.flat = np.concatenate(sets)
        owners = np.repeat(np.arange(len(sets), dtype=np.int32), lengths)
        order = np.argsort(self.flat, kind="stable")
        self.post_values = self.flat[order]
        self.post_owners = owners[order]
        self.unique, self.first, self.counts = np.unique(self.post_values, return_index=True, return_counts=True)

    def matches(self, query: frozenset[int]) -> set[int]:
        q = np.fromiter(sorted(query), dtype=np.uint32, count=len(query))
        if not len(q):
            return set()
        where = np.searchsorted(self.unique, q)
        where[where >= len(self.unique)] = 0
        known = self.unique[where] == q
        frequency = np.where(known, self.counts[where], 0)
        prefix = len(q) - math.ceil(THRESHOLD * len(q)) + 1
        rarest = np.argsort(frequency, kind="stable")[:prefix]
        parts = [self.post_owners[self.first[where[i]]:self.first[where[i]] + self.counts[where[i]]]
                 for i in rarest if known[i]]
        if not parts:
            return set()
        candidates = np.unique(np.concatenate(parts))
        starts, ends = self.offsets[candidates], self.offsets[candidates + 1]
        gathered = np.concatenate([self.flat[a:b] for a, b in zip(starts, ends, strict=True)])
        inside = np.isin(gathered, q).astype(np.int64)
        sizes = ends - starts
        overlap = np.add.reduceat(inside, np.concatenate(([0], np.cumsum(sizes)[:-1])))
        jaccard = overlap / (sizes + len(q) - overlap)
        return {int(c) for c in candidates[jaccard >= THRESHOLD]}


def percentile(values: npt.NDArray[np.float64], p: float) -> float:
    return float(np.percentile(values, p))


class LookupTimer:
    """Times each lookup (wall clock and this thread's CPU) and notes what else happened meanwhile.

    A lookup whose wall time is far above its CPU time was either switched out by the kernel for
    another process (an involuntary context switch of this thread) or paused by Python's cyclic
    garbage collector; both are counted per lookup so the slow tail can be attributed.
    """

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.switched: list[bool] = []
        self.collected: list[bool] = []
        self._collections = 0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collections += 1

    def __enter__(self) -> None:
        self._switches = resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw
        self._before_gc = self._collections
        self._cpu = time.thread_time()
        self._wall = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.wall.append(time.perf_counter() - self._wall)
        self.cpu.append(time.thread_time() - self._cpu)
        self.switched.append(resource.getrusage(resource.RUSAGE_THREAD).ru_nivcsw > self._switches)
        self.collected.append(self._collections > self._before_gc)

    def report(self, label: str) -> None:
        print(f"{label}:")
        wall, cpu = np.array(self.wall) * 1000, np.array(self.cpu) * 1000
        switched, collected = np.array(self.switched), np.array(self.collected)
        quiet = ~switched & ~collected
        print(f"  lookup latency (wall): p50 {percentile(wall, 50):.2f} ms, p99 {percentile(wall, 99):.2f} ms, "
              f"max {wall.max():.2f} ms")
        print(f"  lookup latency (CPU):  p50 {percentile(cpu, 50):.2f} ms, p99 {percentile(cpu, 99):.2f} ms, "
              f"max {cpu.max():.2f} ms")
        slow = wall > 5
        print(f"  lookups over 5 ms wall: {slow.sum()} of {len(wall)}; of them switched out by the kernel "
              f"{(slow & switched).sum()}, paused by the garbage collector {(slow & collected).sum()}")
        print(f"  lookups switched out {switched.sum()}, with a collection {collected.sum()}; the other "
              f"{quiet.sum()}: wall p99 {percentile(wall[quiet], 99) if quiet.any() else float('nan'):.2f} ms")


@contextlib.contextmanager
def priority(nice: int) -> Iterator[None]:
    """Run the block at scheduling priority *nice* (this thread), then go back."""
    before = os.getpriority(os.PRIO_PROCESS, 0)
    os.setpriority(os.PRIO_PROCESS, 0, nice)
    try:
        yield
    finally:
        os.setpriority(os.PRIO_PROCESS, 0, before)


def main(history: int, queries: int, nice: int | None) -> None:
    rng = random.Random(5)
    words = vocabulary(rng)
    bank = templates(rng, words, 2000)
    print(f"history {history:,} replies, {queries:,} drafts; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    began = time.perf_counter()
    # Kept as sorted uint32 arrays: a million Python frozensets would take about 7 GB.
    sets = [shingle_array(reply(rng, bank, words)).astype(np.uint32) for _ in range(history)]
    print(f"generated and shingled the history in {time.perf_counter() - began:.0f} s "
          f"(average {sum(map(len, sets)) / len(sets):.0f} shingles a reply)")

    index = NearDuplicateIndex()
    began = time.perf_counter()
    step = 500
    for start in range(0, history, step):
        chunk = sets[start:start + step]
        index.add_sets(list(range(start, start + len(chunk))), [frozenset(a.tolist()) for a in chunk])
    index.query("warm up")
    print(f"index built in {time.perf_counter() - began:.0f} s; index memory {index.memory_bytes() / 2**20:.0f} MiB "
          f"({index.memory_bytes() / history:.0f} bytes a reply)")

    began = time.perf_counter()
    exact_index = ExactIndex(sets)
    print(f"exact comparison index built in {time.perf_counter() - began:.0f} s")

    drafts = [reply(rng, bank, words) for _ in range(queries)]
    # The history's objects stay for the whole run: out of the collector's sight, as a service
    # holding the index would put them after loading it.
    gc.collect()
    gc.freeze()
    timer = LookupTimer()
    found_lsh, found_est, found_exact, estimate_hits = 0, 0, 0, 0
    print(f"load average before the lookups {os.getloadavg()[0]:.1f}")
    for draft in drafts:
        with timer:
            candidates = index.query(draft, threshold=THRESHOLD, margin=0.05)
        exact = exact_index.matches(shingles(draft))
        returned = {key for key, _ in candidates}
        estimated = {key for key, value in candidates if value >= THRESHOLD}
        found_exact += len(exact)
        found_lsh += len(exact & returned)
        found_est += len(exact & estimated)
        estimate_hits += len(estimated)
    print(f"load average after the lookups {os.getloadavg()[0]:.1f}")
    timer.report("lookups at normal priority")
    if nice is not None:
        raised = LookupTimer()
        try:
            for draft in [reply(rng, bank, words) for _ in range(queries)]:
                with priority(nice), raised:
                    index.query(draft, threshold=THRESHOLD, margin=0.05)
            raised.report(f"{queries:,} other drafts, each lookup at nice {nice} (load average "
                          f"{os.getloadavg()[0]:.1f})")
        except PermissionError:
            print(f"--nice {nice}: not permitted for this user (a negative value needs root)")
    print(f"exact all-pairs: {found_exact:,} (draft, reply) pairs at >= {THRESHOLD:.0%} over {queries:,} drafts")
    print(f"recall of the index (candidates estimated >= {THRESHOLD - 0.05:.2f}, then confirmed exactly): "
          f"{found_lsh / max(found_exact, 1):.4f}")
    print(f"recall of the estimate alone (>= {THRESHOLD:.2f}, no text needed): {found_est / max(found_exact, 1):.4f}, "
          f"precision {found_est / max(estimate_hits, 1):.4f}")
    print(f"peak memory of the whole run {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.1f} GiB")


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The near-duplicate index at scale (see the module docstring).")
    parser.add_argument("history", type=int, nargs="?", default=1_000_000, help="stored replies")
    parser.add_argument("queries", type=int, nargs="?", default=1000, help="drafts looked up")
    parser.add_argument("--nice", type=int, help="also time the lookups at this scheduling priority")
    return parser.parse_args(argv)


if __name__ == "__main__":
    arguments = _arguments(sys.argv[1:])
    main(arguments.history, arguments.queries, arguments.nice)
