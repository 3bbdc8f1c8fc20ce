"""Background work behind one small interface, so the runner can change without touching services.

Polling mailboxes, sending the outbox and (later) reminders are *jobs*: named callables
with no arguments. Services hand them to a :class:`JobRunner` and never learn how they
run. :class:`InProcessJobRunner` runs them on threads of the current process, which suits
the embedded default (one machine, SQLite); a distributed queue can implement the same
protocol later.

Guarantees of the in-process runner:

- at most one run of a job *name* at a time (a periodic tick that finds the previous run
  still busy is skipped; a one-off job waits for the running one of its name);
- a job that raises is logged with its traceback and runs again at its next period;
- :meth:`InProcessJobRunner.run` returns once the stop event is set and the running jobs
  have finished (jobs are never interrupted half-way: each one is a unit of work that the
  services made safe to stop between, not inside).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

Job = Callable[[], object]
STOP_CHECK_SECONDS = 0.2


class JobRunner(Protocol):
    """Where background jobs run: the interface services and shells depend on."""

    def schedule(self, name: str, job: Job, *, every: float, first_in: float = 0.0) -> None:
        """Run *job* every *every* seconds (the first time after *first_in* seconds)."""

    def submit(self, name: str, job: Job) -> None:
        """Run *job* once, as soon as no other job of the same *name* runs."""

    def run(self, stop: threading.Event) -> None:
        """Run the jobs until *stop* is set; return when the running ones have finished."""


@dataclass
class _Periodic:
    name: str
    job: Job
    every: float


class InProcessJobRunner:
    """Runs jobs on a pool of threads in this process (see the module documentation).

    Args:
        workers: how many jobs may run at the same time (jobs of different names).
        clock: a monotonic clock in seconds; injectable so that tests control time.
    """

    def __init__(self, *, workers: int = 4, clock: Callable[[], float] = time.monotonic) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self._workers = workers
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._periodic: dict[str, _Periodic] = {}
        self._due: list[tuple[float, int, str]] = []  # heap of (when, tie-breaker, periodic name)
        self._pending: deque[tuple[str, Job]] = deque()  # one-off jobs, in submission order
        self._running: set[str] = set()
        self._order = itertools.count()

    def schedule(self, name: str, job: Job, *, every: float, first_in: float = 0.0) -> None:
        """Run *job* every *every* seconds under *name*; scheduling a name again replaces it."""
        if every <= 0:
            raise ValueError(f"job {name!r}: every must be a positive number of seconds, got {every}")
        with self._lock:
            self._periodic[name] = _Periodic(name, job, every)
            heapq.heappush(self._due, (self._clock() + first_in, next(self._order), name))
        self._wake.set()

    def submit(self, name: str, job: Job) -> None:
        """Run *job* once under *name*, after any running job of that name."""
        with self._lock:
            self._pending.append((name, job))
        self._wake.set()

    def run(self, stop: threading.Event) -> None:
        """Dispatch due jobs until *stop* is set, then wait for the running ones to finish."""
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="sellerdesk-job") as pool:
            while not stop.is_set():
                self._dispatch(pool)
                self._wake.wait(timeout=self._seconds_to_next())
                self._wake.clear()
            # leaving the with-block waits for the jobs already started

    def running(self) -> set[str]:
        """Names of the jobs running right now."""
        with self._lock:
            return set(self._running)

    def _dispatch(self, pool: ThreadPoolExecutor) -> None:
        now = self._clock()
        starts: list[tuple[str, Job]] = []
        with self._lock:
            while self._due and self._due[0][0] <= now:
                _, _, name = heapq.heappop(self._due)
                periodic = self._periodic.get(name)
                if periodic is None:
                    continue
                heapq.heappush(self._due, (now + periodic.every, next(self._order), name))
                if name in self._running:
                    log.info("job %s: previous run still busy; this period is skipped", name)
                    continue
                self._running.add(name)
                starts.append((name, periodic.job))
            waiting: deque[tuple[str, Job]] = deque()
            while self._pending:
                name, job = self._pending.popleft()
                if name in self._running:
                    waiting.append((name, job))
                    continue
                self._running.add(name)
                starts.append((name, job))
            self._pending = waiting
        for name, job in starts:
            future = pool.submit(self._call, name, job)
            future.add_done_callback(functools.partial(self._finished, name))

    def _call(self, name: str, job: Job) -> None:
        try:
            job()
        # A runner is a top level: one failing job must not stop the others or its next period.
        except Exception:
            log.exception("job %s failed; it runs again at its next period", name)

    def _finished(self, name: str, _future: Future[None]) -> None:
        with self._lock:
            self._running.discard(name)
        self._wake.set()

    def _seconds_to_next(self) -> float:
        # Capped so that a stop event set by another thread is seen promptly: a plain Event
        # cannot wake this loop by itself.
        with self._lock:
            until_due = self._due[0][0] - self._clock() if self._due else STOP_CHECK_SECONDS
        return min(max(until_due, 0.0), STOP_CHECK_SECONDS)
