"""The storage contract: what a stored card is, and what every storage layer can do with one.

Modelled on thumbor's result storages (``get``/``put`` behind a small base class, with a null
version next to it): the request path never knows which layers are configured.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
import json
import struct
import time
import typing as t

#: What a memory layer charges an entry beyond its body: the Entry object, its key and the LRU's
#: bookkeeping (tracemalloc: ~370 bytes an entry with a 64-character key); a constant, so the bound
#: holds for many tiny entries too.
ENTRY_OVERHEAD_BYTES = 384

#: First bytes of a serialised entry; a new layout gets a new magic, and old values read as misses.
_MAGIC = b"OGE1"
_HEADER = struct.Struct(">4sI")


@dataclasses.dataclass(frozen=True)
class Entry:
    """A finished response body and the few facts the web layer needs to answer with it."""

    body: bytes
    content_type: str
    #: Rendered with a fallback (a font missing, an error card): stored for less time.
    degraded: bool = False
    #: Unix time of the render, for ``Last-Modified`` and ``Age``.
    created_at: float = dataclasses.field(default_factory=time.time)

    @property
    def size_bytes(self) -> int:
        """What the entry costs a byte-bounded cache."""
        return len(self.body) + len(self.content_type) + ENTRY_OVERHEAD_BYTES

    def to_bytes(self, expires_at: float) -> bytes:
        """One byte string (magic, JSON header, body): a single Redis value, written atomically.

        :param expires_at: Unix time the entry stops being valid; kept so a layer that copies the
            entry (a Redis hit filling memory) keeps it no longer than the original.
        """
        header = json.dumps({"type": self.content_type, "degraded": self.degraded,
                             "created": self.created_at, "expires": expires_at},
                            separators=(",", ":")).encode()
        return _HEADER.pack(_MAGIC, len(header)) + header + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[Entry, float] | None:
        """The entry and its expiry time, or ``None`` for bytes this version did not write.

        >>> entry, expires = Entry.from_bytes(Entry(b"png", "image/png", created_at=1.0).to_bytes(9.0))
        >>> entry.body, entry.content_type, entry.degraded, expires
        (b'png', 'image/png', False, 9.0)
        >>> Entry.from_bytes(b"something else") is None
        True
        """
        if len(data) < _HEADER.size:
            return None
        magic, length = _HEADER.unpack_from(data)
        start = _HEADER.size
        if magic != _MAGIC or start + length > len(data):
            return None
        try:
            header = json.loads(data[start:start + length])
            entry = cls(body=data[start + length:], content_type=str(header["type"]),
                        degraded=bool(header["degraded"]), created_at=float(header["created"]))
            return entry, float(header["expires"])
        except (ValueError, KeyError, TypeError):
            return None


class Hit(t.NamedTuple):
    """A stored entry and how long it stays valid, so an upper layer it fills keeps it no longer."""

    entry: Entry
    ttl_seconds: float


class Storage(abc.ABC):
    """Key → :class:`Entry`, with an expiry. A storage never raises for its own failures: a layer
    whose backend is down answers ``None`` (a miss) and drops writes, since a cache must not turn
    into a reason for a request to fail."""

    #: Prefix of this layer's numbers in :meth:`stats`.
    name: t.ClassVar[str] = "storage"

    def get(self, key: str) -> Entry | None:
        """The entry stored under ``key``, or ``None``."""
        hit = self.lookup(key)
        return None if hit is None else hit.entry

    @abc.abstractmethod
    def lookup(self, key: str) -> Hit | None:
        """Like :meth:`get`, with the time the entry has left."""

    @abc.abstractmethod
    def put(self, key: str, entry: Entry, ttl_seconds: float) -> None:
        """Keep ``entry`` under ``key`` for at most ``ttl_seconds``."""

    def shared_lock(self) -> SharedLock | None:
        """A lock other processes see too (for :class:`~og.storage.flight.SingleFlight`), if any."""
        return None

    def stats(self) -> dict[str, int]:
        """Counters for metrics; empty for a layer that keeps none."""
        return {}

    def close(self) -> None:
        """Let go of connections (at shutdown, or when a test is done with the storage)."""
        return None


class LockState(enum.Enum):
    """What an attempt to take a shared lock found."""

    ACQUIRED = "acquired"
    #: Another process holds it: its result is coming.
    BUSY = "busy"
    #: The lock's backend is down or slow: go on without it.
    UNAVAILABLE = "unavailable"


class SharedLock(t.Protocol):
    """A lease on a name across processes and machines, released early by its holder."""

    def acquire(self, name: str, token: str, lease_seconds: float) -> LockState:
        """Take the lock for ``lease_seconds`` unless someone holds it; ``token`` proves ownership."""

    def release(self, name: str, token: str) -> None:
        """Give the lock back if ``token`` still holds it (an expired lease may be someone else's)."""
