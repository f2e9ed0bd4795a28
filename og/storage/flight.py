"""Single flight: identical keys requested at the same time render once, then everyone gets that card.

A card shared on a busy page is fetched by many crawlers within the same second; without this each
miss renders the same bytes. Within a process, the first request for a key (the leader) renders and
the others wait on it. Across workers and machines the leader also takes a short lease in Redis
(``SET lock NX PX``); a leader elsewhere that sees the lease taken polls the result for a bounded
time, and renders itself if the holder died or the wait ran out. Every wait is bounded, so a stuck
or crashed render costs latency, never a hung request.
"""

from __future__ import annotations

import collections
import secrets
import threading
import time
import typing as t

from og.storage.base import Entry
from og.storage.base import LockState
from og.storage.base import Storage

Render = t.Callable[[], Entry]


class _Call:
    """One render in progress in this process, which later requests for the same key wait on."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.entry: Entry | None = None
        self.error: Exception | None = None


class SingleFlight:
    """Look up, and on a miss render once and store, for all concurrent requests of a key.

    :param storage: where results are looked up and stored (its :meth:`~Storage.shared_lock`, when it
        has one, extends the single flight to other processes).
    :param ttl_seconds: how long a card is stored; ``degraded_ttl_seconds`` for a degraded one, so
        that it is rendered again soon (a font may be back, an error may be fixed).
    :param lease_seconds: how long a shared lock lives if its holder dies without releasing it.
    :param wait_seconds: the longest a request waits for someone else's render before rendering itself.
    """

    def __init__(self, storage: Storage, *, ttl_seconds: float = 86_400.0, degraded_ttl_seconds: float = 60.0,
                 lease_seconds: float = 2.0, wait_seconds: float = 3.0, poll_seconds: float = 0.005) -> None:
        self.storage = storage
        self.ttl_seconds = ttl_seconds
        self.degraded_ttl_seconds = degraded_ttl_seconds
        self.lease_seconds = lease_seconds
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self._calls: dict[str, _Call] = {}
        self._lock = threading.Lock()
        self._counts: collections.Counter[str] = collections.Counter()

    def run(self, key: str, render: Render) -> Entry:
        """The stored entry for ``key``, or ``render()``'s, stored. Do not look the key up first: this
        does, and a render's exception reaches every request that waited on it."""
        entry = self.storage.get(key)
        if entry is not None:
            self._count("hits")
            return entry
        with self._lock:
            call = self._calls.get(key)
            leading = call is None
            if call is None:
                call = self._calls[key] = _Call()
        if leading:
            return self._lead(key, render, call)
        self._count("waited")
        if not call.done.wait(self.wait_seconds):
            self._count("wait_timeouts")
            return self._render(key, render)
        if call.error is not None:
            raise call.error
        # No result and no error: the leader was interrupted (KeyboardInterrupt, SystemExit).
        return call.entry if call.entry is not None else self._render(key, render)

    def stats(self) -> dict[str, int]:
        """Renders done, hits, waits on this process's and on other processes' renders, and timeouts."""
        with self._lock:
            counts = {name: self._counts[name] for name in ("hits", "renders", "waited", "waited_shared",
                                                            "wait_timeouts")}
            counts["in_flight"] = len(self._calls)
        return counts

    def _lead(self, key: str, render: Render, call: _Call) -> Entry:
        try:
            call.entry = self._across_processes(key, render)
            return call.entry
        except Exception as error:
            call.error = error
            raise
        finally:
            with self._lock:
                del self._calls[key]
            call.done.set()

    def _across_processes(self, key: str, render: Render) -> Entry:
        lock = self.storage.shared_lock()
        if lock is None:
            return self._render(key, render)
        token = secrets.token_hex(8)
        deadline = time.monotonic() + self.wait_seconds
        pause = self.poll_seconds
        while (state := lock.acquire(key, token, self.lease_seconds)) is LockState.BUSY:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._count("wait_timeouts")
                return self._render(key, render)
            time.sleep(min(pause, remaining))
            pause = min(pause * 2, 0.05)
            entry = self.storage.get(key)
            if entry is not None:
                self._count("waited_shared")
                return entry
        if state is LockState.UNAVAILABLE:
            return self._render(key, render)
        try:
            # Another holder may have stored it between our miss and our lock.
            entry = self.storage.get(key)
            return entry if entry is not None else self._render(key, render)
        finally:
            lock.release(key, token)

    def _render(self, key: str, render: Render) -> Entry:
        entry = render()
        self._count("renders")
        self.storage.put(key, entry, self.degraded_ttl_seconds if entry.degraded else self.ttl_seconds)
        return entry

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1
