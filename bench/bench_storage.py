"""Latency of og's result storage: get/put in memory and through Redis, and single flight's overhead.

What is measured, and why:

* **get / put** — median time of one call, per layer (memory, Redis, memory over Redis) and card
  size (1 KB JSON report, 100 KB PNG), so the request path's cost of a hit and of storing a fresh
  card is known next to a render's 10-300 ms. "redis hit via layers" clears the memory layer before
  each call: a card another worker rendered.
* **single flight** — ``SingleFlight.run`` on a hit (against a bare ``get``) and on a miss with a
  render that returns at once (against ``get`` + render + ``put``): the price of the per-key lock
  map and, with Redis, of the lease (``SET NX PX`` before, a release script after).

Redis is the one at ``--url`` (start one with ``redis-server --port 6390 --save '' --appendonly no``);
without it only memory is measured. Times come from ``time.perf_counter_ns``; the script prints
medians and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
import typing as t
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from og.storage import Entry  # noqa: E402
from og.storage import LayeredStorage  # noqa: E402
from og.storage import MemoryStorage  # noqa: E402
from og.storage import RedisStorage  # noqa: E402
from og.storage import SingleFlight  # noqa: E402
from og.storage import Storage  # noqa: E402

SIZES = {"1KB": 1_000, "100KB": 100_000}
_keys = itertools.count()


def fresh_key() -> str:
    return f"bench-{next(_keys):058x}"


def median_us(runs: int, call: t.Callable[[], object], before: t.Callable[[], object] | None = None) -> float:
    """Median microseconds of ``call()`` over ``runs`` (after a tenth as many warm-up calls)."""
    times = []
    for index in range(runs + runs // 10):
        if before is not None:
            before()
        start = time.perf_counter_ns()
        call()
        if index >= runs // 10:
            times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def storage_rows(name: str, storage: Storage, entry: Entry, runs: int,
                 clear: t.Callable[[], object] | None = None) -> list[tuple[str, float]]:
    key = fresh_key()
    storage.put(key, entry, 600)
    return [
        (f"{name} put", median_us(runs, lambda: storage.put(fresh_key(), entry, 600))),
        (f"{name} get hit", median_us(runs, lambda: storage.get(key), clear)),
        (f"{name} get miss", median_us(runs, lambda: storage.get(fresh_key()))),
    ]


def flight_rows(name: str, storage: Storage, entry: Entry, runs: int) -> list[tuple[str, float]]:
    flight = SingleFlight(storage)
    key = fresh_key()
    storage.put(key, entry, 600)

    def by_hand() -> Entry:
        miss = fresh_key()
        found = storage.get(miss)
        if found is None:
            storage.put(miss, entry, 600)
        return entry

    return [
        (f"{name} get hit, bare", median_us(runs, lambda: storage.get(key))),
        (f"{name} get hit, flight.run", median_us(runs, lambda: flight.run(key, lambda: entry))),
        (f"{name} miss + store, by hand", median_us(runs, by_hand)),
        (f"{name} miss + store, flight.run", median_us(runs, lambda: flight.run(fresh_key(), lambda: entry))),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a Redis to measure, e.g. redis://127.0.0.1:6390/0 (emptied first)")
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    redis_layer = RedisStorage.from_url(args.url, timeout_seconds=1.0) if args.url else None
    if redis_layer is not None:
        redis_layer.client.flushdb()
    rows: list[tuple[str, float]] = []
    for size_name, size in SIZES.items():
        entry = Entry(b"x" * size, "image/png")
        memory = MemoryStorage(max_bytes=1 << 30)
        rows += storage_rows(f"{size_name} memory", memory, entry, args.runs)
        if redis_layer is not None:
            rows += storage_rows(f"{size_name} redis", redis_layer, entry, args.runs)
            front = MemoryStorage(max_bytes=1 << 30)
            layered = LayeredStorage([front, redis_layer])
            rows += storage_rows(f"{size_name} redis hit via layers", layered, entry, args.runs, front.clear)
            redis_layer.client.flushdb()
    entry = Entry(b"x" * SIZES["100KB"], "image/png")
    rows += flight_rows("flight memory", MemoryStorage(max_bytes=1 << 30), entry, args.runs)
    if redis_layer is not None:
        rows += flight_rows("flight memory+redis",
                            LayeredStorage([MemoryStorage(max_bytes=1 << 30), redis_layer]), entry, args.runs)
        redis_layer.client.flushdb()
        redis_layer.close()
    width = max(len(label) for label, _ in rows)
    for label, micros in rows:
        print(f"{label:<{width}}  {micros:9.1f} µs")


if __name__ == "__main__":
    main()
