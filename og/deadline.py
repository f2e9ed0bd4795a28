"""A render's time budget, and the cooperative checks that stop a render past it.

:func:`check_deadline` runs between the stages and inside every loop whose length a template
decides (Jinja ranges and output, text blocks, drawn elements, effects, filter primitives,
encoded bands): precise, and safe anywhere, threads included. It is the fast, clean stop.

What it cannot stop (a native call that runs long: cairo drawing a dash pattern segment by
segment) is stopped from outside: renders run in render processes (:mod:`og.pool`) that are
killed and replaced past the budget. No asynchronous exception is raised anywhere: a signal
that raises "wherever Python is" lands in gc callbacks, ``finally`` blocks and C callbacks.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import threading
import time
import typing as t

from .errors import Overloaded
from .errors import RenderTimeout

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("og_deadline", default=math.inf)


#: Seconds a client is told to wait (``Retry-After``) after a render was stopped.
RETRY_AFTER_S = 5


def past_budget() -> RenderTimeout:
    return RenderTimeout("the card took longer than its render budget; try again later",
                         retry_after=RETRY_AFTER_S)


def check_deadline() -> None:
    """Raise :class:`RenderTimeout` when the current render is past its budget."""
    if time.monotonic() > _deadline.get():
        raise past_budget()


class RenderBudget:
    """Seconds each render may take. One per :class:`~og.render.Renderer`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    @contextlib.contextmanager
    def running(self) -> t.Iterator[None]:
        """The budget of the render this context runs, for :func:`check_deadline`."""
        if self.seconds <= 0:
            yield
            return
        token = _deadline.set(time.monotonic() + self.seconds)
        try:
            yield
        finally:
            _deadline.reset(token)


class Admission:
    """At most ``running`` renders at once and ``waiting`` more in line; past that a request
    is refused at once (503) instead of queueing for minutes behind a crawler storm."""

    def __init__(self, running: int, waiting: int, wait_s: float) -> None:
        self._slots = threading.BoundedSemaphore(max(1, running))
        self._limit = max(1, running) + max(0, waiting)
        self._wait_s = wait_s
        self._inside = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def admitted(self) -> t.Iterator[None]:
        with self._lock:
            if self._inside >= self._limit:
                raise _busy()
            self._inside += 1
        try:
            if not self._slots.acquire(timeout=self._wait_s):
                raise _busy()
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._inside -= 1


def _busy() -> Overloaded:
    return Overloaded("og is busy rendering other cards; try again in a moment", retry_after=1)
