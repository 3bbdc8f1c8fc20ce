"""The in-process job runner: periods, one run per name, failures logged and survived."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from sellerdesk.services.jobs import InProcessJobRunner

WAIT = 20.0  # a generous bound on waiting for threads; never a measured duration


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@contextmanager
def running(runner: InProcessJobRunner) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(WAIT)
        assert not thread.is_alive(), "the runner did not stop"


def counter(limit_reached: threading.Event, limit: int) -> tuple[list[int], Callable[[], None]]:
    calls: list[int] = []

    def job() -> None:
        calls.append(1)
        if len(calls) >= limit:
            limit_reached.set()

    return calls, job


def test_a_periodic_job_runs_once_per_period_of_the_clock() -> None:
    clock = FakeClock()
    runner = InProcessJobRunner(clock=clock)
    reached = threading.Event()
    calls, job = counter(reached, 3)
    runner.schedule("poll", job, every=60)
    with running(runner):
        for done in (1, 2):
            wait_until(idle_after(runner, calls, done))
            clock.advance(60)
        assert reached.wait(WAIT)
    assert len(calls) == 3


def test_a_one_off_job_runs_once() -> None:
    runner = InProcessJobRunner()
    done = threading.Event()
    with running(runner):
        runner.submit("send-outbox", done.set)
        assert done.wait(WAIT)


def test_a_failing_job_is_logged_and_runs_again_next_period(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    runner = InProcessJobRunner(clock=clock)
    attempts: list[int] = []
    recovered = threading.Event()

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("mailbox unreachable")
        recovered.set()

    with caplog.at_level(logging.ERROR, logger="sellerdesk.services.jobs"), running(runner):
        runner.schedule("poll", flaky, every=30)
        wait_until(lambda: len(attempts) == 1 and not runner.running())
        clock.advance(30)
        assert recovered.wait(WAIT)
    assert any("job poll failed" in r.getMessage() and r.exc_info for r in caplog.records)


def test_one_run_of_a_name_at_a_time() -> None:
    runner = InProcessJobRunner(workers=4)
    gate = threading.Event()
    active: list[int] = []
    overlap: list[int] = []
    finished: list[int] = []
    lock = threading.Lock()

    def job() -> None:
        with lock:
            active.append(1)
            if len(active) > 1:
                overlap.append(len(active))
        gate.wait(WAIT)
        with lock:
            active.pop()
            finished.append(1)

    with running(runner):
        for _ in range(3):
            runner.submit("send-outbox", job)
        wait_until(lambda: runner.running() == {"send-outbox"})
        gate.set()
        wait_until(lambda: len(finished) == 3)
    assert overlap == []


def test_jobs_of_different_names_run_side_by_side() -> None:
    runner = InProcessJobRunner(workers=2)
    both = threading.Barrier(2, timeout=WAIT)
    done: list[str] = []
    with running(runner):
        runner.submit("a", lambda: done.append(f"a{both.wait()}"))
        runner.submit("b", lambda: done.append(f"b{both.wait()}"))
        wait_until(lambda: len(done) == 2)
    assert sorted(d[0] for d in done) == ["a", "b"]


def test_a_busy_periodic_job_skips_a_tick_instead_of_stacking() -> None:
    clock = FakeClock()
    runner = InProcessJobRunner(clock=clock)
    gate = threading.Event()
    starts: list[int] = []
    def busy() -> None:
        starts.append(1)
        gate.wait(WAIT)

    runner.schedule("poll", busy, every=10)
    with running(runner):
        wait_until(lambda: len(starts) == 1)
        for _ in range(3):  # three periods pass while the first run is busy
            clock.advance(10)
            wait_until(lambda: _next_due(runner) > clock())
        gate.set()
        wait_until(lambda: not runner.running())
    assert len(starts) == 1


def test_stop_waits_for_the_running_job_to_finish() -> None:
    runner = InProcessJobRunner()
    started, finished = threading.Event(), threading.Event()

    def job() -> None:
        started.set()
        release.wait(WAIT)
        finished.set()

    release = threading.Event()
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,), daemon=True)
    thread.start()
    runner.submit("long", job)
    assert started.wait(WAIT)
    stop.set()
    release.set()
    thread.join(WAIT)
    assert finished.is_set()


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="workers"):
        InProcessJobRunner(workers=0)
    with pytest.raises(ValueError, match="every"):
        InProcessJobRunner().schedule("x", lambda: None, every=0)


def idle_after(runner: InProcessJobRunner, calls: list[int], count: int) -> Callable[[], bool]:
    return lambda: len(calls) == count and not runner.running()


def wait_until(condition: Callable[[], bool]) -> None:
    done = threading.Event()
    for _ in range(int(WAIT / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not reached")


def _next_due(runner: InProcessJobRunner) -> float:
    return runner._due[0][0] if runner._due else float("inf")
