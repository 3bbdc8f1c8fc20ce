"""Parsing received mail in worker processes while the caller writes to the database.

Parsing a mail (MIME, language, intent) is most of the CPU time of storing it and needs no
database, so ``sellerdesk import`` and ``sellerdesk ingest`` can hand it to worker processes:
:func:`parsed_ahead` submits the *next* batch to the workers before the caller stores the
current one, so reading, parsing and writing overlap on all cores. Only raw bytes go to the
workers and only parse results come back; the caller files the mails one after another in
their order, exactly as it does with :func:`~sellerdesk.services.storing.parse_each`, so the
threads are the same. At most two batches are in flight, so memory stays flat.

A worker process that dies on a mail (a crash in a native library, the OOM killer) does not
lose the batch: every mail whose parse was under way when the pool broke is parsed again on
its own in a fresh process, and a mail that kills that one too is quarantined with the reason
(``sellerdesk reparse`` can try it again after an upgrade).

Workers are started with ``spawn`` (a clean interpreter, never a fork of a process that may run
threads or hold database connections) and load the parser's models as they start, before the
first batch reaches them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, nullcontext
from types import TracebackType
from typing import TypeVar

from sellerdesk.samples import generate_relay_mails
from sellerdesk.services.storing import ParseResult, Parses, parse_or_reason

B = TypeVar("B")
ParseOne = Callable[[bytes], ParseResult]
"""Parses one mail as :func:`~sellerdesk.services.storing.parse_or_reason` does (picklable: a module-level function)."""

PARENT_CHECK_SECONDS = 1.0  # how often a worker checks that the process that started it is alive
CHUNK = 50  # mails per task: few enough round trips, small enough that both workers share a batch
CRASH_REASON = ("the parser's worker process died while parsing this mail (and again on its own); "
                "run `sellerdesk reparse` after an upgrade")


def default_workers() -> int:
    """Worker processes for parsing when none are asked for: one per CPU core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def open_parse_workers(workers: int, *,
                       parse: ParseOne = parse_or_reason) -> AbstractContextManager[ParseWorkers | None]:
    """A :class:`ParseWorkers` of *workers* processes for a ``with`` block, or ``None`` for 0 (parse in-process).

    Raises:
        ValueError: *workers* is negative.
    """
    if workers < 0:
        raise ValueError(f"workers must be 0 (parse in-process) or more, got {workers}")
    return ParseWorkers(workers, parse=parse) if workers else nullcontext(None)


def warm_up(parent: int) -> None:
    """Start a worker of the process *parent*: watch it, then parse a few generated mails to load the lazy models."""
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    for sample in generate_relay_mails(seed=0, count=12):
        parse_or_reason(sample.raw)


def _exit_with_parent(parent: int) -> None:
    # Runs in a worker process. A parent killed with SIGKILL cannot stop its pool, and a worker
    # blocked on the task queue would never notice: once it is re-parented, it ends itself. The
    # parent's id comes from the parent, since it may have died before this worker started.
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _parse_chunk(parse: ParseOne, raws: list[bytes]) -> list[ParseResult]:
    # Runs in a worker process.
    return [parse(raw) for raw in raws]


class ParseWorkers:
    """A pool of worker processes that parse mails (a context manager; thread-safe).

    Args:
        workers: how many processes (at least 1).
        parse: what parses one mail; :func:`~sellerdesk.services.storing.parse_or_reason` unless a
            caller needs another (it must be a module-level function, to reach the workers).
        chunk: mails per task sent to a worker.
    """

    def __init__(self, workers: int, *, parse: ParseOne = parse_or_reason, chunk: int = CHUNK) -> None:
        if workers < 1:
            raise ValueError(f"ParseWorkers needs at least 1 worker, got {workers}; use 0 workers by not "
                             "creating a pool (parse in-process)")
        self.workers = workers
        self._parse = parse
        self.chunk = chunk
        # spawn: a worker starts clean, never as a fork of a process that may run threads or hold connections.
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._pool = self._new_pool(workers)
        self._alone: ProcessPoolExecutor | None = None

    def _new_pool(self, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=self._context, initializer=warm_up,
                                   initargs=(os.getpid(),))

    def submit(self, raws: Sequence[bytes]) -> PendingParses:
        """Start parsing *raws* (in chunks of :attr:`chunk` mails); the returned object collects the results."""
        size = self.chunk
        chunks = [list(raws[start:start + size]) for start in range(0, len(raws), size)]
        with self._lock:
            pool = self._pool
        try:
            tasks = [(chunk, pool.submit(_parse_chunk, self._parse, chunk)) for chunk in chunks]
        except BrokenProcessPool:  # a worker died on an earlier batch before its results were collected
            with self._lock:
                pool = self._replace(pool)
            tasks = [(chunk, pool.submit(_parse_chunk, self._parse, chunk)) for chunk in chunks]
        return PendingParses(self, pool, tasks)

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        # Called with the lock held: the working pool, a new one if *broken* is still the current one.
        if self._pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool(self.workers)
        return self._pool

    def settle_broken(self, broken: ProcessPoolExecutor, raws: list[bytes]) -> list[ParseResult]:
        """Parse *raws*, lost with the *broken* pool, one at a time (a fresh process each time one dies).

        The broken pool is replaced, unless another caller did so already.
        """
        with self._lock:
            self._replace(broken)
            return [self._parse_alone(raw) for raw in raws]

    def _parse_alone(self, raw: bytes) -> ParseResult:
        # Called with the lock held: one suspect mail at a time in a one-process pool.
        if self._alone is None:
            self._alone = self._new_pool(1)
        try:
            return self._alone.submit(_parse_chunk, self._parse, [raw]).result()[0]
        except BrokenProcessPool:
            self._alone.shutdown(wait=False, cancel_futures=True)
            self._alone = None
            return None, CRASH_REASON

    def close(self) -> None:
        """Stop the worker processes (work not yet started is dropped)."""
        with self._lock:
            for pool in (self._pool, self._alone):
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
            self._alone = None

    def __enter__(self) -> ParseWorkers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class PendingParses:
    """The parses of one submitted batch; call it with positions in the batch for their results.

    It is a :data:`~sellerdesk.services.storing.Parses`, so it can be handed to ``store_mails``.
    """

    def __init__(self, workers: ParseWorkers, pool: ProcessPoolExecutor,
                 tasks: list[tuple[list[bytes], Future[list[ParseResult]]]]) -> None:
        self._workers = workers
        self._pool = pool
        self._tasks = tasks
        self._done: dict[int, list[ParseResult]] = {}

    def __call__(self, positions: Sequence[int]) -> list[ParseResult]:
        """The parse result of the mail at each of *positions* (in the submitted batch), in order."""
        size = self._workers.chunk
        return [self._chunk(position // size)[position % size] for position in positions]

    def _chunk(self, index: int) -> list[ParseResult]:
        found = self._done.get(index)
        if found is None:
            raws, future = self._tasks[index]
            try:
                found = future.result()
            except BrokenProcessPool:
                found = self._workers.settle_broken(self._pool, raws)
            self._done[index] = found
        return found

    def cancel(self) -> None:
        """Drop the parses nobody asked for (mails found to be duplicates) that have not started yet."""
        for _, future in self._tasks:
            future.cancel()


def parsed_ahead(batches: Iterable[B], *, raws: Callable[[B], Sequence[bytes]],
                 workers: ParseWorkers | None) -> Iterator[tuple[B, Parses | None]]:
    """Yield each batch with its parses, the next batch already parsing while the caller stores this one.

    Args:
        batches: the batches of mails, read lazily (one more than the caller holds).
        raws: the raw bytes of a batch's mails, in order.
        workers: the pool; ``None`` parses in-process (each batch comes with ``None``: parse as usual).
    """
    if workers is None:
        for batch in batches:
            yield batch, None
        return
    ahead: tuple[B, PendingParses] | None = None
    for batch in batches:
        pending = workers.submit(raws(batch))
        if ahead is not None:
            yield ahead
            ahead[1].cancel()
        ahead = batch, pending
    if ahead is not None:
        yield ahead
        ahead[1].cancel()
