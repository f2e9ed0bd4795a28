"""Load test of og under real gunicorn with ``gunicorn.conf.py``, on loopback, with a worker killed midway.

What it does:

* starts gunicorn (``bench/server.py``: ``-c gunicorn.conf.py``, only the address is added) on a
  free 127.0.0.1 port, and stops it at the end, whatever happens;
* sends ``--requests`` (default 10,000) requests from ``--concurrency`` (16) threads, each on its
  own kept-alive ``http.client`` connection, in a fixed pseudo-random mix: distinct valid cards
  (every template, PNG mostly, some SVG and JSON), repeated cards, unknown parameters (400),
  values over their maximum (400), request lines over og's limit (414, from og's worker),
  unknown templates (404) and ``/healthz``;
* meanwhile ``--slow-clients`` (4) threads keep opening connections that send half a request
  head and nothing more, and note how long the server keeps each open (its head deadline);
* when half the requests are done, SIGKILLs one worker; gunicorn starts another;
* a request whose connection fails (reset, closed, timed out) counts as a connection error,
  with the time relative to the kill, and is retried once on a new connection, as HTTP clients
  do for idempotent requests.

First it renders ``--distinct`` distinct cards, one client at a time and then ``--concurrency``
at once: cards per second through the real server, the hand-off each card paid between its
web worker and its render process (og/pool.py; ``Server-Timing: handoff``), and the CPU each card
cost in the web workers, the render hosts and the render processes (from ``/proc``: on a machine
others share, CPU per card is the steadier figure, and the cores divided by it are the cards per
second an idle machine would give). Then ``--hits`` requests for cards already made, from
``--hit-clients`` processes that each keep one connection open (lean clients of their own, so that
the client is not what is measured): requests per second, latency, CPU per request and RSS per web
worker, as a crawler storm on a shared card meets it. Then it prints counts
by kind and status, the 5xx other than 503 (there should be none), the
connection errors around the kill, requests per second, latency percentiles (per kind and
overall), and the RSS of each web worker and render process before and after (``VmRSS``).
Everything is bounded: ``--max-seconds`` stops sending new requests, each request has a ``--timeout``.

    python bench/load.py                       # 10,000 requests
    python bench/load.py --requests 500        # a quick run
    python bench/load.py -- -k gthread --threads 2   # compare gunicorn settings (after --)
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import http.client
import itertools
import multiprocessing
import os
import random
import signal
import socket
import statistics
import sys
import threading
import time
import typing as t
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import GunicornServer  # noqa: E402
from bench.server import cpu_s  # noqa: E402
from bench.server import private_mib  # noqa: E402
from bench.server import rss_mib  # noqa: E402

#: The parameter of each bundled template that gets a distinct value per card.
VARIED = {"article": "title", "quote": "quote", "profile": "name", "announcement": "title"}
#: (kind, weight): the request mix.
MIX = [("card", 40), ("repeat", 25), ("unknown_param", 8), ("too_long", 8), ("line_too_long", 1),
       ("unknown_template", 8), ("format", 5), ("healthz", 5)]
REPEATED = [f"/{name}.png?{param}=" + urllib.parse.quote(f"Repeated card {n}")
            for n in range(5) for name, param in VARIED.items()]


def target(kind: str, index: int, rng: random.Random) -> str:
    name, param = rng.choice(sorted(VARIED.items()))
    if kind == "card":
        value = urllib.parse.quote(f"Card {index}: {rng.choice(['Hello', 'Grüße', 'Привет', 'こんにちは'])}")
        return f"/{name}.png?{param}={value}"
    if kind == "repeat":
        return rng.choice(REPEATED)
    if kind == "unknown_param":
        return f"/{name}.png?colour=red"
    if kind == "too_long":
        return f"/{name}.png?{param}=" + "x" * 1000
    if kind == "line_too_long":
        return f"/{name}.png?{param}=" + "x" * 60000
    if kind == "unknown_template":
        return f"/no-such-template-{index % 7}.png"
    if kind == "format":
        return f"/{name}.{rng.choice(['svg', 'json'])}?{param}=" + urllib.parse.quote(f"Format {index}")
    return "/healthz"


@dataclasses.dataclass
class Result:
    kind: str
    status: int | str  # an HTTP status, or the connection error's class name
    latency_s: float
    finished: float  # time.monotonic()


class Load:
    def __init__(self, server: GunicornServer, args: argparse.Namespace) -> None:
        self.server = server
        self.args = args
        self.results: list[Result] = []
        self.retries: list[Result] = []
        self.lock = threading.Lock()
        self.indices = itertools.count()
        self.done = threading.Event()
        self.deadline = time.monotonic() + args.max_seconds
        kinds = [kind for kind, weight in MIX for _ in range(weight)]
        rng = random.Random(args.seed)
        self.plan = [rng.choice(kinds) for _ in range(args.requests)]
        self.slow_held_s: list[float] = []

    def connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=self.args.timeout)

    def send(self, connection: http.client.HTTPConnection, path: str) -> tuple[int, bool]:
        connection.request("GET", path, headers={"User-Agent": "og-bench"})
        response = connection.getresponse()
        response.read()
        return response.status, response.will_close

    def client(self, number: int) -> None:
        rng = random.Random(self.args.seed * 1000 + number)
        connection = self.connect()
        while time.monotonic() < self.deadline:
            index = next(self.indices)
            if index >= len(self.plan):
                break
            kind = self.plan[index]
            path = target(kind, index, rng)
            started = time.monotonic()
            try:
                status, closing = self.send(connection, path)
            except (OSError, http.client.HTTPException) as error:
                self.record(self.results, Result(kind, type(error).__name__, time.monotonic() - started,
                                                 time.monotonic()))
                connection.close()
                connection = self.connect()
                self.retry(connection, kind, path)
                continue
            self.record(self.results, Result(kind, status, time.monotonic() - started, time.monotonic()))
            if closing:
                connection.close()
                connection = self.connect()
        connection.close()

    def retry(self, connection: http.client.HTTPConnection, kind: str, path: str) -> None:
        started = time.monotonic()
        try:
            status: int | str = self.send(connection, path)[0]
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
        self.record(self.retries, Result(kind, status, time.monotonic() - started, time.monotonic()))

    def record(self, into: list[Result], result: Result) -> None:
        with self.lock:
            into.append(result)

    def slow_client(self) -> None:
        """Half a request head, then silence, until the server closes the connection."""
        while not self.done.is_set() and time.monotonic() < self.deadline:
            opened = time.monotonic()
            try:
                address = ("127.0.0.1", self.server.port)
                with socket.create_connection(address, timeout=self.args.timeout) as sock:
                    sock.sendall(b"GET /article.png?title=slow HTTP/1.1\r\nHost: og\r\nUser-")
                    while sock.recv(1024):
                        pass
                self.record_slow(time.monotonic() - opened)
            except OSError:
                time.sleep(0.1)

    def record_slow(self, held_s: float) -> None:
        with self.lock:
            self.slow_held_s.append(held_s)

    def completed(self) -> int:
        with self.lock:
            return len(self.results)


def percentiles(latencies: t.Sequence[float]) -> str:
    if not latencies:
        return "-"
    ordered = sorted(latencies)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {at(0.5):7.1f}  p90 {at(0.9):7.1f}  p99 {at(0.99):7.1f}  max {ordered[-1] * 1000:7.1f} ms"


def workers_rss(server: GunicornServer) -> str:
    def listed(pids: list[int]) -> str:
        return ", ".join(f"{pid}: {rss_mib(pid):.0f} ({pss:.0f}, {private:.0f}) MiB"
                         for pid in pids for pss, private in [private_mib(pid)]) or "none"

    return (f"web workers {listed(server.worker_pids())}; render processes {listed(server.render_pids())} "
            "(RSS (PSS, private))")


def handoff_ms(server_timing: str) -> float | None:
    """The ``handoff`` of a ``Server-Timing`` header (og/pool.py: the time a card spent between the
    web worker and its render process, not rendering).

    >>> handoff_ms("layout;dur=2.1, handoff;dur=0.25")
    0.25
    """
    for metric in server_timing.split(","):
        name, _, duration = metric.strip().partition(";dur=")
        if name == "handoff":
            return float(duration)
    return None


class CpuClock:
    """CPU seconds spent by og's processes, by role, since the clock started (a process started
    since counts from zero)."""

    ROLES = ("web workers", "render hosts", "render processes")

    def __init__(self, server: GunicornServer) -> None:
        self.server = server
        self.start = self._read()

    def _read(self) -> dict[str, dict[int, float]]:
        pids = (self.server.worker_pids(), self.server.host_pids(), self.server.render_pids())
        return {role: {pid: cpu_s(pid) for pid in listed}
                for role, listed in zip(self.ROLES, pids, strict=True)}

    def spent(self) -> dict[str, float]:
        now = self._read()
        return {role: sum(used - self.start[role].get(pid, 0.0) for pid, used in now[role].items())
                for role in self.ROLES}

    def per(self, count: int, unit: str) -> str:
        """CPU milliseconds per ``unit`` by role, and what the machine's cores would give at that cost."""
        spent = self.spent()
        total_ms = sum(spent.values()) * 1000 / max(1, count)
        cores = os.cpu_count() or 1
        roles = ", ".join(f"{role} {used * 1000 / max(1, count):.2f}" for role, used in spent.items())
        return (f"CPU per {unit}: {roles}; together {total_ms:.2f} ms "
                f"(at most {cores * 1000 / max(total_ms, 1e-9):.0f} {unit}s/s on {cores} idle cores)")


def distinct_cards(server: GunicornServer, count: int, concurrency: int) -> None:
    """``count`` distinct cards from ``concurrency`` clients: cards per second through the real
    server, and each card's hand-off (``Server-Timing``) at that load."""
    indices = itertools.count()
    handoffs: list[float] = []
    statuses: collections.Counter[int] = collections.Counter()
    lock = threading.Lock()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        try:
            while (index := next(indices)) < count:
                name, param = sorted(VARIED.items())[index % len(VARIED)]
                value = urllib.parse.quote(f"Distinct card {number}-{index}")
                connection.request("GET", f"/{name}.png?{param}={value}")
                response = connection.getresponse()
                response.read()
                found = handoff_ms(response.getheader("Server-Timing") or "")
                with lock:
                    statuses[response.status] += 1
                    if found is not None:
                        handoffs.append(found)
        finally:
            connection.close()

    clock = CpuClock(server)
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(count * 30)
    elapsed = time.monotonic() - started
    print(f"distinct cards: {count} from {concurrency} clients in {elapsed:.1f} s: "
          f"{statuses[200] / elapsed:.1f} cards/s; statuses {dict(statuses)}")
    print(f"  {clock.per(statuses[200], 'card')}")
    if handoffs:
        ordered = sorted(handoffs)
        print(f"hand-off per card (Server-Timing): median {statistics.median(ordered):.3f} ms, "
              f"p90 {ordered[int(0.9 * (len(ordered) - 1))]:.3f} ms over {len(ordered)} cards")


def hit_client(port: int, paths: list[str], count: int, deadline: float,
               results: multiprocessing.SimpleQueue[tuple[dict[int | str, int], list[float]]]) -> None:
    """One connection kept open, ``count`` requests for ``paths`` in turn, read with nothing but a
    socket (``http.client`` costs more CPU than og's answer); a closed or reset connection is
    counted and opened again (gunicorn's ``max_requests`` restarts a worker)."""
    statuses: collections.Counter[int | str] = collections.Counter()
    latencies: list[float] = []
    sock: socket.socket | None = None
    pending = b""
    for index in range(count):
        if time.monotonic() > deadline:
            break
        request = (f"GET {paths[index % len(paths)]} HTTP/1.1\r\nHost: og\r\n"
                   "User-Agent: og-bench\r\n\r\n").encode()
        started = time.perf_counter()
        try:
            if sock is None:
                sock, pending = socket.create_connection(("127.0.0.1", port), timeout=30), b""
            sock.sendall(request)
            status, closing, pending = read_answer(sock, pending)
        except OSError as error:
            statuses[type(error).__name__] += 1
            closing = True
        else:
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
        if closing and sock is not None:
            sock.close()
            sock = None
    if sock is not None:
        sock.close()
    results.put((dict(statuses), latencies))


def read_answer(sock: socket.socket, pending: bytes) -> tuple[int, bool, bytes]:
    """One HTTP/1.1 answer with a ``Content-Length``: its status, whether the server closes the
    connection after it, and the bytes read past it."""
    while b"\r\n\r\n" not in pending:
        pending += receive(sock)
    head, _, pending = pending.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {name.strip().lower(): value.strip()
              for name, _, value in (line.partition(":") for line in lines[1:])}
    length = int(fields.get("content-length", "0"))
    while len(pending) < length:
        pending += receive(sock)
    return int(lines[0].split()[1]), fields.get("connection", "").lower() == "close", pending[length:]


def receive(sock: socket.socket) -> bytes:
    data = sock.recv(1 << 20)
    if not data:
        raise ConnectionResetError("the server closed the connection")
    return data


def cache_hits(server: GunicornServer, count: int, clients: int, max_seconds: float) -> None:
    """``count`` requests for cards already made, from ``clients`` processes: what a crawler storm
    on a shared card gets, and what it costs og."""
    paths = REPEATED[:8]
    for path in paths:  # made once (and stored in whichever worker answered)
        server.get(path)
    results: multiprocessing.SimpleQueue[tuple[dict[int | str, int], list[float]]]
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    deadline = time.monotonic() + max_seconds
    arguments = (server.port, paths, count // clients, deadline, results)
    processes = [context.Process(target=hit_client, args=arguments) for _ in range(clients)]
    clock = CpuClock(server)
    started = time.monotonic()
    for process in processes:
        process.start()
    statuses: collections.Counter[int | str] = collections.Counter()
    latencies: list[float] = []
    for _ in processes:
        counted, timed = results.get()
        statuses.update(counted)
        latencies += timed
    elapsed = time.monotonic() - started
    for process in processes:
        process.join(10)
    print(f"cache hits: {len(latencies)} from {clients} client processes in {elapsed:.1f} s: "
          f"{statuses[200] / elapsed:.0f} req/s; statuses {dict(statuses)}")
    print(f"  latency {percentiles(latencies)}")
    print(f"  {clock.per(len(latencies), 'request')}")
    print(f"RSS after cache hits: {workers_rss(server)}")


def run(args: argparse.Namespace) -> int:
    log = Path(args.log)
    with GunicornServer(extra_args=args.gunicorn_args, log_path=log) as server:
        for path in REPEATED[:4] + ["/healthz"]:  # each worker's first render is cold
            server.get(path)
        settings = " ".join(args.gunicorn_args) or "(gunicorn.conf.py only)"
        print(f"gunicorn {settings} on 127.0.0.1:{server.port}, log {log}")
        print(f"RSS before: {workers_rss(server)}")
        if args.distinct:
            distinct_cards(server, args.distinct, 1)  # one at a time: the hand-off alone
            distinct_cards(server, args.distinct, args.concurrency)
            print(f"RSS after distinct cards: {workers_rss(server)}")
        if args.hits:
            cache_hits(server, args.hits, args.hit_clients, args.max_seconds)
        load = Load(server, args)
        threads = [threading.Thread(target=load.client, args=(n,)) for n in range(args.concurrency)]
        threads += [threading.Thread(target=load.slow_client) for _ in range(args.slow_clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        killed_at = None
        while any(thread.is_alive() for thread in threads[:args.concurrency]):
            if killed_at is None and load.completed() >= args.requests // 2 and server.worker_pids():
                victim = server.worker_pids()[0]
                os.kill(victim, signal.SIGKILL)
                killed_at = time.monotonic()
                print(f"SIGKILL worker {victim} after {load.completed()} requests")
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        load.done.set()
        for thread in threads:
            thread.join(args.timeout + 10)
        print(f"RSS after:  {workers_rss(server)}")
    report(load, elapsed, killed_at)
    return 1 if any(is_server_error(r.status) for r in load.results) else 0


def is_server_error(status: int | str) -> bool:
    """A 5xx og should never answer (503 is a deliberate refusal under load)."""
    return isinstance(status, int) and status >= 500 and status != 503


def report(load: Load, elapsed: float, killed_at: float | None) -> None:
    results = load.results
    print(f"\n{len(results)} requests in {elapsed:.1f} s: {len(results) / elapsed:.0f} req/s "
          f"(concurrency {load.args.concurrency}, {load.args.slow_clients} slow clients)")
    by_kind: dict[str, collections.Counter[int | str]] = collections.defaultdict(collections.Counter)
    for result in results:
        by_kind[result.kind][result.status] += 1
    for kind, _ in MIX:
        latencies = [r.latency_s for r in results if r.kind == kind and isinstance(r.status, int)]
        print(f"  {kind:17} {dict(sorted(by_kind[kind].items(), key=str))!s:34} {percentiles(latencies)}")
    statuses = collections.Counter(r.status for r in results)
    print(f"by status: {dict(sorted(statuses.items(), key=str))}")
    server_errors = sum(n for s, n in statuses.items() if is_server_error(s))
    print(f"5xx other than 503: {server_errors}")
    failed = [r for r in results if isinstance(r.status, str)]
    if killed_at is not None:
        near = [r for r in failed if abs(r.finished - killed_at) <= 5]
        print(f"connection errors: {len(failed)} ({len(near)} within 5 s of the kill; "
              f"{dict(collections.Counter(r.status for r in failed))})")
    retried = collections.Counter(r.status for r in load.retries)
    print(f"retried once on a new connection: {dict(retried)}")
    print(f"latency (answered): {percentiles([r.latency_s for r in results if isinstance(r.status, int)])}")
    if load.slow_held_s:
        print(f"slow clients: {len(load.slow_held_s)} connections, held by the server "
              f"{statistics.median(load.slow_held_s):.1f} s (median) before it closed them")


def main(argv: t.Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--slow-clients", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="no new request after this")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--distinct", type=int, default=200,
                        help="first, this many distinct cards one at a time and then concurrently "
                             "(cards/s, hand-off); 0 skips it")
    parser.add_argument("--hits", type=int, default=20000,
                        help="then this many requests for cards already made (req/s, CPU, RSS); 0 skips it")
    parser.add_argument("--hit-clients", type=int, default=4, help="client processes for --hits")
    parser.add_argument("--log", default="/tmp/og-load-gunicorn.log", help="gunicorn's output")
    parser.add_argument("gunicorn_args", nargs="*", help="after --: extra gunicorn arguments")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
