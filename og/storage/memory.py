"""The in-process layer: a least-recently-used map bounded in bytes, shared by a worker's threads."""

from __future__ import annotations

import collections
import threading
import time
import typing as t

from og.storage.base import Entry
from og.storage.base import Hit
from og.storage.base import Storage


class _Slot(t.NamedTuple):
    entry: Entry
    #: ``time.monotonic()`` after which the entry is gone.
    expires: float


class MemoryStorage(Storage):
    """Cards in this process, bounded in bytes rather than entries because a card is 1 KB of JSON
    or 300 KB of PNG. The least recently used entries go first; an entry larger than the whole
    bound is not stored at all (it would evict everything and then be evicted itself).

    >>> cache = MemoryStorage(max_bytes=10_000)
    >>> cache.put("k", Entry(b"png", "image/png"), ttl_seconds=60)
    >>> cache.get("k").body, cache.get("other")
    (b'png', None)
    >>> {name: cache.stats()[name] for name in ("hits", "misses", "entries")}
    {'hits': 1, 'misses': 1, 'entries': 1}
    """

    name = "memory"

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._slots: collections.OrderedDict[str, _Slot] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._counts = collections.Counter({"hits": 0, "misses": 0, "evictions": 0, "too_large": 0})

    def lookup(self, key: str) -> Hit | None:
        now = time.monotonic()
        with self._lock:
            slot = self._slots.get(key)
            if slot is not None and slot.expires <= now:
                self._remove(key)
                slot = None
            if slot is None:
                self._counts["misses"] += 1
                return None
            self._slots.move_to_end(key)
            self._counts["hits"] += 1
            return Hit(slot.entry, slot.expires - now)

    def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        size = entry.size_bytes
        with self._lock:
            if key in self._slots:
                self._remove(key)
            if size > self.max_bytes or ttl_seconds <= 0:
                self._counts["too_large"] += size > self.max_bytes
                return
            while self._bytes + size > self.max_bytes:
                self._remove(next(iter(self._slots)))
                self._counts["evictions"] += 1
            self._slots[key] = _Slot(entry, time.monotonic() + ttl_seconds)
            self._bytes += size

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {**self._counts, "bytes": self._bytes, "entries": len(self._slots),
                    "max_bytes": self.max_bytes}

    def clear(self) -> None:
        """Forget every entry (the counters stay: they describe the process's life)."""
        with self._lock:
            self._slots.clear()
            self._bytes = 0

    def _remove(self, key: str) -> None:
        self._bytes -= self._slots.pop(key).entry.size_bytes
