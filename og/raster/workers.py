"""Threads for the parts of a card that let go of the GIL: cairo filling glyph runs, zlib-ng
compressing PNG bands. On two free cores a card's text rows are drawn and compressed in about
half the time; on a busy machine the work simply queues.

The threads are real threads (renders run in render processes, where gevent never is), started
in the process that first uses them: a forked process inherits none, so a pool made before the
fork is made again after it.
"""

from __future__ import annotations

import concurrent.futures
import os
import threading
import typing as t

T = t.TypeVar("T")
R = t.TypeVar("R")

#: Threads at most: one per core, up to four.
THREADS = min(4, os.cpu_count() or 1)


class Workers:
    """A thread pool owned by the render's tools (:class:`og.stages.Tools`), made on first use."""

    def __init__(self, threads: int = THREADS) -> None:
        self.threads = threads
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def map(self, function: t.Callable[[T], R], jobs: t.Sequence[T]) -> list[R]:
        """``function`` over ``jobs``, in order: in as many shares as there are threads, one of
        them in the calling thread (a hand-off costs tens of microseconds: one per share, not per job)."""
        shares = min(self.threads, len(jobs))
        if shares < 2:
            return [function(job) for job in jobs]
        cuts = [len(jobs) * i // shares for i in range(shares + 1)]
        pool = self._executor()
        later = [pool.submit(_each, function, jobs[start:end])
                 for start, end in zip(cuts[1:-1], cuts[2:], strict=True)]
        try:
            first = _each(function, jobs[:cuts[1]])
            return [*first, *(result for future in later for result in future.result())]
        finally:
            for future in later:
                future.cancel()

    def both(self, here: t.Callable[[], object], there: t.Callable[[], object]) -> None:
        """``here`` in this thread and ``there`` in another, side by side (one after the other
        without a second thread)."""
        if self.threads < 2:
            here()
            there()
            return
        later = self._executor().submit(there)
        try:
            here()
        finally:
            later.result()

    def close(self) -> None:
        """Stop the threads (made again on the next use): a process about to fork leaves none
        idle behind it."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _executor(self) -> concurrent.futures.ThreadPoolExecutor:
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = concurrent.futures.ThreadPoolExecutor(self.threads - 1, "og-raster")
                self._pid = os.getpid()
            return self._pool


def _each(function: t.Callable[[T], R], jobs: t.Sequence[T]) -> list[R]:
    return [function(job) for job in jobs]
