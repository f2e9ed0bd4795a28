"""The whole pipeline, with no web framework. A request goes

    validate → key → look up → render only what the format needs

and rendering is the list of stages in :meth:`Renderer._render_stages`:
template → fill → read text → lay out → draw text → fix for CairoSVG → effects →
raster → encode. The web layer, the CLI and the tests all call :func:`render` or a
:class:`Renderer`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import logging
import math
import threading
import time
import typing as t

from lxml import etree

from . import signing
from .caches import Caches
from .config import BUNDLED_FONTS
from .config import VERSION
from .config import Settings
from .deadline import Admission
from .deadline import RenderBudget
from .deadline import check_deadline
from .draw.elements import layout_elements
from .draw.paint import pin_paint_servers
from .effects.elements import apply_effects
from .errors import BadParameter
from .errors import ImageUnavailable
from .errors import Overloaded
from .errors import RenderTimeout
from .errors import TemplateError
from .errors import TemplateNotFound
from .errors import UnknownFormat
from .fetch import ImageSource
from .formats import CONTENT_TYPES
from .formats import FORMATS
from .formats import RASTER_FORMATS
from .formats import Format
from .raster import bands
from .raster import encode
from .raster import formats
from .raster import static
from .raster.lazy import LazyBackend
from .report import layout_report
from .storage import Entry
from .storage import SingleFlight
from .storage import storage_from_url
from .svg import cairosvg_fixes
from .svg.follow import follow_texts
from .svg.read_text import TextSlot
from .svg.read_text import find_text_slots
from .svg.sanitise import sanitise
from .svg.sanitise import without_marks
from .svg.write_text import replace_with
from .template.fill import fill
from .template.load import Template
from .template.mirror import mirror_report
from .template.pages import for_page
from .template.params import checked_values
from .template.store import TemplateStore
from .template.typed import fetched_images
from .text.fonts import FontSet
from .text.layout import TextLayout
from .text.layout import layout_text

if t.TYPE_CHECKING:
    from .raster.backend import CairoBackend

log = logging.getLogger(__name__)

#: A card's key (and ETag): 128 bits of SHA-256, plenty against collisions, short in headers.
KEY_HEX_DIGITS = 32
#: Query parameters og reads itself (the content version, the pixel ratio, the Inkscape page):
#: never a template's.
OWN_PARAMS = frozenset({"v", "dpr", "page"})
#: How long a failed render (broken template, past the budget) is answered from memory.
FAILURE_TTL_S = 30.0
#: ``v=`` in versioned URLs: 48 bits tell versions of one template apart, and keep URLs short.
VERSION_HEX_DIGITS = 12
#: Striped locks that make each background once (see :meth:`Renderer._once`).
ONCE_LOCKS = 16


@dataclasses.dataclass(frozen=True)
class Plan:
    """A request decided before anything is drawn: what to render, and the key that names the
    result (the cache key and the ETag), made from the inputs alone."""

    template: Template
    values: dict[str, str]
    fmt: Format
    key: str
    dpr: float = 1.0  # device pixels per CSS pixel (raster formats)
    photos: bool = False  # an image parameter is given: its picture may change behind its URL


@dataclasses.dataclass
class LaidOut:
    """A filled template whose text is laid out (and, unless only the report was asked for,
    drawn as paths), not yet rasterized."""

    template: Template
    values: dict[str, str]
    root: etree._Element
    texts: list[tuple[TextSlot, TextLayout]]
    #: Shapes resized around their text (``og:follow``), as the layout report lists them.
    shapes: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)

    def svg_bytes(self) -> bytes:
        return t.cast(bytes, etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))

    def report(self) -> dict[str, t.Any]:
        report = layout_report(self.template.name, self.template.width, self.template.height,
                               self.values, self.texts)
        mirrored = mirror_report(self.template.root, self.values)
        if mirrored is not None:
            report["mirror"] = mirrored
        if self.shapes:
            report["shapes"] = self.shapes
        return report


class Isolation(t.Protocol):
    """Renders a plan somewhere bounded (a render process) and returns the encoded card."""

    def render(self, plan: Plan, timings: dict[str, float] | None = None) -> Entry: ...

    def vet(self, name: str) -> None:
        """Load template ``name`` there; :class:`TemplateError` if that fails or overruns."""


class Renderer:
    """Holds what outlives a request: templates, fonts, the raster backend and every cache."""

    def __init__(self, settings: Settings | None = None, *, templates: TemplateStore | None = None,
                 fonts: FontSet | None = None, backend: CairoBackend | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.fonts = fonts or FontSet.from_folders(self.settings.fonts_dir, BUNDLED_FONTS,
                                                   allow_system=self.settings.allow_system_fonts)
        self.templates = templates or TemplateStore(self.settings.templates_dir, self.settings.max_length,
                                                    on_load=self._log_findings, vet=self._vet)
        #: CairoSVG (and cairocffi, ≈ 130 ms to import) only once something is drawn: not for JSON.
        self.backend: CairoBackend | LazyBackend = backend or LazyBackend()
        self.caches = Caches(self.fonts.caches)
        #: Image parameters' pictures: allow-listed, bounded fetches, cached by URL.
        self.images = ImageSource(self.settings, self.caches.images)
        #: Finished cards: in process, then in a shared Redis when ``OG_CACHE_URL`` names one;
        #: identical requests in flight render once.
        self.storage = storage_from_url(self.settings.cache_url, self.settings.cache_bytes)
        # Waiters wait as long as a render may take (budget and photo fetch), then render themselves.
        self.flight = SingleFlight(self.storage, wait_seconds=self.settings.render_timeout
                                   + self.settings.image_timeout_s + 1,
                                   lease_seconds=self.settings.render_timeout + 1)
        self.budget = RenderBudget(self.settings.render_timeout)
        self.admission = Admission(self.settings.max_in_flight, self.settings.max_queue,
                                   self.settings.render_timeout or 5.0)
        #: How many cards were really drawn (not answered from a cache): for tests and metrics.
        self.renders = 0
        unknown = [f for f in self.settings.image_formats if FORMATS.get(f) not in RASTER_FORMATS]
        if unknown:
            raise ValueError(f"OG_IMAGE_FORMATS: {', '.join(unknown)} is not an image format; "
                             f"use: {', '.join(sorted(RASTER_FORMATS))}")
        self._count_lock = threading.Lock()
        self._once_locks = tuple(threading.Lock() for _ in range(ONCE_LOCKS))
        #: Where renders run when set (:class:`og.pool.RenderPool`, or a web worker's
        #: :class:`og.web.render_host.RenderHost`): its owner sets it, starts and closes it.
        self.pool: Isolation | None = None

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

    # validate → key

    def plan(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png",
             dpr: float | str = 1.0, page: str | None = None) -> Plan:
        """Check a request and name its result, without drawing anything (``page``: an Inkscape
        page's label or number, see :mod:`og.template.pages`)."""
        return self.plan_template(for_page(self.templates.get(name), page), params or {}, fmt, dpr)

    def plan_template(self, template: Template, params: t.Mapping[str, str], fmt: str,
                      dpr: float | str = 1.0) -> Plan:
        known = FORMATS.get(fmt)
        if known is None:
            raise UnknownFormat(f"unknown format {fmt[:16]!r}; use one of: {', '.join(FORMATS)}")
        values = checked_values(template.name, template.params, params)
        photos = False
        for slot in template.typed.images:
            self.images.check(values.get(slot.param, ""), slot.param)
            photos = photos or bool(values.get(slot.param))
        scale = self._dpr(template, dpr) if known in RASTER_FORMATS else 1.0
        key_values = values
        if photos:
            # What a photo URL (or an asset's name) shows may change: such a card is named for
            # the current period of OG_IMAGE_MAX_AGE too, so it is drawn again once that is over.
            period = int(time.time() // max(1.0, self.settings.image_max_age_s))
            key_values = {**values, "og:image-period": str(period)}
        return Plan(template, values, known, self.key(template, key_values, known, scale), scale,
                    photos=photos)

    def _dpr(self, template: Template, dpr: float | str) -> float:
        """``?dpr=``, checked: 1 up to the deploy's and the template's ``og:max-dpr`` (at most 2)."""
        limit = min(self.settings.max_dpr, template.options.max_dpr)
        try:
            value = float(dpr)
        except ValueError:
            value = math.nan
        if not 1.0 <= value <= limit:
            raise BadParameter(f"dpr must be a number from 1 to {limit:g}", parameter="dpr", max=limit)
        # Quarter steps: each scale is its own background and cache entries, so a client cannot
        # make hundreds of them (and 1.3 or 1.33 draw no differently to anyone's eye).
        return max(1.0, math.floor(value * 4) / 4)

    def key(self, template: Template, values: t.Mapping[str, str], fmt: str, dpr: float = 1.0) -> str:
        """Names one card: template content, fonts, values, format, scale, how images are
        encoded, and og's version."""
        digest = hashlib.sha256()
        encoding = (self.settings.max_bytes, self.settings.image_formats, self._quality(template))
        for part in (VERSION, template.name, template.digest, self.fonts.fingerprint, fmt, dpr, encoding,
                     *([template.page] if template.page else [])):
            digest.update(str(part).encode() + b"\0")
        digest.update(json.dumps(sorted(values.items()), ensure_ascii=False).encode())
        return digest.hexdigest()[:KEY_HEX_DIGITS]

    def version(self, template: Template) -> str:
        """The content version of a template's cards: what ``v=`` in a versioned URL says. It
        changes with the template, the fonts and og, so platforms that cache by URL refresh."""
        digest = hashlib.sha256(f"{VERSION}\0{template.digest}\0{self.fonts.fingerprint}".encode())
        return digest.hexdigest()[:VERSION_HEX_DIGITS]

    def _quality(self, template: Template) -> int | None:
        return template.options.quality or self.settings.quality

    def image_url(self, name: str, fmt: str = "png", /, *, base: str = "",
                  secret: str | bytes | t.Sequence[bytes] | None = None, expires: int | None = None,
                  **params: str) -> str:
        """The URL of a card with ``v=`` (its content version, so platforms that cache by URL
        refresh when the template or fonts change), signed with ``secret`` or ``OG_SECRET``.
        A template this renderer does not have gets a URL without ``v=``."""
        try:
            params = {"v": self.version(self.templates.get(name)), **params}
        except TemplateNotFound:
            pass
        keys = self.settings.secret or () if secret is None else secret
        return signing.image_url(name, fmt, base=base, secret=keys, expires=expires, **params)

    # look up → render

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
        """The card: from the storage, or rendered (once, however many ask at the same time)
        with only the stages ``plan.fmt`` needs. ``degraded`` when text had no font.

        A render that fails (a broken template, past its budget) fails again at once for a
        while, so a crawler retrying it costs nothing.

        :param timings: filled with each stage's milliseconds when this call renders (empty
            when the card came from the storage or from another request's render)."""
        failed = self.caches.failures.get(plan.key)
        if failed is not None and failed[1] > time.monotonic():
            error = failed[0]
            raise type(error)(error.message, **error.details)
        try:
            return self.flight.run(plan.key, lambda: self._render(plan, {} if timings is None else timings))
        except (TemplateError, RenderTimeout) as error:
            self.caches.failures.put(plan.key, (error, time.monotonic() + FAILURE_TTL_S))
            raise

    def _render(self, plan: Plan, timings: dict[str, float]) -> Entry:
        """Render as one of at most ``OG_MAX_IN_FLIGHT`` at a time: in a render process when
        this renderer has :attr:`pool` (and the template is one of its store's), else here."""
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
            return self._render_stages(plan, timings)

    def _in_store(self, template: Template) -> bool:
        """Whether a render process finds ``template`` by name (og's error card is not there)."""
        try:
            return self.templates.path_for(template.name) == template.path
        except TemplateNotFound:
            return False

    def _render_stages(self, plan: Plan, timings: dict[str, float]) -> Entry:
        with _lap(timings, "layout"):
            laid_out = self._lay_out(plan.template, plan.values, draw=plan.fmt != "json", scale=plan.dpr)
        if plan.fmt == "json":
            body = json.dumps(laid_out.report(), ensure_ascii=False, indent=1).encode("utf-8")
        elif plan.fmt == "svg":
            sanitise(laid_out.root)
            without_marks(laid_out.root)
            body = laid_out.svg_bytes()
        else:
            with _lap(timings, "raster"):
                surface, background = self._rasterize(laid_out, plan.dpr)
            with _lap(timings, "encode"):
                return self._encode(plan, surface, background, laid_out)
        return Entry(body, CONTENT_TYPES[plan.fmt], degraded=self._degraded(laid_out))

    def _degraded(self, laid_out: LaidOut) -> bool:
        """Whether some text had no font, or a font file could not be read: such a card is
        cached briefly, never for a day."""
        return bool(self.fonts.unreadable) or any(layout.missing for _, layout in laid_out.texts)

    def _encode(self, plan: Plan, surface: t.Any, background: t.Any, laid_out: LaidOut) -> Entry:
        """The pixels in the asked format; within ``OG_MAX_BYTES`` when set (then perhaps in
        another format the operator allows: the entry says which). A PNG over a cached
        background compresses only the rows the values changed (:mod:`og.raster.bands`)."""
        quality = self._quality(plan.template)
        budget = self.settings.max_bytes
        if plan.fmt == "png" and not budget and background is not None:
            rows = self._bands(background)
            body = (bands.encode_over(surface, rows, self.caches.png_pieces, background)
                    if rows is not None else None)
            if body is not None:
                return Entry(body, CONTENT_TYPES["png"], degraded=self._degraded(laid_out))
        rgba = encode.pixels(surface)
        if budget:
            allowed = list(dict.fromkeys([plan.fmt, *(FORMATS[f] for f in self.settings.image_formats)]))
            encoded = formats.encode_within(rgba, budget, allowed, quality)
            return Entry(encoded.data, encoded.content_type, degraded=self._degraded(laid_out))
        body = formats.encode(rgba, plan.fmt, quality)
        return Entry(body, CONTENT_TYPES[plan.fmt], degraded=self._degraded(laid_out))

    def fallback_card(self, plan: Plan, error: ImageUnavailable) -> tuple[Plan, Entry]:
        """The card with the placeholder picture where ``error``'s image could not be fetched
        (for a crawler, when the slot's ``og:image-fallback`` is ``placeholder``): degraded,
        so it is cached briefly and the image is tried again soon."""
        values = dict(plan.values)
        for _ in plan.template.typed.images:  # each failing slot falls back, one after the other
            values[str(error.details.get("parameter"))] = ""
            fallback = Plan(plan.template, dict(values), plan.fmt,
                            self.key(plan.template, {**values, "og:fallback": "1"}, plan.fmt, plan.dpr),
                            plan.dpr)
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

    def lay_out(self, name: str, params: t.Mapping[str, str], page: str | None = None) -> LaidOut:
        """The filled, laid-out and drawn document of a card, for tests and tools: what ``.svg``
        answers before it is sanitised, drawn outside the budget and the caches of finished cards."""
        template = for_page(self.templates.get(name), page)
        return self._lay_out(template, checked_values(template.name, template.params, params), draw=True)

    # the stages

    def _lay_out(self, template: Template, values: dict[str, str], *, draw: bool,
                 scale: float = 1.0) -> LaidOut:
        pictures = fetched_images(template.typed, values, self.images.png, scale) if draw else None
        root = fill(template, values, pictures)
        texts = [(slot, self._layout(template, slot)) for slot in find_text_slots(root, template.width)]
        laid_out = LaidOut(template, values, root, texts, follow_texts(root, texts))
        if draw:
            self._draw_text(laid_out)
            cairosvg_fixes.apply(root)
            apply_effects(root, round(template.width), round(template.height), self.backend,
                          self.caches.effects)
        return laid_out

    def _layout(self, template: Template, slot: TextSlot) -> TextLayout:
        check_deadline()
        layout = t.cast(TextLayout, self.caches.layouts.get_or_make(
            slot.block, lambda block: layout_text(block, self.fonts)))
        if layout.missing:
            log.warning("template %s, text %r: no font for %s", template.name, slot.id,
                        " ".join(layout.missing[:20]))
        return layout

    def _draw_text(self, laid_out: LaidOut) -> None:
        for number, (slot, layout) in enumerate(laid_out.texts):
            group = replace_with(slot, layout_elements(layout, self.fonts.caches, slot.paint))
            pin_paint_servers(laid_out.root, group, layout, f"og-text{number}")

    def _bands(self, background_key: t.Any) -> bands.Bands | None:
        """The cached background's PNG rows, compressed once (None if it is no longer kept)."""
        with self._once(background_key):
            rows = t.cast("bands.Bands | None", self.caches.png_bands.get(background_key))
            if rows is None:
                surface = self.caches.backgrounds.get(background_key)
                if surface is None:
                    return None
                rows = bands.bands_of(surface)
                self.caches.png_bands.put(background_key, rows)
            return rows

    def _once(self, key: t.Any) -> threading.Lock:
        """The lock under which a background (or its bands) of ``key`` is made: two renders of
        one template at once make it once, the second finds it cached (keys share
        :data:`ONCE_LOCKS` striped locks, so the locks are few and never grow)."""
        return self._once_locks[hash(key) % len(self._once_locks)]

    def _rasterize(self, laid_out: LaidOut, scale: float = 1.0) -> tuple[t.Any, t.Any]:
        """The drawn document's surface, and the key of the cached background it was drawn
        on (None when the card could not be split)."""
        template, root = laid_out.template, laid_out.root
        try:
            first = static.split_point(root)
            if first is None:
                return self.backend.rasterize(laid_out.svg_bytes(), scale=scale), None
            page = f"{template.name}#{template.page}" if template.page else template.name  # one per page
            key = (page, template.digest, scale)
            with self._once(key):
                background = self.caches.backgrounds.get_or_make(
                    key, lambda _: self.backend.rasterize(static.background(root, first), scale=scale))
            return self.backend.rasterize(static.foreground(root, first), background, scale), key
        except (RenderTimeout, Overloaded, MemoryError):
            raise  # the budget (time, or a render process's memory), not the template
        except Exception as error:  # CairoSVG on a template it cannot draw
            log.exception("template %s: CairoSVG failed", template.name)
            raise TemplateError(f"template {template.name!r} could not be drawn: "
                                f"{type(error).__name__}; run og check on it") from None


@contextlib.contextmanager
def _lap(timings: dict[str, float], stage: str) -> t.Iterator[None]:
    """Add the stage's wall time, in milliseconds, to ``timings`` (``Server-Timing``, metrics)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + (time.perf_counter() - started) * 1000


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
