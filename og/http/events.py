"""Live reload: template file changes → Server-Sent Events.

The :class:`og.template.store.TemplateStore` already reloads a template whose file changed on
the next request; this only tells open studio pages *that* a file changed, so they fetch again.
It polls file stamps (mtime, size) rather than watching the folder: no extra dependency, works
on every file system and for editors that replace the file on save (Inkscape does).

A stream lives :data:`LIFETIME_SECONDS` and then ends; the browser's ``EventSource``
reconnects after the ``retry`` it was given and gets every stamp again, so no change is lost in
the gap. Under gunicorn's gevent workers an open stream costs one greenlet, not a worker: the
stream sleeps with ``time.sleep`` as it is *when the stream runs*. gunicorn imports a preloaded
app before its gevent worker patches ``time``, so a ``sleep=time.sleep`` default bound at import
would block the whole worker (its other requests and its heartbeat) for every poll.

:class:`StreamSlots` bounds how many streams one worker holds; a page over the bound is told to
come back later (``503`` with ``Retry-After``), and the studio's page does.
"""

from __future__ import annotations

import json
import threading
import time
import typing as t

from ..template.store import TemplateStore

#: How often the folder is looked at: a saved file shows up within about this long.
POLL_SECONDS = 0.5
#: How long one stream lives before the browser reconnects (bounds a forgotten tab's cost).
LIFETIME_SECONDS = 300.0
#: A comment line this often keeps proxies from closing a quiet stream, and finds a closed tab:
#: a server learns that the client left only when a write fails, and only then frees the stream.
HEARTBEAT_SECONDS = 2.0
#: The browser's wait before reconnecting, in milliseconds.
RETRY_MILLISECONDS = 1000
#: Open streams one worker holds at most (a page per tab; browsers open 6 connections per host).
MAX_STREAMS = 8
#: What a page over the bound is told to wait before trying again, in seconds.
BUSY_RETRY_SECONDS = 5

Stamps = dict[str, str]


def template_stamps(store: TemplateStore) -> Stamps:
    """Each template file's stamp, ``"mtime_ns-size"``, by name (a file gone between the listing
    and the look is left out)."""
    stamps: Stamps = {}
    for name in store.names():
        try:
            stat = (store.folder / f"{name}.svg").stat()
        except OSError:
            continue
        stamps[name] = f"{stat.st_mtime_ns}-{stat.st_size}"
    return stamps


def event(kind: str, data: t.Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


class StreamSlots:
    """How many event streams one process has open, and its bound (the app owns one; each forked
    worker counts its own)."""

    def __init__(self, limit: int = MAX_STREAMS) -> None:
        self.limit = limit
        self.open = 0
        self._lock = threading.Lock()  # held for a count only: never across a sleep or a write

    def take(self) -> bool:
        """One more stream, if the bound allows it."""
        with self._lock:
            if self.open >= self.limit:
                return False
            self.open += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.open = max(0, self.open - 1)


def template_events(store: TemplateStore, poll_seconds: float = POLL_SECONDS,
                    lifetime_seconds: float = LIFETIME_SECONDS,
                    clock: t.Callable[[], float] | None = None,
                    sleep: t.Callable[[float], None] | None = None) -> t.Iterator[str]:
    """An SSE stream: every stamp first (``stamps``), then ``change`` (a file was added or saved)
    and ``removed`` events, until ``lifetime_seconds`` have passed (then ``bye``).

    ``clock`` and ``sleep`` default to ``time.monotonic`` and ``time.sleep`` looked up now, at
    the request, after gevent has patched them (see the module's docstring)."""
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    started = clock()
    last_beat = started
    known = template_stamps(store)
    yield f"retry: {RETRY_MILLISECONDS}\n" + event("stamps", known)
    while clock() - started < lifetime_seconds:
        sleep(poll_seconds)
        now = template_stamps(store)
        for name in sorted(now):
            if known.get(name) != now[name]:
                yield event("change", {"name": name, "stamp": now[name]})
        for name in sorted(set(known) - set(now)):
            yield event("removed", {"name": name})
        known = now
        if clock() - last_beat >= HEARTBEAT_SECONDS:
            last_beat = clock()
            yield ": heartbeat\n\n"
    yield event("bye", {"reconnect_ms": RETRY_MILLISECONDS})
