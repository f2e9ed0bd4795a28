"""Result storage and single flight, against a real ``redis-server`` on loopback.

The session's server is started here (``--save '' --appendonly no``: nothing touches the disk) on a
free port of 127.0.0.1; tests that stop or freeze Redis get a server of their own. Without
``redis-server`` (and outside CI as root, where it is installed) the Redis tests skip.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import subprocess
import threading
import time
import typing as t

import pytest
import redis

from og.storage import Entry
from og.storage import LayeredStorage
from og.storage import LockState
from og.storage import MemoryStorage
from og.storage import NoStorage
from og.storage import RedisStorage
from og.storage import SingleFlight
from og.storage import Storage
from og.storage import storage_from_url
from og.storage.base import ENTRY_OVERHEAD_BYTES
from tests.helpers import debian_tool

#: Bounds on every wait in this file, so a broken server fails a test instead of hanging it.
START_SECONDS = 10.0
JOIN_SECONDS = 30.0
KEY = "0123456789abcdef" * 4


class RedisServer:
    """One ``redis-server`` process on 127.0.0.1, started and stopped by the tests."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start (on the port used before, when restarting) and wait until it answers PING."""
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        with redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5) as client:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        self.stop()
                        pytest.fail(f"redis-server on port {self.port} did not answer PING")
                    time.sleep(0.02)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1.0)


@pytest.fixture(scope="session")
def redis_binary() -> str:
    binary = debian_tool("redis-server", "redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (CI installs Debian's redis-server as root)")
    return binary


@pytest.fixture(scope="session")
def redis_server(redis_binary: str) -> t.Iterator[RedisServer]:
    server = RedisServer(redis_binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(redis_binary: str) -> t.Iterator[RedisServer]:
    """A server this test may stop or freeze without disturbing the others."""
    server = RedisServer(redis_binary)
    server.start()
    yield server
    if server.process is not None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


@pytest.fixture
def raw(redis_server: RedisServer) -> t.Iterator[redis.Redis]:
    """A plain client on the session's server, emptied before each test."""
    with redis_server.client() as client:
        client.flushdb()
        yield client


@pytest.fixture
def stores(redis_server: RedisServer, raw: redis.Redis) -> t.Iterator[t.Callable[[], RedisStorage]]:
    """Makes Redis storages on the session's server, each with its own client (like separate workers)."""
    made: list[RedisStorage] = []

    def make() -> RedisStorage:
        made.append(RedisStorage.from_url(redis_server.url))
        return made[-1]

    yield make
    for store in made:
        store.close()


def entry(body: bytes = b"\x89PNG card", degraded: bool = False) -> Entry:
    return Entry(body=body, content_type="image/png", degraded=degraded)


class Counter:
    """A render that counts its calls and takes ``seconds``, so concurrent requests overlap it."""

    def __init__(self, seconds: float = 0.0, error: Exception | None = None) -> None:
        self.seconds = seconds
        self.error = error
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self) -> Entry:
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)
        if self.error is not None:
            raise self.error
        return entry(b"rendered")


def concurrently(count: int, work: t.Callable[[], object],
                 join_seconds: float = JOIN_SECONDS) -> list[object]:
    """``work()`` in ``count`` threads released together; each result, or the exception it raised."""
    barrier = threading.Barrier(count, timeout=join_seconds)
    results: list[object] = [None] * count

    def one(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work()
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + join_seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return results


# -- the entry and the simple layers -------------------------------------------------------------------

def test_entry_survives_serialisation() -> None:
    original = Entry(b"\x00\xffbody", "application/json", degraded=True, created_at=1234.5)
    decoded = Entry.from_bytes(original.to_bytes(expires_at=99.0))
    assert decoded == (original, 99.0)
    assert Entry.from_bytes(original.to_bytes(1.0)[:10]) is None


def test_no_storage_keeps_nothing() -> None:
    store = NoStorage()
    store.put(KEY, entry(), 60)
    assert store.get(KEY) is None
    assert store.shared_lock() is None


@pytest.mark.parametrize(("url", "memory_bytes", "layers"), [
    (None, 0, []),
    ("", 1 << 20, ["memory"]),
    ("redis://127.0.0.1:1/0", 0, ["redis"]),
    ("redis://127.0.0.1:1/0", 1 << 20, ["memory", "redis"]),
])
def test_storage_from_url(url: str | None, memory_bytes: int, layers: list[str]) -> None:
    store = storage_from_url(url, memory_bytes)
    found = [layer.name for layer in store.layers] if isinstance(store, LayeredStorage) else [store.name]
    assert found == (layers or ["none"])
    store.close()


def test_storage_from_url_refuses_other_schemes_without_echoing_the_password() -> None:
    with pytest.raises(ValueError, match="'http'") as raised:
        storage_from_url("http://user:secret@example.com/", 0)
    assert "secret" not in str(raised.value)


# -- memory: bounded in bytes, least recently used out first ------------------------------------------

def test_memory_evicts_least_recently_used_within_its_byte_bound() -> None:
    body = b"x" * 1000
    size = entry(body).size_bytes
    assert size == 1000 + len("image/png") + ENTRY_OVERHEAD_BYTES
    store = MemoryStorage(max_bytes=3 * size)
    for key in "abc":
        store.put(key, entry(body), 60)
    assert store.get("a") is not None          # a is now the most recently used
    store.put("d", entry(body), 60)
    assert [key for key in "abcd" if store.get(key) is not None] == ["a", "c", "d"]
    assert store.stats()["bytes"] == 3 * size <= store.max_bytes
    assert store.stats()["evictions"] == 1


def test_memory_does_not_store_an_entry_larger_than_its_bound() -> None:
    store = MemoryStorage(max_bytes=5000)
    store.put("small", entry(b"x" * 100), 60)
    store.put("huge", entry(b"x" * 5000), 60)
    assert store.get("huge") is None
    assert store.get("small") is not None      # nothing was evicted to make room for it
    assert store.stats()["too_large"] == 1


def test_memory_replacing_a_key_counts_its_bytes_once() -> None:
    store = MemoryStorage(max_bytes=1 << 20)
    store.put("k", entry(b"x" * 100), 60)
    store.put("k", entry(b"y" * 300), 60)
    assert t.cast(Entry, store.get("k")).body == b"y" * 300
    assert store.stats()["bytes"] == entry(b"y" * 300).size_bytes


def test_memory_stats_and_clear() -> None:
    store = MemoryStorage(max_bytes=1 << 20)
    store.put("a", entry(b"12345"), 60)
    store.put("b", entry(b"123"), 60)
    for key in ("a", "a", "b", "missing"):
        store.get(key)
    stats = store.stats()
    assert (stats["hits"], stats["misses"], stats["entries"]) == (3, 1, 2)
    assert stats["bytes"] == entry(b"12345").size_bytes + entry(b"123").size_bytes
    store.clear()
    assert (store.stats()["entries"], store.stats()["bytes"], store.get("a")) == (0, 0, None)


def test_memory_entries_expire() -> None:
    store = MemoryStorage(max_bytes=1 << 20)
    store.put("k", entry(), ttl_seconds=0.2)
    hit = store.lookup("k")
    assert hit is not None and 0 < hit.ttl_seconds <= 0.2
    time.sleep(0.3)
    assert store.get("k") is None
    assert store.stats()["entries"] == 0


# -- Redis ---------------------------------------------------------------------------------------------

def test_redis_round_trip_between_two_clients(stores: t.Callable[[], RedisStorage], raw: redis.Redis) -> None:
    written = Entry(b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png", degraded=True, created_at=1700.25)
    stores().put(KEY, written, ttl_seconds=600)
    assert stores().get(KEY) == written
    assert 0 < raw.pttl(f"og:card:{KEY}") <= 600_000


def test_redis_values_expire(stores: t.Callable[[], RedisStorage], raw: redis.Redis) -> None:
    store = stores()
    store.put(KEY, entry(), ttl_seconds=0.2)
    assert store.get(KEY) is not None
    time.sleep(0.3)
    assert store.get(KEY) is None
    assert raw.exists(f"og:card:{KEY}") == 0


def test_redis_value_of_another_format_is_a_miss(stores: t.Callable[[], RedisStorage],
                                                 raw: redis.Redis) -> None:
    raw.set(f"og:card:{KEY}", b"written by some other version")
    store = stores()
    assert store.get(KEY) is None
    assert store.stats()["misses"] == 1


def test_redis_hit_fills_memory_for_the_time_left(stores: t.Callable[[], RedisStorage]) -> None:
    stores().put(KEY, entry(), ttl_seconds=30)
    memory = MemoryStorage(max_bytes=1 << 20)
    layered = LayeredStorage([memory, stores()])
    assert layered.get(KEY) == stores().get(KEY)
    hit = memory.lookup(KEY)
    assert hit is not None and 0 < hit.ttl_seconds <= 30
    assert layered.stats()["redis.hits"] == 1
    assert layered.stats()["memory.misses"] == 1 and layered.stats()["memory.hits"] == 1


def test_lock_is_released_only_by_its_holder(stores: t.Callable[[], RedisStorage], raw: redis.Redis) -> None:
    lock = stores()
    assert lock.acquire(KEY, "first", lease_seconds=0.3) is LockState.ACQUIRED
    assert lock.acquire(KEY, "second", lease_seconds=5) is LockState.BUSY
    time.sleep(0.4)                               # the first holder's lease ran out
    assert lock.acquire(KEY, "second", lease_seconds=5) is LockState.ACQUIRED
    lock.release(KEY, "first")                    # too late: no longer its lock
    assert raw.get(f"og:lock:{KEY}") == b"second"
    lock.release(KEY, "second")
    assert raw.exists(f"og:lock:{KEY}") == 0


def test_redis_stopped_mid_test_is_a_miss_and_requests_are_served(
        own_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    redis_layer = RedisStorage.from_url(own_redis.url, retry_after_seconds=0.05)
    layered = LayeredStorage([MemoryStorage(1 << 20), redis_layer])
    flight = SingleFlight(layered)
    layered.put("kept", entry(b"kept"), 60)
    own_redis.stop()
    with caplog.at_level(logging.WARNING, logger="og.storage.redis"):
        assert t.cast(Entry, layered.get("kept")).body == b"kept"      # from memory
        for _ in range(3):
            time.sleep(0.06)                      # past the breaker: each try reaches the dead server
            assert layered.get("lost") is None
            layered.put("new", entry(), 60)
        render = Counter()
        assert flight.run("fresh", render).body == b"rendered"
        assert render.calls == 1
    assert redis_layer.stats()["errors"] >= 3
    assert len(caplog.records) == 1, "errors are logged once per interval, not once per request"
    assert "ConnectionError" in caplog.records[0].getMessage()
    own_redis.start()                              # back on the same port: the layer recovers
    time.sleep(0.06)
    layered.put("after", entry(b"after"), 60)
    assert redis_layer.get("after") is not None
    layered.close()


def test_frozen_redis_times_out_into_a_miss(own_redis: RedisServer, caplog: pytest.LogCaptureFixture) -> None:
    store = RedisStorage.from_url(own_redis.url, timeout_seconds=0.05)
    store.put(KEY, entry(), 60)
    assert own_redis.process is not None
    os.kill(own_redis.process.pid, signal.SIGSTOP)  # accepts connections, answers nothing
    with caplog.at_level(logging.WARNING, logger="og.storage.redis"):
        # In threads, so that a missing timeout fails the test instead of hanging it.
        answers = concurrently(1, lambda: (store.get(KEY), store.acquire(KEY, "token", 1.0)), join_seconds=5)
    os.kill(own_redis.process.pid, signal.SIGCONT)
    assert answers == [(None, LockState.UNAVAILABLE)]
    assert "Timeout" in caplog.records[0].getMessage()
    assert store.stats()["errors"] == 1 and store.stats()["skipped"] == 1  # the breaker spared the lock
    store.close()


# -- single flight -------------------------------------------------------------------------------------

@pytest.fixture(params=["memory", "memory+redis"])
def flight_storage(request: pytest.FixtureRequest) -> t.Iterator[Storage]:
    if request.param == "memory":
        yield MemoryStorage(1 << 20)
        return
    stores = request.getfixturevalue("stores")
    yield LayeredStorage([MemoryStorage(1 << 20), stores()])


def test_eight_threads_render_once(flight_storage: Storage) -> None:
    flight = SingleFlight(flight_storage)
    render = Counter(seconds=0.2)
    results = concurrently(8, lambda: flight.run(KEY, render))
    assert render.calls == 1
    assert all(isinstance(result, Entry) and result.body == b"rendered" for result in results)
    stats = flight.stats()
    assert stats["waited"] + stats["waited_shared"] + stats["hits"] == 7   # a late thread finds it stored
    assert flight.stats()["in_flight"] == 0
    assert flight.run(KEY, render).body == b"rendered" and render.calls == 1   # now stored


def test_a_render_that_raises_reaches_every_waiter_and_frees_the_key(flight_storage: Storage) -> None:
    flight = SingleFlight(flight_storage)
    render = Counter(seconds=0.2, error=RuntimeError("render failed"))
    results = concurrently(8, lambda: flight.run(KEY, render))
    assert render.calls == 1
    assert all(isinstance(result, RuntimeError) for result in results)
    assert flight.stats()["in_flight"] == 0
    assert flight.run(KEY, Counter()).body == b"rendered"


def test_a_holder_that_raises_releases_the_shared_lock(stores: t.Callable[[], RedisStorage],
                                                       raw: redis.Redis) -> None:
    flight = SingleFlight(stores(), wait_seconds=0.1)
    with pytest.raises(RuntimeError):
        flight.run(KEY, Counter(error=RuntimeError("render failed")))
    assert raw.exists(f"og:lock:{KEY}") == 0
    other_worker = SingleFlight(stores(), wait_seconds=0.1)
    render = Counter()
    assert other_worker.run(KEY, render).body == b"rendered"
    assert render.calls == 1 and other_worker.stats()["wait_timeouts"] == 0


def test_a_dead_holder_costs_a_bounded_wait(stores: t.Callable[[], RedisStorage], raw: redis.Redis) -> None:
    raw.set(f"og:lock:{KEY}", "crashed worker", px=60_000)   # never released, long lease
    flight = SingleFlight(stores(), wait_seconds=0.1)
    render = Counter()
    assert flight.run(KEY, render).body == b"rendered"
    assert render.calls == 1 and flight.stats()["wait_timeouts"] == 1


def test_an_expired_lease_lets_the_next_worker_render(stores: t.Callable[[], RedisStorage],
                                                       raw: redis.Redis) -> None:
    raw.set(f"og:lock:{KEY}", "crashed worker", px=100)
    flight = SingleFlight(stores(), wait_seconds=JOIN_SECONDS)
    render = Counter()
    assert flight.run(KEY, render).body == b"rendered"
    assert render.calls == 1 and flight.stats()["wait_timeouts"] == 0


def test_two_workers_with_their_own_clients_render_once(stores: t.Callable[[], RedisStorage]) -> None:
    workers = [SingleFlight(LayeredStorage([MemoryStorage(1 << 20), stores()])) for _ in range(2)]
    render = Counter(seconds=0.2)
    results = concurrently(8, lambda: workers[threading.get_ident() % 2].run(KEY, render))
    assert render.calls == 1
    assert all(isinstance(result, Entry) and result.body == b"rendered" for result in results)


def _worker(url: str, barrier: t.Any, results: t.Any) -> None:
    """One worker process: its own storage stack and single flight; renders count in Redis."""
    storage = storage_from_url(url, 1 << 20)
    counter = redis.Redis.from_url(url)

    def render() -> Entry:
        counter.incr("renders")
        time.sleep(0.3)
        return Entry(f"rendered by {os.getpid()}".encode(), "image/png")

    barrier.wait(JOIN_SECONDS)
    results.put(SingleFlight(storage).run(KEY, render).body)
    counter.close()
    storage.close()


def test_two_processes_render_once(redis_server: RedisServer, raw: redis.Redis) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(redis_server.url, barrier, results)) for _ in range(2)]
    for process in processes:
        process.start()
    bodies = [results.get(timeout=JOIN_SECONDS) for _ in processes]
    for process in processes:
        process.join(JOIN_SECONDS)
    results.close()
    results.join_thread()
    assert [process.exitcode for process in processes] == [0, 0]
    assert raw.get("renders") == b"1"
    assert bodies[0] == bodies[1] and bodies[0].startswith(b"rendered by ")
