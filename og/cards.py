"""The card service: a :class:`~og.plan.Plan` → its card, an :class:`~og.storage.Entry` (the
encoded bytes, their content type, whether degraded).

A card comes from the storage, or is rendered once however many ask for it at the same time
(single-flight), as one of at most ``OG_MAX_IN_FLIGHT`` renders, within the render budget, in a
render process when one is set (:class:`Isolation`) or else here through :func:`og.stages.run`. A
render that failed fails again at once for a while; a photo that cannot be fetched gives the
placeholder card to a crawler.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
import typing as t

from .config import Settings
from .deadline import Admission
from .deadline import RenderBudget
from .errors import ImageUnavailable
from .errors import RenderTimeout
from .errors import TemplateError
from .errors import TemplateNotFound
from .plan import Plan
from .plan import Planner
from .stages import Tools
from .stages import run
from .storage import Entry
from .storage import SingleFlight
from .storage import storage_from_url
from .template.load import Template
from .template.store import TemplateStore

#: How long a failed render (broken template, past the budget) is answered from memory.
FAILURE_TTL_S = 30.0


class Isolation(t.Protocol):
    """Renders a plan somewhere bounded (a render process) and returns the encoded card."""

    def render(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry: ...

    def vet(self, name: str) -> None:
        """Load template ``name`` there; :class:`TemplateError` if that fails or overruns."""


class CardService:
    """Answers plans with cards; holds the storage of finished cards and what bounds rendering."""

    def __init__(self, settings: Settings, templates: TemplateStore, planner: Planner, tools: Tools) -> None:
        self.templates = templates
        self.planner = planner
        self.tools = tools
        #: Finished cards: in process, then in a shared Redis when ``OG_CACHE_URL`` names one;
        #: identical requests in flight render once.
        self.storage = storage_from_url(settings.cache_url, settings.cache_bytes)
        # Waiters wait as long as a render may take (budget and photo fetch), then render themselves.
        self.flight = SingleFlight(self.storage, wait_seconds=settings.render_timeout
                                   + settings.image_timeout_s + 1, lease_seconds=settings.render_timeout + 1)
        self.budget = RenderBudget(settings.render_timeout)
        self.admission = Admission(settings.max_in_flight, settings.max_queue, settings.render_timeout or 5.0)
        #: How many cards were really drawn (not answered from a cache): for tests and metrics.
        self.renders = 0
        self._count_lock = threading.Lock()
        #: Where renders run when set (:class:`og.pool.RenderPool`, or a web worker's
        #: :class:`og.web.render_host.RenderHost`): its owner sets it, starts and closes it.
        self.pool: Isolation | None = None

    def card(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry:
        """The card: from the storage, or rendered (once, however many ask at the same time)
        with only the stages ``plan.fmt`` needs. ``degraded`` when text had no font.

        A render that fails (a broken template, past its budget) fails again at once for a
        while, so a crawler retrying it costs nothing.

        :param timings: filled with each stage's milliseconds when this call renders (empty
            when the card came from the storage or from another request's render)."""
        failures = self.tools.caches.failures
        failed = failures.get(plan.key)
        if failed is not None and failed[1] > time.monotonic():
            error = failed[0]
            raise type(error)(error.message, **error.details)
        try:
            return self.flight.run(plan.key, lambda: self._render(plan, {} if timings is None else timings))
        except (TemplateError, RenderTimeout) as error:
            failures.put(plan.key, (error, time.monotonic() + FAILURE_TTL_S))
            raise

    def _render(self, plan: Plan, timings: dict[str, float]) -> Entry:
        """Render as one of at most ``OG_MAX_IN_FLIGHT`` at a time: in a render process when
        this service has :attr:`pool` (and the template is one of its store's), else here."""
        with self.admission.admitted():
            with self._count_lock:
                self.renders += 1
            if self.pool is not None and self._in_store(plan.template):
                return self.pool.render(plan, timings)
            return self.render_here(plan, timings)

    def render_here(self, plan: Plan, timings: dict[str, float]) -> Entry:
        """Render in this process, stopped by the cooperative checks past the budget (what a
        render process runs; nothing here can stop a native call that runs long)."""
        with self.budget.running():
            return run(self.tools, plan, self.planner.quality(plan.template), timings)

    def _in_store(self, template: Template) -> bool:
        """Whether a render process finds ``template`` by name (og's error card is not there)."""
        try:
            return self.templates.path_for(template.name) == template.path
        except TemplateNotFound:
            return False

    def fallback_card(self, plan: Plan, error: ImageUnavailable) -> tuple[Plan, Entry]:
        """The card with the placeholder picture where ``error``'s image could not be fetched
        (for a crawler, when the slot's ``og:image-fallback`` is ``placeholder``): degraded,
        so it is cached briefly and the image is tried again soon."""
        values = dict(plan.values)
        for _ in plan.template.typed.images:  # each failing slot falls back, one after the other
            values[str(error.details.get("parameter"))] = ""
            fallback = self.planner.fallback(plan, values)
            try:
                render = functools.partial(self._render_degraded, fallback)
                return fallback, self.flight.run(fallback.key, render)
            except ImageUnavailable as again:
                if again.details.get("fallback") != "placeholder":
                    raise
                error = again
        raise error

    def _render_degraded(self, plan: Plan) -> Entry:
        return dataclasses.replace(self._render(plan, {}), degraded=True)
