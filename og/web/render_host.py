"""A web worker's render processes: the worker plans, a render host it forked renders.

::

    gunicorn master (preload: fonts, templates, cairo loaded once)
     ├─ web worker 1 (gevent: slow clients, cache hits, 304, HEAD, signatures, plans)
     │    └─ render host 1 (forked before gevent patches the worker; no gevent in it)
     │         ├─ render process  RLIMIT_AS=OG_RENDER_MEMORY, killed past the budget, replaced
     │         └─ render process
     └─ web worker 2 ... (the same)

Why a host between them: render processes must be forked from a process gevent never patched
(else their threads, encoding's included, are greenlets) and that holds the loaded fonts and
templates (so they are shared, not loaded again). The worker is such a process only until
gevent's patching, which happens right after gunicorn forks it; so it forks the host then, and
the host keeps a pebble :class:`~og.pool.RenderPool` (it forks and replaces render processes).
The worker sends a :class:`~og.pool.Job` over a socket pair and waits for its
:class:`~og.pool.Outcome` on that socket, which gevent's hub waits on like any client's.

The host ends when the worker does (its end of the socket closes); its render processes end
with it.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import os
import pickle
import signal
import socket
import struct
import threading
import time
import typing as t

from ..deadline import past_budget
from ..errors import Overloaded
from ..pool import Job
from ..pool import Outcome
from ..pool import RenderPool
from ..pool import load_backend
from ..pool import render_job
from ..pool import threads_per_process
from ..pool import vet_budget_s
from ..pool import vet_template
from ..pool import vetted
from ..storage import Entry

if t.TYPE_CHECKING:
    import concurrent.futures

    from ..render import Plan
    from ..render import Renderer

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("!I")
#: Signals gunicorn's master handles (its handlers are inherited by a fork): the host takes the
#: defaults, and ignores Ctrl-C (it ends when its worker does).
_MASTER_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGTERM", "SIGTTIN", "SIGTTOU", "SIGUSR1", "SIGUSR2", "SIGWINCH",
                   "SIGCHLD")


def _frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(data)) + data


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _read_frame(sock: socket.socket) -> t.Any:
    """The next message, or None when the other end closed."""
    head = _read_exactly(sock, _LENGTH.size)
    if head is None:
        return None
    data = _read_exactly(sock, _LENGTH.unpack(head)[0])
    return None if data is None else pickle.loads(data)


class _Waiter:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.outcome: Outcome | None = None


class RenderHost:
    """The web worker's end: :meth:`render` is :class:`og.render.Isolation`."""

    def __init__(self, fd: int, pid: int, renderer: Renderer) -> None:
        self.pid = pid
        self.renderer = renderer
        self._fd = fd
        self._sock: socket.socket | None = None
        # The lock of the socket and the table of waiters is made on first use (:meth:`_guard`),
        # after gevent has patched ``threading``: a greenlet waiting for it then yields to the
        # others. An OS lock made here, before the patch, held by a greenlet whose ``sendall``
        # yields, would block the whole worker for the next greenlet that wants it.
        self._lock: threading.Lock | None = None
        self._making_lock = threading.Lock()  # held only to make ``_lock``: never across I/O
        self._numbers = itertools.count()
        self._waiting: dict[int, _Waiter] = {}
        self._broken = False
        #: Called once if the host dies (not when :meth:`close` ends it): a gunicorn worker then
        #: stops taking requests, and gunicorn starts another worker with a new host.
        self.on_gone: t.Callable[[], None] | None = None

    @classmethod
    def start(cls, renderer: Renderer, close: t.Iterable[t.Any] = (), processes: int = 0,
              threads: int = 0) -> RenderHost:
        """Fork the host (call it before gevent patches this process). ``close``: sockets the
        host must not keep open (gunicorn's listeners); ``processes``: its render processes
        (default: :func:`og.pool.default_processes`); ``threads``: each one's
        (default: :func:`og.pool.threads_per_process` of this host's alone)."""
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the host
            code = 0
            try:
                ours.close()
                for listener in close:
                    listener.close()
                serve(theirs, renderer, processes, threads)
            except BaseException:
                log.exception("render host failed")
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        return cls(ours.detach(), pid, renderer)

    def render(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry:
        job = Job.of(plan)
        started = time.perf_counter()
        # A job may wait for a render process (at most OG_MAX_IN_FLIGHT are sent: about one
        # render's time), then take its own budget; the host kills it past that.
        return self._call(render_job, (job,), job.budget_s(self.renderer)).result(timings, started)

    def vet(self, name: str) -> str:
        return vetted(name, self._call(vet_template, (name,), vet_budget_s(self.renderer)))

    def _call(self, function: t.Callable[..., Outcome], args: tuple[t.Any, ...], budget_s: float) -> Outcome:
        """``function(*args)`` in one of the host's render processes, killed past ``budget_s``."""
        waiter = _Waiter()
        with self._guard():
            if self._broken:
                raise Overloaded("og's render processes are gone; try again in a moment", retry_after=1)
            sock = self._connected()
            number = next(self._numbers)
            self._waiting[number] = waiter
            sock.sendall(_frame((number, function, args, budget_s)))
        unbounded = self.renderer.settings.render_timeout <= 0
        if not waiter.done.wait(None if unbounded else 2 * budget_s + 1):
            with self._guard():
                self._waiting.pop(number, None)
            raise past_budget()
        assert waiter.outcome is not None
        return waiter.outcome

    def _guard(self) -> threading.Lock:
        """The lock of the socket and the table of waiters (see ``__init__``)."""
        if self._lock is None:
            with self._making_lock:
                if self._lock is None:
                    self._lock = threading.Lock()
        return self._lock

    def _connected(self) -> socket.socket:
        """The socket, made on first use: by then gevent has patched ``socket`` (in a gevent
        worker), so waiting on it lets the hub run; and the thread reading answers."""
        if self._sock is None:
            self._sock = socket.socket(fileno=self._fd)
            threading.Thread(target=self._read_answers, name="og-render-answers", daemon=True).start()
        return self._sock

    def _read_answers(self) -> None:
        assert self._sock is not None
        try:
            while (message := _read_frame(self._sock)) is not None:
                number, outcome = message
                with self._guard():
                    waiter = self._waiting.pop(number, None)
                if waiter is not None:
                    waiter.outcome = outcome
                    waiter.done.set()
        except OSError:
            pass
        gone = Outcome(None, {}, (Overloaded, "og's render processes are gone; try again in a moment",
                                  {"retry_after": 1}))
        with self._guard():
            closed, self._broken = self._broken, True
            waiting, self._waiting = self._waiting, {}
        for waiter in waiting.values():
            waiter.outcome = gone
            waiter.done.set()
        if not closed:
            log.error("the render host %d is gone: this worker stops, gunicorn starts another", self.pid)
            if self.on_gone is not None:
                self.on_gone()

    def close(self) -> None:
        """Close the socket: the host stops its render processes and exits."""
        with self._guard():
            sock, self._sock = self._sock, None
            if sock is not None:
                sock.close()
            elif self._fd >= 0:
                os.close(self._fd)
            self._fd = -1
            self._broken = True


def serve(sock: socket.socket, renderer: Renderer, processes: int = 0, threads: int = 0) -> None:
    """The host: read jobs, hand each to the pool, write each outcome back as it comes; end
    when the worker's end closes."""
    for name in _MASTER_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pool = RenderPool(renderer, processes, threads=threads)
    # Fork the render processes now, while the worker is still starting (gevent's patching takes
    # ≈ 80 ms), not when its first card comes: that card then waits for neither.
    pool.schedule(load_backend, (), vet_budget_s(renderer))
    writing = threading.Lock()

    def answer(number: int, future: concurrent.futures.Future[Outcome]) -> None:
        data = _frame((number, RenderPool.outcome(future)))
        try:
            with writing:
                sock.sendall(data)
        except OSError:
            pass  # the worker is gone; the read loop ends too

    try:
        while (message := _read_frame(sock)) is not None:
            number, function, args, budget_s = message
            pool.schedule(function, args, budget_s).add_done_callback(functools.partial(answer, number))
    except ConnectionError:
        pass  # the worker died with a job unread (SIGKILL): the same end as a closed socket
    finally:
        pool.close()


def start_for_worker(worker: t.Any, renderer: Renderer | None) -> RenderHost | None:
    """Give the app's renderer (:func:`worker_renderer`) a render host, in a gunicorn worker just
    forked (before gevent patches it). Only with ``preload_app``: otherwise the app, its fonts and
    templates are not loaded yet, and renders stay in the worker (logged)."""
    if not worker.cfg.preload_app:
        log.warning("gunicorn without preload_app: cards render inside the web worker, unbounded")
        return None
    if renderer is None:
        return None
    processes = processes_per_worker(renderer, worker.cfg.workers)
    # Every worker's host has render processes: threads only for cores none of them has.
    host = RenderHost.start(renderer, close=worker.sockets, processes=processes,
                            threads=threads_per_process(processes * worker.cfg.workers))
    host.on_gone = functools.partial(setattr, worker, "alive", False)
    renderer.pool = host
    return host


def worker_renderer(worker: t.Any) -> Renderer | None:
    """The renderer of a gunicorn worker's app (og's Flask app), if it is one."""
    core = getattr(worker.app.wsgi(), "extensions", {}).get("og.core")
    return None if core is None else t.cast("Renderer", core.renderer)


def processes_per_worker(renderer: Renderer, workers: int, cores: int | None = None) -> int:
    """Render processes each web worker's host keeps: one per core across all workers, at most
    ``OG_MAX_IN_FLIGHT``, at least one. Renders are CPU-bound: a second process per core drew no
    more cards, and each card cost more CPU (≈ 12.5 against 10 ms on the 2-core machine: a card
    went to whichever process was free, whose caches had gone cold meanwhile); on distinct cards
    through og serve, one per core gave ≈ 1.2x the cards per second of two (bench/load.py).

    >>> from og.config import Settings
    >>> class R: settings = Settings()
    >>> [processes_per_worker(R(), workers, cores=2) for workers in (1, 2, 8)]
    [2, 1, 1]
    """
    cores = cores or os.cpu_count() or 1
    return max(1, min(renderer.settings.max_in_flight, math.ceil(cores / max(1, workers))))
