"""The whole pipeline, with no web framework: a request (a template's name, its parameters, a
format) → the card's bytes. The web layer, the CLI and the tests all call :func:`render` or a
:class:`Renderer`, a façade over three pieces, each its own job:

* :mod:`og.plan` — validate → key: a request → a :class:`~og.plan.Plan` (values, key, scale);
* :mod:`og.cards` — look up → render: a plan → its card, from the storage or rendered once,
  admitted, within the budget, perhaps in a render process (:class:`~og.cards.CardService`);
* :mod:`og.stages` — the rendering itself, one function per stage: template → fill → read text →
  lay out → draw text → fix for CairoSVG → effects → raster → encode.
"""

from __future__ import annotations

import json
import logging
import threading
import typing as t

from .caches import Caches
from .cards import CardService
from .cards import Isolation as Isolation
from .config import BUNDLED_FONTS
from .config import Settings
from .errors import ImageUnavailable
from .fetch import ImageSource
from .formats import FORMATS
from .formats import RASTER_FORMATS
from .plan import OWN_PARAMS as OWN_PARAMS
from .plan import Plan as Plan
from .plan import Planner
from .raster.lazy import LazyBackend
from .stages import LaidOut as LaidOut
from .stages import Tools
from .stages import lay_out_card
from .storage import Entry
from .storage import Storage
from .template.load import Template
from .template.pages import for_page
from .template.params import checked_values
from .template.store import TemplateStore
from .text.fonts import FontSet

if t.TYPE_CHECKING:
    from .raster.backend import CairoBackend

log = logging.getLogger(__name__)


class Renderer:
    """Holds what outlives a request: templates, fonts, the raster backend and every cache; plans
    with its :attr:`planner`, answers cards with its :attr:`cards`, renders through :mod:`og.stages`
    with its :attr:`tools`."""

    def __init__(self, settings: Settings | None = None, *, templates: TemplateStore | None = None,
                 fonts: FontSet | None = None, backend: CairoBackend | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.fonts = fonts or FontSet.from_folders(self.settings.fonts_dir, BUNDLED_FONTS,
                                                   allow_system=self.settings.allow_system_fonts)
        self.templates = templates or TemplateStore(self.settings.templates_dir, self.settings.max_length,
                                                    on_load=self._log_findings, vet=self._vet)
        unknown = [f for f in self.settings.image_formats if FORMATS.get(f) not in RASTER_FORMATS]
        if unknown:
            raise ValueError(f"OG_IMAGE_FORMATS: {', '.join(unknown)} is not an image format; "
                             f"use: {', '.join(sorted(RASTER_FORMATS))}")
        self.caches = Caches(self.fonts.caches)
        #: Image parameters' pictures: allow-listed, bounded fetches, cached by URL.
        self.images = ImageSource(self.settings, self.caches.images)
        self.tools = Tools(self.settings, self.fonts, self.images, backend or LazyBackend(), self.caches)
        self.planner = Planner(self.settings, self.templates, self.fonts, self.images)
        self.cards = CardService(self.settings, self.templates, self.planner, self.tools)

    # the pieces' state, where callers have always found it

    @property
    def backend(self) -> CairoBackend | LazyBackend:
        """CairoSVG (and cairocffi, ≈ 130 ms to import) only once something is drawn: not for JSON."""
        return self.tools.backend

    @property
    def storage(self) -> Storage:
        """Finished cards (the single flight, admission and budget are :attr:`cards`' own)."""
        return self.cards.storage

    @property
    def renders(self) -> int:
        """How many cards were really drawn (not answered from a cache): for tests and metrics."""
        return self.cards.renders

    @property
    def pool(self) -> Isolation | None:
        """Where renders run when set (:class:`og.pool.RenderPool`, or a web worker's
        :class:`og.web.render_host.RenderHost`): its owner sets it, starts and closes it."""
        return self.cards.pool

    @pool.setter
    def pool(self, pool: Isolation | None) -> None:
        self.cards.pool = pool

    def _vet(self, name: str) -> None:
        """With render processes, a template is loaded in one first (bounded in time and memory):
        a template that is a bomb at load is a template error, never a stuck web worker."""
        if self.pool is not None:
            self.pool.vet(name)

    def _log_findings(self, template: Template) -> None:
        """Tell the operator, once per (re)load, what ``og check`` would tell the designer."""
        from .check import check_file

        try:
            findings = check_file(template.path, self.fonts)
        except Exception:  # the linter is advice: it must never stop a render
            log.exception("template %s: og check failed", template.name)
            return
        for finding in findings:
            if finding.level != "info":
                log.warning("template %s: %s", template.name, finding)

    # validate → key (og.plan)

    def plan(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png",
             dpr: float | str = 1.0, page: str | None = None) -> Plan:
        """Check a request and name its result, without drawing anything (``page``: an Inkscape
        page's label or number, see :mod:`og.template.pages`)."""
        return self.planner.plan(name, params, fmt, dpr, page)

    def plan_template(self, template: Template, params: t.Mapping[str, str], fmt: str,
                      dpr: float | str = 1.0) -> Plan:
        return self.planner.plan_template(template, params, fmt, dpr)

    def key(self, template: Template, values: t.Mapping[str, str], fmt: str, dpr: float = 1.0) -> str:
        """Names one card (see :meth:`og.plan.Planner.key`)."""
        return self.planner.key(template, values, fmt, dpr)

    def version(self, template: Template) -> str:
        """The content version of a template's cards: what ``v=`` in a versioned URL says."""
        return self.planner.version(template)

    def image_url(self, name: str, fmt: str = "png", /, *, base: str = "",
                  secret: str | bytes | t.Sequence[bytes] | None = None, expires: int | None = None,
                  **params: str) -> str:
        """The versioned (and, with a key, signed) URL of a card: see :meth:`og.plan.Planner.image_url`."""
        return self.planner.image_url(name, fmt, base=base, secret=secret, expires=expires, **params)

    # look up → render (og.cards)

    def render(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
        return self.render_plan(self.plan(name, params, fmt))

    def render_plan(self, plan: Plan) -> bytes:
        return self.card(plan).body

    def report(self, plan: Plan) -> dict[str, t.Any]:
        """The layout report of ``plan``'s card as data (what its ``.json`` answers: lines, fonts,
        what was shrunk, cut or missing), from the same storage, admission and budget."""
        asked = plan if plan.fmt == "json" else self.plan_template(plan.template, plan.values, "json")
        return t.cast(dict[str, t.Any], json.loads(self.card(asked).body))

    def card(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry:
        """The card of ``plan``: see :meth:`og.cards.CardService.card`."""
        return self.cards.card(plan, timings)

    def render_here(self, plan: Plan, timings: dict[str, float]) -> Entry:
        """Render in this process within the budget (what a render process runs)."""
        return self.cards.render_here(plan, timings)

    def fallback_card(self, plan: Plan, error: ImageUnavailable) -> tuple[Plan, Entry]:
        """The placeholder card for a crawler: see :meth:`og.cards.CardService.fallback_card`."""
        return self.cards.fallback_card(plan, error)

    # the stages (og.stages)

    def lay_out(self, name: str, params: t.Mapping[str, str], page: str | None = None) -> LaidOut:
        """The filled, laid-out and drawn document of a card, for tests and tools: what ``.svg``
        answers before it is sanitised, drawn outside the budget and the caches of finished cards."""
        template = for_page(self.templates.get(name), page)
        return lay_out_card(self.tools, template, checked_values(template.name, template.params, params))


_default: Renderer | None = None
_default_lock = threading.Lock()


def default_renderer() -> Renderer:
    """The renderer :func:`render` uses, for the current environment: made on first use and
    made again if an ``OG_*`` setting changes (the old one, and its caches, are dropped)."""
    global _default
    settings = Settings.from_env()
    with _default_lock:
        if _default is None or _default.settings != settings:
            _default = Renderer(settings)
        return _default


def image_url(name: str, fmt: str = "png", /, *, base: str = "",
              secret: str | bytes | t.Sequence[bytes] | None = None, expires: int | None = None,
              **params: str) -> str:
    """The versioned (and, with a key, signed) URL of a card: see :meth:`Renderer.image_url`."""
    return default_renderer().image_url(name, fmt, base=base, secret=secret, expires=expires, **params)


def render(name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
    """Render template ``name`` with ``params`` as ``fmt`` (``png``, ``svg`` or ``json``)."""
    return default_renderer().render(name, params, fmt)
