"""The shared layer: cards in Redis, seen by every worker and machine, each value with an expiry.

A cache must never be why a request fails or waits: every command has a timeout of about 100 ms
and no retries, an error is logged (at most once a minute, with a count of the rest) and answered
as a miss, and after an error the layer stays out of the way for a second instead of making every
request pay a timeout against a Redis that is down.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import typing as t

import redis
import redis.backoff
import redis.retry

from og.storage.base import Entry
from og.storage.base import Hit
from og.storage.base import LockState
from og.storage.base import SharedLock
from og.storage.base import Storage

log = logging.getLogger(__name__)

#: Deletes a lock only if it still carries the holder's token (its lease may have expired and
#: passed to another process), in one step on the server.
_RELEASE_SCRIPT = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""

_FAILURES = (redis.RedisError, OSError)
_T = t.TypeVar("_T")


class _Health:
    """Trips on an error (the layer is skipped for ``retry_after_seconds``) and rate-limits the log."""

    def __init__(self, retry_after_seconds: float, log_interval_seconds: float) -> None:
        self.retry_after_seconds = retry_after_seconds
        self.log_interval_seconds = log_interval_seconds
        self._down_until = 0.0
        self._logged_at = -math.inf
        self._suppressed = 0
        self._lock = threading.Lock()

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self, what: str, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after_seconds
            if now - self._logged_at < self.log_interval_seconds:
                self._suppressed += 1
                return
            suppressed, self._suppressed, self._logged_at = self._suppressed, 0, now
        log.warning("redis %s failed, treated as a miss (%s: %s); %d more errors since the last report",
                    what, type(error).__name__, error, suppressed)


class RedisStorage(Storage):
    """Cards in Redis under ``{prefix}card:{key}``, locks under ``{prefix}lock:{key}``.

    :param client: a redis-py client; :meth:`from_url` makes one with short timeouts and no retries.
    :param retry_after_seconds: how long the layer is skipped after an error.
    """

    name = "redis"

    def __init__(self, client: redis.Redis, *, prefix: str = "og:", retry_after_seconds: float = 1.0,
                 log_interval_seconds: float = 60.0) -> None:
        self.client = client
        self.prefix = prefix
        self._health = _Health(retry_after_seconds, log_interval_seconds)
        self._release = client.register_script(_RELEASE_SCRIPT)
        self._counts = {"hits": 0, "misses": 0, "errors": 0, "skipped": 0}
        self._counts_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, timeout_seconds: float = 0.1, connect_timeout_seconds: float = 0.05,
                 prefix: str = "og:", retry_after_seconds: float = 1.0) -> RedisStorage:
        """A storage on ``redis://host:port/db`` (or ``rediss://``, ``unix://``); connects on first use.

        :param timeout_seconds: longest wait for one reply; a render takes 10-300 ms, so a cache
            that answers slower than this is worth less than rendering.
        """
        client = redis.Redis.from_url(url, socket_timeout=timeout_seconds,
                                      socket_connect_timeout=connect_timeout_seconds,
                                      retry=redis.retry.Retry(redis.backoff.NoBackoff(), 0))
        return cls(client, prefix=prefix, retry_after_seconds=retry_after_seconds)

    def lookup(self, key: str) -> Hit | None:
        data = self._call("get", lambda: self.client.get(self._card(key)), None)
        decoded = Entry.from_bytes(data) if isinstance(data, bytes) else None
        ttl_seconds = 0.0 if decoded is None else decoded[1] - time.time()
        if decoded is None or ttl_seconds <= 0:
            self._count("misses")
            return None
        self._count("hits")
        return Hit(decoded[0], ttl_seconds)

    def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            return
        data = entry.to_bytes(time.time() + ttl_seconds)
        self._call("set", lambda: self.client.set(self._card(key), data, px=math.ceil(ttl_seconds * 1000)),
                   None)

    def shared_lock(self) -> SharedLock:
        return self

    def acquire(self, name: str, token: str, lease_seconds: float) -> LockState:
        """``SET lock token NX PX lease``: the lease ends by itself if the holder dies."""
        taken = self._call("lock", lambda: self.client.set(self._lock_name(name), token, nx=True,
                                                            px=math.ceil(lease_seconds * 1000)), False)
        if taken is False:
            return LockState.UNAVAILABLE
        return LockState.ACQUIRED if taken else LockState.BUSY

    def release(self, name: str, token: str) -> None:
        self._call("unlock", lambda: self._release(keys=[self._lock_name(name)], args=[token]), None)

    def stats(self) -> dict[str, int]:
        with self._counts_lock:
            return dict(self._counts)

    def close(self) -> None:
        self.client.close()

    def _call(self, what: str, command: t.Callable[[], object], failed: _T) -> object | _T:
        """Run one command, or answer ``failed`` (without trying, while the layer is tripped)."""
        if not self._health.available():
            self._count("skipped")
            return failed
        try:
            return command()
        except _FAILURES as error:
            self._count("errors")
            self._health.failed(what, error)
            return failed

    def _count(self, name: str) -> None:
        with self._counts_lock:
            self._counts[name] += 1

    def _card(self, key: str) -> str:
        return f"{self.prefix}card:{key}"

    def _lock_name(self, name: str) -> str:
        return f"{self.prefix}lock:{name}"
