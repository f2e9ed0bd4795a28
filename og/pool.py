"""Render processes: a :class:`Job` (a plan, by name) in, the encoded card out, bounded from outside.

A render runs code og does not control (Jinja filters, CairoSVG, cairo's native drawing): a dash
pattern can keep cairo busy for minutes, a pattern tile can ask for gigabytes. Nothing inside a
process can stop that safely (a signal raising "wherever Python is" lands in gc callbacks and C
callbacks and poisons caches), so renders run in processes that can be killed:

* each render process is forked after fonts and templates are loaded (it shares them), sets its
  address-space limit (``RLIMIT_AS`` = ``OG_RENDER_MEMORY``) and renders one card at a time;
* pebble's :class:`~pebble.ProcessPool` terminates a process that overruns its budget (plus
  :data:`KILL_GRACE_S`) and starts another, whatever native call it was in; the caller gets
  :class:`~og.errors.RenderTimeout` (503 with ``Retry-After``);
* inside, the cooperative checks (:func:`og.deadline.check_deadline`) stop a slow render cleanly
  first, and encoding uses real threads (no gevent in a render process).

What crosses the boundary is small: the :class:`Job` (template name and digest, values, format,
key, scale) and the :class:`Outcome` (the encoded bytes, content type, timings, or the error).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import gc
import logging
import multiprocessing
import os
import resource
import signal
import time
import typing as t

import pebble

from .deadline import RETRY_AFTER_S
from .deadline import past_budget
from .errors import OgError
from .errors import Overloaded
from .errors import RenderTimeout
from .errors import TemplateError
from .raster.lazy import LazyBackend
from .raster.workers import Workers
from .storage import Entry
from .template.pages import for_page

if t.TYPE_CHECKING:
    from .render import Plan
    from .render import Renderer

log = logging.getLogger(__name__)

#: A process past its budget by this much is killed (the cooperative checks usually win before).
KILL_GRACE_S = 0.3
#: A render process that ran out of memory exits with this status.
OUT_OF_MEMORY_EXIT = 75
#: pebble's name for its worker processes.
RENDER_PROCESS_NAME = "pebble_pool_worker"


@dataclasses.dataclass(frozen=True)
class Job:
    """A planned card as sent to a render process: the template by name (the process has the
    same store) and digest (so a template changed in between is noticed), and plain values."""

    name: str
    digest: str
    values: dict[str, str]
    fmt: str
    key: str
    dpr: float
    photos: bool
    page: str = ""  # the template's Inkscape page ("": the first)

    @classmethod
    def of(cls, plan: Plan) -> Job:
        return cls(plan.template.name, plan.template.digest, plan.values, plan.fmt, plan.key, plan.dpr,
                   plan.photos, plan.template.page)

    def budget_s(self, renderer: Renderer) -> float:
        """Seconds the render may take before its process is killed: the render budget (and the
        photo fetch, when the card has one) and a grace for the cooperative stop to win."""
        settings = renderer.settings
        return (settings.render_timeout + (settings.image_timeout_s if self.photos else 0.0)
                + KILL_GRACE_S)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What comes back: the card and each stage's milliseconds, or og's error (by class, message
    and details: an exception object does not always survive pickling)."""

    entry: Entry | None
    timings: dict[str, float]
    error: tuple[type[OgError], str, dict[str, object]] | None = None
    #: Milliseconds the render process spent on the job, from receiving it to returning this.
    render_ms: float = 0.0
    #: A vetted template's digest: which bytes of its file the render process loaded.
    digest: str = ""

    def result(self, timings: dict[str, float] | None, started: float | None = None) -> Entry:
        """The card (or og's error, raised). ``started``: ``time.perf_counter()`` when the job was
        sent, to add ``handoff`` to ``timings``: the milliseconds not spent rendering (waiting for
        a free render process, pickling, pipes; ``bench/load.py`` prints it)."""
        if timings is not None:
            timings.update(self.timings)
            if started is not None and self.render_ms:
                timings["handoff"] = max(0.0, (time.perf_counter() - started) * 1000 - self.render_ms)
        if self.error is not None:
            kind, message, details = self.error
            raise kind(message, **details)
        assert self.entry is not None
        return self.entry


class _Process:
    """The renderer of this render process, set when it starts (a pool gives its processes
    nothing else; it is the process's one renderer, not a cache)."""

    renderer: Renderer | None = None


def start_render_process(renderer: Renderer, memory_bytes: int, threads: int = 1) -> None:
    """pebble's initializer, in the new process: the memory limit, a plain SIGTERM (pebble's
    handler is Python and would wait for a native call to return), the parent's objects left out
    of garbage collection, the renderer (without the template linter's log: its parent logs
    that), and ``threads`` to draw and compress a card's rows with (:func:`threads_per_process`).

    The limit is ``memory_bytes`` more address space than the process starts with: what it
    shares with its parent (libraries, fonts, templates) differs from one deploy to the next,
    and a limit below it would make every allocation fail."""
    if memory_bytes > 0:
        limit = address_space_bytes() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # What the parent loaded (fonts, templates, modules) is never scanned by this process's
    # collector: a collection writes to every object it visits, which would copy those shared
    # pages into this process one by one as it renders.
    gc.freeze()
    renderer.pool = None  # the parent's: this process renders itself
    # og check's findings on a template are the parent's to log: it loads every template a render
    # process loads (right after vetting it here), so here they would only be logged twice, and
    # the linter's time added to the first card of every render process.
    renderer.templates.on_load = None
    renderer.tools.workers = Workers(threads)
    _Process.renderer = renderer


def address_space_bytes() -> int:
    """This process's virtual memory size (what ``RLIMIT_AS`` counts), from /proc."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def process_renderer() -> Renderer:
    """The renderer of the render process this runs in."""
    assert _Process.renderer is not None, "runs in a render process started by start_render_process"
    return _Process.renderer


def render_job(job: Job) -> Outcome:
    """Render ``job`` in this render process (pebble's task)."""
    from .render import Plan

    started = time.perf_counter()
    renderer = process_renderer()
    timings: dict[str, float] = {}
    try:
        template = for_page(renderer.templates.get(job.name), job.page or None)
        if template.digest != job.digest:
            raise Overloaded("the template changed while this card was asked for; try again", retry_after=1)
        plan = Plan(template, job.values, t.cast(t.Any, job.fmt), job.key, job.dpr, job.photos)
        entry = renderer.render_here(plan, timings)
        return Outcome(entry, timings, render_ms=(time.perf_counter() - started) * 1000)
    except OgError as error:
        return Outcome(None, timings, (type(error), error.message, dict(error.details)))
    except MemoryError:
        # Past OG_RENDER_MEMORY: a cache may be half-written, so this process ends (pebble starts
        # another) and the caller hears that it stopped (:func:`stopped`).
        os._exit(OUT_OF_MEMORY_EXIT)
    except Exception as error:  # CairoSVG, Jinja or og on this template: its error, logged here
        log.exception("template %s: the render failed", job.name)
        return Outcome(None, timings, (TemplateError, f"template {job.name!r} failed to render: "
                                       f"{type(error).__name__}; run og check on it", {}))


def vet_template(name: str) -> Outcome:
    """Load template ``name`` in this render process (pebble's task): its error, if any, or the
    digest of the bytes it loaded."""
    try:
        template = process_renderer().templates.get(name)
    except OgError as error:
        return Outcome(None, {}, (type(error), error.message, dict(error.details)))
    except MemoryError:
        os._exit(OUT_OF_MEMORY_EXIT)
    return Outcome(None, {}, digest=template.digest)


def load_backend() -> None:
    """Load this render process's raster backend (pebble's task), before its first card needs it."""
    backend = process_renderer().backend
    if isinstance(backend, LazyBackend):
        with contextlib.suppress(Exception):
            backend.load()


def vetted(name: str, outcome: Outcome) -> str:
    """The digest of the bytes a render process loaded as template ``name``; or raise the error
    of that load (a load stopped from outside, past the budget or memory, is the template's too)."""
    if outcome.error is None:
        return outcome.digest
    kind, message, details = outcome.error
    if kind is RenderTimeout:
        raise TemplateError(f"template {name!r}: loading it took longer than a render's budget "
                            "(OG_RENDER_TIMEOUT) or more memory than OG_RENDER_MEMORY; run og check on it")
    raise kind(message, **details)


#: What a job's future raises when the pool, not the job, ended it.
STOPPED = (concurrent.futures.TimeoutError, pebble.ProcessExpired)


def stopped(error: BaseException) -> OgError:
    """What a caller is told when the pool, not the render, ended a job."""
    if isinstance(error, concurrent.futures.TimeoutError):
        return past_budget()
    if isinstance(error, pebble.ProcessExpired):
        why = ("needed more memory than a render may use (OG_RENDER_MEMORY)"
               if error.exitcode == OUT_OF_MEMORY_EXIT else "stopped its render process")
        return RenderTimeout(f"the card {why}; try again later", retry_after=RETRY_AFTER_S)
    return Overloaded("og could not reach a render process; try again in a moment", retry_after=1)


class RenderPool:
    """Render processes of one :class:`~og.render.Renderer`, forked from the process that holds
    it (fonts and templates loaded). ``og build``, ``og render``, the Flask and Django helpers
    use it directly; ``og serve``'s web workers reach one through :mod:`og.web.render_host`."""

    def __init__(self, renderer: Renderer, processes: int = 0, draws: bool = False,
                 threads: int = 0) -> None:
        self.renderer = renderer
        self.processes = processes or default_processes(renderer)
        #: Threads each render process draws with (default: :func:`threads_per_process`).
        self.threads = threads or threads_per_process(self.processes)
        #: The caller asks for pixels: after a template is vetted, a render process loads the
        #: raster backend (cairo) while the caller loads the template itself.
        self.draws = draws
        if draws:
            # numpy, imported once before the render processes fork: they draw with it, and og check
            # reads the template with it here (each importing its own costs ≈ 50 ms more CPU).
            import numpy  # noqa: F401
        self._pool = pebble.ProcessPool(self.processes, initializer=start_render_process,
                                        initargs=(renderer, renderer.settings.render_memory, self.threads),
                                        context=multiprocessing.get_context("fork"))

    def schedule(self, function: t.Callable[..., t.Any], args: tuple[t.Any, ...],
                 timeout_s: float) -> concurrent.futures.Future[t.Any]:
        """Run ``function(*args)`` in a render process; past ``timeout_s`` the process is killed."""
        unbounded = self.renderer.settings.render_timeout <= 0  # OG_RENDER_TIMEOUT=0: no budget
        return t.cast("concurrent.futures.Future[t.Any]",
                      self._pool.schedule(function, args=args, timeout=None if unbounded else timeout_s))

    def submit(self, job: Job) -> concurrent.futures.Future[Outcome]:
        return self.schedule(render_job, (job,), job.budget_s(self.renderer))

    def vet(self, name: str) -> str:
        digest = vetted(name, self.outcome(self.schedule(vet_template, (name,), vet_budget_s(self.renderer))))
        backend = self.renderer.backend
        if self.draws and isinstance(backend, LazyBackend) and not backend.loaded:
            # Not waited for: a failure to load shows in the render that needs the backend.
            self.schedule(load_backend, (), vet_budget_s(self.renderer))
        return digest

    def render(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry:
        """The card of ``plan``, rendered in a render process."""
        started = time.perf_counter()
        return self.outcome(self.submit(Job.of(plan))).result(timings, started)

    @staticmethod
    def outcome(future: concurrent.futures.Future[Outcome]) -> Outcome:
        try:
            return future.result()
        except Exception as error:
            raised = stopped(error)
            return Outcome(None, {}, (type(raised), raised.message, dict(raised.details)))

    def pids(self) -> list[int]:
        """The render processes' ids (for tests and the bench)."""
        return sorted(child.pid for child in multiprocessing.active_children()
                      if child.name == RENDER_PROCESS_NAME and child.pid)

    def close(self) -> None:
        self._pool.stop()  # type: ignore[no-untyped-call]
        self._pool.join()


def pooled(renderer: Renderer) -> Renderer:
    """``renderer``, rendering in a :class:`RenderPool` for the rest of the process (pebble stops
    the render processes at exit): for a site's own server (the Flask and Django helpers)."""
    renderer.pool = RenderPool(renderer)
    return renderer


@contextlib.contextmanager
def isolated(renderer: Renderer, processes: int = 0, draws: bool = False) -> t.Iterator[RenderPool]:
    """``renderer`` renders in a :class:`RenderPool` of its own while the block runs (``draws``:
    see :attr:`RenderPool.draws`)."""
    pool = RenderPool(renderer, processes, draws)
    renderer.pool = pool
    try:
        yield pool
    finally:
        renderer.pool = None
        pool.close()


def vet_budget_s(renderer: Renderer) -> float:
    """Seconds a template's load may take in a render process: a render's budget."""
    return renderer.settings.render_timeout + KILL_GRACE_S


def threads_per_process(processes: int, cores: int | None = None) -> int:
    """Threads a render process draws a card's rows and compresses its bands with: the cores no
    other render process has. A second thread makes a lone card ≈ 1 ms sooner on two free cores
    and costs ≈ 0.8 ms more CPU; where every core has a render process (og serve, og build with a
    worker per core) it would only cost.

    >>> [threads_per_process(processes, cores=2) for processes in (1, 2, 4)]
    [2, 1, 1]
    """
    return max(1, (cores or os.cpu_count() or 1) // max(1, processes))


def default_processes(renderer: Renderer) -> int:
    """One render process per core, at most ``OG_MAX_IN_FLIGHT``: renders are CPU-bound."""
    return max(1, min(renderer.settings.max_in_flight, os.cpu_count() or 1))
