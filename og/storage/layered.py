"""Layers asked in order (memory, then Redis): a hit in a lower layer fills the ones above it."""

from __future__ import annotations

import typing as t

from og.storage.base import Entry
from og.storage.base import Hit
from og.storage.base import SharedLock
from og.storage.base import Storage


class LayeredStorage(Storage):
    """Fast and small first, shared and slower after. A Redis hit is copied into memory for the time
    it has left in Redis, so the next request in this worker skips the network round trip."""

    name = "layered"

    def __init__(self, layers: t.Sequence[Storage]) -> None:
        self.layers = tuple(layers)

    def lookup(self, key: str) -> Hit | None:
        for depth, layer in enumerate(self.layers):
            hit = layer.lookup(key)
            if hit is not None:
                for upper in self.layers[:depth]:
                    upper.put(key, hit.entry, hit.ttl_seconds)
                return hit
        return None

    def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        for layer in self.layers:
            layer.put(key, entry, ttl_seconds)

    def shared_lock(self) -> SharedLock | None:
        return next((lock for layer in self.layers if (lock := layer.shared_lock()) is not None), None)

    def stats(self) -> dict[str, int]:
        return {f"{layer.name}.{name}": value
                for layer in self.layers for name, value in layer.stats().items()}

    def close(self) -> None:
        for layer in self.layers:
            layer.close()
