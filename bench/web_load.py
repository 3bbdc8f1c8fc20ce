"""Web inbox under load: the first inbox page at 50 concurrent users, 1,000,000 messages in PostgreSQL.

Run: ``.venv/bin/python -m bench.web_load [--count 1000000] [--users 50] [--requests 20]
[--think 2] [--postgres URL]``.

For each database size (a tiny baseline of ``--baseline`` messages, then ``--count``), a scratch
PostgreSQL database is filled with :func:`bench.metrics.fill` (one store, 18 months of threads),
the response times and thread clocks are computed as migration 0007 does, a web user is added,
and ``sellerdesk serve`` is started on a free loopback port in its own
process. ``--users`` simulated agents then each sign in (their own session, one after the other)
and ask for ``GET /inbox`` ``--requests`` times, all at once, over httpx (asyncio, one
connection per agent): first back to back (the worst case: every agent reloading without
pause), then with a pause of 0 to 2 x ``--think`` seconds before each page (an agent reading
the list). Printed per size and pace: requests, errors (any status but 200, or a failed
connection), and the p50/p95/p99/max latency as the load generator saw it, from sending the
request to the last byte of the page. The load generator shares the machine with the server,
so the figures include its own waiting for the CPU; note the load average beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench._postgres import scratch_database
from bench.metrics import fill
from sellerdesk.adapters.db.response_times import rebuild
from sellerdesk.services import users
from sellerdesk.services.database import open_database

PASSWORD = "load-test-password-1"  # a throw-away account of a scratch database
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
STARTUP_SECONDS = 120.0
THREAD_LINK = 'data-href="/threads/'  # one per thread row of the inbox


@dataclass
class Outcome:
    """What the load generator saw: latencies of the successful pages (ms) and the errors by kind."""

    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        """Count one error of *kind* (a status code or an exception name)."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self) -> str:
        """Requests, errors and the latency percentiles, on one line."""
        done = sorted(self.latencies)
        total = len(done) + sum(self.errors.values())
        if not done:
            return f"{total} requests, errors {self.errors or 0}, no page answered"

        def pct(share: float) -> float:
            return done[min(len(done) - 1, round(share * (len(done) - 1)))]

        return (f"{total} requests, {sum(self.errors.values())} errors{' ' + str(self.errors) if self.errors else ''}; "
                f"p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, max {done[-1]:.0f} ms")


def prepare(url: str, *, count: int, seed: int) -> None:
    """Fill the database at *url* with about *count* messages and add the load test's user."""
    with open_database(url) as db:
        began = time.perf_counter()
        fill(db, count=count, seed=seed)
        print(f"  {count} messages written in {time.perf_counter() - began:.0f} s", flush=True)
        began = time.perf_counter()
        with db.engine.begin() as connection:  # the rows bypassed the writes that keep the inbox's clocks
            rebuild(connection)
        print(f"  response times and thread clocks computed in {time.perf_counter() - began:.0f} s", flush=True)
        with db.transaction() as store:
            users.add_user(store, name="load", password=PASSWORD, role="agent", stores=(), now=datetime.now(UTC))


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def web_app(url: str) -> Iterator[str]:
    """``sellerdesk serve`` on the database at *url*, in its own process; yield its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "sellerdesk.toml"
        config.write_text(f'database_url = "{url}"\n\n[[stores]]\nname = "bench-us"\nmarketplaces = ["US"]\n',
                          encoding="utf-8")
        command = [str(Path(sys.executable).with_name("sellerdesk")), "serve", "--config", str(config),
                   "--port", str(port)]
        env = {**os.environ, "SELLERDESK_SECRET_KEY": "bench-web-load-" + "k" * 32}
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"sellerdesk serve stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(f"{base}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"sellerdesk serve did not answer at {base} within {STARTUP_SECONDS:.0f} s")


async def sign_in(client: httpx.AsyncClient) -> None:
    """Sign in as the load test's user (the session cookie stays in *client*)."""
    form = await client.get("/login")
    token = CSRF.search(form.text)
    if token is None:
        raise SystemExit("the login page has no CSRF token")
    answer = await client.post("/login", data={"name": "load", "password": PASSWORD, "csrf_token": token.group(1)})
    if answer.status_code != 303:
        raise SystemExit(f"signing in failed with status {answer.status_code}")


async def agent(client: httpx.AsyncClient, *, requests: int, think: float, rng: random.Random,
                outcome: Outcome) -> None:
    """One signed-in agent opening the inbox *requests* times, pausing 0 to 2 x *think* seconds before each."""
    for _ in range(requests):
        if think:
            await asyncio.sleep(rng.uniform(0, 2 * think))
        began = time.perf_counter()
        try:
            response = await client.get("/inbox")
        except httpx.HTTPError as exc:
            outcome.error(type(exc).__name__)
            continue
        if response.status_code == 200:
            outcome.latencies.append((time.perf_counter() - began) * 1000)
        else:
            outcome.error(str(response.status_code))


async def drive(base: str, *, agents: int, requests: int, thinks: tuple[float, ...],
                seed: int) -> list[tuple[float, Outcome]]:
    """Sign *agents* users in one after the other, warm the server with one page, then load the inbox at once,
    once per think time.

    Agents sign in at different moments of a working day, so the sign-ins (each an argon2 check)
    are not part of the concurrent load.
    """
    rng = random.Random(seed)
    results = []
    async with contextlib.AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(httpx.AsyncClient(base_url=base, timeout=60))
                   for _ in range(agents)]
        for client in clients:
            await sign_in(client)
        page = await clients[0].get("/inbox")  # the first page pays for cold caches
        rows = page.text.count(THREAD_LINK)
        print(f"  the inbox's first page lists {rows} threads", flush=True)
        for think in thinks:
            outcome = Outcome()
            await asyncio.gather(*(agent(client, requests=requests, think=think, rng=rng, outcome=outcome)
                                   for client in clients))
            results.append((think, outcome))
    return results


def measure(server_url: str, *, count: int, agents: int, requests: int, thinks: tuple[float, ...],
            seed: int) -> None:
    """One database size: fill, serve, load, print."""
    with scratch_database(server_url) as url:
        if url is None:
            return
        print(f"postgresql, {count} messages:", flush=True)
        prepare(url, count=count, seed=seed)
        with web_app(url) as base:
            results = asyncio.run(drive(base, agents=agents, requests=requests, thinks=thinks, seed=seed))
        for think, outcome in results:
            pause = f"pauses of 0-{2 * think:g} s" if think else "back to back"
            print(f"  inbox first page, {agents} concurrent users, {pause}: {outcome.summary()}; "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    """The baseline, then the full size."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=1_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="inbox pages each user asks for")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean pause of a user between pages, in seconds (also measured without pauses)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
    for count in (args.baseline, args.count):
        measure(args.postgres, count=count, agents=args.users, requests=args.requests,
                thinks=(0.0, args.think) if args.think else (0.0,), seed=args.seed)


if __name__ == "__main__":
    main()
