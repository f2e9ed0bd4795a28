"""Result storage: a card's key (a hex digest of everything that decides its bytes) → the card.

The request path computes the key before rendering, asks a :class:`Storage` for it and renders only
on a miss, through :class:`SingleFlight` so that identical requests arriving together render once.
Layers: :class:`MemoryStorage` (this process, bounded in bytes), :class:`RedisStorage` (shared by
workers and machines; a Redis that is down or slow is a miss, never an error) and :class:`NoStorage`.
:func:`storage_from_url` builds the usual stack from ``OG_CACHE_URL``.
"""

from __future__ import annotations

import typing as t

from og.storage.base import Entry as Entry
from og.storage.base import Hit as Hit
from og.storage.base import LockState as LockState
from og.storage.base import SharedLock as SharedLock
from og.storage.base import Storage as Storage
from og.storage.factory import storage_from_url as storage_from_url
from og.storage.flight import SingleFlight as SingleFlight
from og.storage.layered import LayeredStorage as LayeredStorage
from og.storage.memory import MemoryStorage as MemoryStorage
from og.storage.none import NoStorage as NoStorage

if t.TYPE_CHECKING:
    from og.storage.redis import RedisStorage as RedisStorage


def __getattr__(name: str) -> t.Any:
    """``RedisStorage`` on first use: redis (and asyncio, which it imports) costs ≈ 75 ms at
    start, and only a deployment with ``OG_CACHE_URL`` needs it."""
    if name == "RedisStorage":
        from og.storage.redis import RedisStorage

        return RedisStorage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
