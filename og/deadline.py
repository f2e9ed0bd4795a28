"""A render's time budget, and what stops a render that goes past it.

Two mechanisms, because neither alone is enough:

* cooperative checks (:func:`check_deadline`) between the stages and inside every loop whose
  length a template decides (Jinja ranges and output, text blocks, drawn elements, effects,
  filter primitives): precise, and safe anywhere, threads included;
* on the main thread (gunicorn's gevent workers run every request there), a ``SIGALRM``
  timer a little past the budget that raises :class:`~og.errors.RenderTimeout` in whatever
  Python code is running: the backstop for a loop nobody thought of.

Native code (a numpy blur, cairo) cannot be interrupted, which is why templates are bounded
when they load (:mod:`og.template.limits`): each native call is short.
"""

from __future__ import annotations

import contextlib
import contextvars
import math
import signal
import threading
import time
import typing as t

from .errors import Overloaded
from .errors import RenderTimeout

#: The hard timer fires this long after the budget, so the cooperative checks usually win.
HARD_STOP_GRACE_S = 0.25

_deadline: contextvars.ContextVar[float] = contextvars.ContextVar("og_deadline", default=math.inf)


#: Seconds a client is told to wait (``Retry-After``) after a render was stopped.
RETRY_AFTER_S = 5


def _timeout() -> RenderTimeout:
    return RenderTimeout("the card took longer than its render budget; try again later",
                         retry_after=RETRY_AFTER_S)


def check_deadline() -> None:
    """Raise :class:`RenderTimeout` when the current render is past its budget."""
    if time.monotonic() > _deadline.get():
        raise _timeout()


class RenderBudget:
    """Seconds each render may take. One per :class:`~og.render.Renderer`; it owns the
    process's ``SIGALRM`` timer while a render on the main thread runs."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._armed = False

    @contextlib.contextmanager
    def running(self) -> t.Iterator[None]:
        if self.seconds <= 0:
            yield
            return
        token = _deadline.set(time.monotonic() + self.seconds)
        hard = self._can_arm()
        previous: t.Any = None
        if hard:
            previous = signal.signal(signal.SIGALRM, _on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds + HARD_STOP_GRACE_S)
            self._armed = True
        try:
            yield
        finally:
            if hard:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                self._armed = False
            _deadline.reset(token)

    def _can_arm(self) -> bool:
        """Only on the main OS thread (gevent's greenlets all run there: ``current_thread()``
        is a stand-in for each, so the native id decides), one render at a time, and only where
        nobody else uses SIGALRM."""
        return (hasattr(signal, "setitimer") and not self._armed
                and threading.get_native_id() == threading.main_thread().native_id
                and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))


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


def _on_alarm(signum: int, frame: t.Any) -> None:
    """Raise in the render that is past its budget; if another greenlet runs when the timer
    fires (the render waited on I/O), let that one be: the render's next check raises."""
    if time.monotonic() > _deadline.get():
        raise _timeout()
