"""The storage a deployment asked for, from two settings: a Redis URL and a memory bound."""

from __future__ import annotations

import urllib.parse

from og.storage.base import Storage
from og.storage.layered import LayeredStorage
from og.storage.memory import MemoryStorage
from og.storage.none import NoStorage

_REDIS_SCHEMES = ("redis", "rediss", "unix")


def storage_from_url(url: str | None, memory_bytes: int) -> Storage:
    """Memory first (when ``memory_bytes`` > 0), then Redis (when ``url`` is given, e.g. from
    ``OG_CACHE_URL=redis://127.0.0.1:6379/0``); neither gives :class:`NoStorage`.

    Building the storage does not connect: a Redis that is down at start-up is a miss like any other.

    >>> type(storage_from_url(None, 64 << 20)).__name__, type(storage_from_url("", 0)).__name__
    ('MemoryStorage', 'NoStorage')
    >>> [layer.name for layer in storage_from_url("redis://127.0.0.1:1/0", 64 << 20).layers]
    ['memory', 'redis']

    :raises ValueError: for a URL that is not Redis's, so a typo stops start-up instead of
        silently caching nothing.
    """
    layers: list[Storage] = []
    if memory_bytes > 0:
        layers.append(MemoryStorage(memory_bytes))
    if url:
        scheme = urllib.parse.urlsplit(url).scheme
        if scheme not in _REDIS_SCHEMES:
            # The scheme only: the rest of the URL may hold a password.
            raise ValueError(f"cache URL scheme {scheme!r}: expected one of {', '.join(_REDIS_SCHEMES)}")
        from og.storage.redis import RedisStorage  # redis only when a URL asks for it

        layers.append(RedisStorage.from_url(url))
    if not layers:
        return NoStorage()
    return layers[0] if len(layers) == 1 else LayeredStorage(layers)
