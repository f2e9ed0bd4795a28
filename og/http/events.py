"""Live reload: template file changes → Server-Sent Events.

The :class:`og.template.store.TemplateStore` already reloads a template whose file changed on
the next request; this only tells open studio pages *that* a file changed, so they fetch again.
It polls file stamps (mtime, size) rather than watching the folder: no extra dependency, works
on every file system and for editors that replace the file on save (Inkscape does).

A stream lives :data:`LIFETIME_SECONDS` and then ends; the browser's ``EventSource``
reconnects after the ``retry`` it was given and gets every stamp again, so no change is lost in
the gap. Under gunicorn's gevent workers an open stream costs one greenlet, not a worker.
"""

from __future__ import annotations

import json
import time
import typing as t

from ..template.store import TemplateStore

#: How often the folder is looked at: a saved file shows up within about this long.
POLL_SECONDS = 0.5
#: How long one stream lives before the browser reconnects (bounds a forgotten tab's cost).
LIFETIME_SECONDS = 300.0
#: A comment line this often keeps proxies from closing a quiet stream.
HEARTBEAT_SECONDS = 15.0
#: The browser's wait before reconnecting, in milliseconds.
RETRY_MILLISECONDS = 1000

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


def template_events(store: TemplateStore, poll_seconds: float = POLL_SECONDS,
                    lifetime_seconds: float = LIFETIME_SECONDS,
                    clock: t.Callable[[], float] = time.monotonic,
                    sleep: t.Callable[[float], None] = time.sleep) -> t.Iterator[str]:
    """An SSE stream: every stamp first (``stamps``), then ``change`` (a file was added or saved)
    and ``removed`` events, until ``lifetime_seconds`` have passed (then ``bye``)."""
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
