"""The null storage: every lookup misses and nothing is kept (caching switched off)."""

from __future__ import annotations

from og.storage.base import Entry
from og.storage.base import Hit
from og.storage.base import Storage


class NoStorage(Storage):
    """Stores nothing, so the request path needs no ``if cache:`` branches."""

    name = "none"

    def lookup(self, key: str) -> Hit | None:
        return None

    def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        return None
