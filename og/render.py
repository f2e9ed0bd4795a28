"""The whole pipeline, with no web framework. A request goes

    validate → key → look up → render only what the format needs

and rendering is the list of stages in :meth:`Renderer.render_plan`:
template → fill → read text → lay out → draw text → fix for CairoSVG → effects →
raster → encode. The web layer, the CLI and the tests all call :func:`render` or a
:class:`Renderer`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import logging
import threading
import typing as t

from lxml import etree

from .caches import Caches
from .config import BUNDLED_FONTS
from .config import VERSION
from .config import Settings
from .draw.elements import layout_elements
from .draw.paint import pin_paint_servers
from .effects.elements import apply_effects
from .errors import ImageUnavailable
from .errors import TemplateError
from .errors import UnknownFormat
from .fetch import ImageSource
from .raster import encode
from .raster import static
from .raster.backend import CairoBackend
from .report import layout_report
from .storage import Entry
from .storage import SingleFlight
from .storage import storage_from_url
from .svg import cairosvg_fixes
from .svg.read_text import TextSlot
from .svg.read_text import find_text_slots
from .svg.write_text import replace_with
from .template.fill import fill
from .template.load import Template
from .template.params import checked_values
from .template.store import TemplateStore
from .template.typed import fetched_images
from .text.fonts import FontSet
from .text.layout import TextLayout
from .text.layout import layout_text

log = logging.getLogger(__name__)

Format = t.Literal["png", "svg", "json"]
#: A card's key (and ETag): 128 bits of SHA-256, plenty against collisions, short in headers.
KEY_HEX_DIGITS = 32
CONTENT_TYPES: dict[str, str] = {"png": "image/png", "svg": "image/svg+xml", "json": "application/json"}


@dataclasses.dataclass(frozen=True)
class Plan:
    """A request decided before anything is drawn: what to render, and the key that names the
    result (the cache key and the ETag), made from the inputs alone."""

    template: Template
    values: dict[str, str]
    fmt: Format
    key: str


@dataclasses.dataclass
class LaidOut:
    """A filled template whose text is laid out (and, unless only the report was asked for,
    drawn as paths), not yet rasterized."""

    template: Template
    values: dict[str, str]
    root: etree._Element
    texts: list[tuple[TextSlot, TextLayout]]

    def svg_bytes(self) -> bytes:
        return t.cast(bytes, etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))

    def report(self) -> dict[str, t.Any]:
        return layout_report(self.template.name, self.template.width, self.template.height,
                             self.values, self.texts)


class Renderer:
    """Holds what outlives a request: templates, fonts, the raster backend and every cache."""

    def __init__(self, settings: Settings | None = None, *, templates: TemplateStore | None = None,
                 fonts: FontSet | None = None, backend: CairoBackend | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.fonts = fonts or FontSet.from_folders(self.settings.fonts_dir, BUNDLED_FONTS,
                                                   allow_system=self.settings.allow_system_fonts)
        self.templates = templates or TemplateStore(self.settings.templates_dir, self.settings.max_length,
                                                    on_load=self._log_findings)
        self.backend = backend or CairoBackend()
        self.caches = Caches(self.fonts.caches)
        #: Image parameters' pictures: allow-listed, bounded fetches, cached by URL.
        self.images = ImageSource(self.settings, self.caches.images)
        #: Finished cards: in process, then in a shared Redis when ``OG_CACHE_URL`` names one;
        #: identical requests in flight render once.
        self.storage = storage_from_url(self.settings.cache_url, self.settings.cache_bytes)
        self.flight = SingleFlight(self.storage)
        #: How many cards were really drawn (not answered from a cache): for tests and metrics.
        self.renders = 0
        self._count_lock = threading.Lock()

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

    def plan(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> Plan:
        """Check a request and name its result, without drawing anything."""
        return self.plan_template(self.templates.get(name), params or {}, fmt)

    def plan_template(self, template: Template, params: t.Mapping[str, str], fmt: str) -> Plan:
        if fmt not in CONTENT_TYPES:
            raise UnknownFormat(f"unknown format {fmt[:16]!r}; use one of: {', '.join(CONTENT_TYPES)}")
        values = checked_values(template.name, template.params, params)
        for slot in template.typed.images:
            self.images.check(values.get(slot.param, ""), slot.param)
        return Plan(template, values, t.cast(Format, fmt), self.key(template, values, fmt))

    def key(self, template: Template, values: t.Mapping[str, str], fmt: str) -> str:
        """Names one card: template content, fonts, values, format and og's version."""
        digest = hashlib.sha256()
        for part in (VERSION, template.name, template.digest, self.fonts.fingerprint, fmt):
            digest.update(part.encode() + b"\0")
        digest.update(json.dumps(sorted(values.items()), ensure_ascii=False).encode())
        return digest.hexdigest()[:KEY_HEX_DIGITS]

    # look up → render

    def render(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
        return self.render_plan(self.plan(name, params, fmt))

    def render_plan(self, plan: Plan) -> bytes:
        return self.card(plan).body

    def card(self, plan: Plan) -> Entry:
        """The card: from the storage, or rendered (once, however many ask at the same time)
        with only the stages ``plan.fmt`` needs. ``degraded`` when text had no font."""
        return self.flight.run(plan.key, lambda: self._render(plan))

    def _render(self, plan: Plan) -> Entry:
        with self._count_lock:
            self.renders += 1
        laid_out = self._lay_out(plan.template, plan.values, draw=plan.fmt != "json")
        if plan.fmt == "json":
            body = json.dumps(laid_out.report(), ensure_ascii=False, indent=1).encode("utf-8")
        elif plan.fmt == "svg":
            body = laid_out.svg_bytes()
        else:
            body = encode.encode_png(encode.pixels(self._rasterize(laid_out)))
        degraded = any(layout.missing for _, layout in laid_out.texts)
        return Entry(body, CONTENT_TYPES[plan.fmt], degraded=degraded)

    def fallback_card(self, plan: Plan, error: ImageUnavailable) -> tuple[Plan, Entry]:
        """The card with the placeholder picture where ``error``'s image could not be fetched
        (for a crawler, when the slot's ``og:image-fallback`` is ``placeholder``): degraded,
        so it is cached briefly and the image is tried again soon."""
        values = dict(plan.values)
        for _ in plan.template.typed.images:  # each failing slot falls back, one after the other
            values[str(error.details.get("parameter"))] = ""
            fallback = Plan(plan.template, dict(values), plan.fmt,
                            self.key(plan.template, {**values, "og:fallback": "1"}, plan.fmt))
            try:
                render = functools.partial(self._render_degraded, fallback)
                return fallback, self.flight.run(fallback.key, render)
            except ImageUnavailable as again:
                if again.details.get("fallback") != "placeholder":
                    raise
                error = again
        raise error

    def _render_degraded(self, plan: Plan) -> Entry:
        return dataclasses.replace(self._render(plan), degraded=True)

    def lay_out(self, name: str, params: t.Mapping[str, str]) -> LaidOut:
        """The filled, laid-out and drawn document of a card (what ``.svg`` answers)."""
        template = self.templates.get(name)
        return self._lay_out(template, checked_values(template.name, template.params, params), draw=True)

    # the stages

    def _lay_out(self, template: Template, values: dict[str, str], *, draw: bool) -> LaidOut:
        pictures = fetched_images(template.typed, values, self.images.png) if draw else None
        root = fill(template, values, pictures)
        texts = [(slot, self._layout(template, slot)) for slot in find_text_slots(root, template.width)]
        laid_out = LaidOut(template, values, root, texts)
        if draw:
            self._draw_text(laid_out)
            cairosvg_fixes.apply(root)
            apply_effects(root, round(template.width), round(template.height), self.backend,
                          self.caches.effects)
        return laid_out

    def _layout(self, template: Template, slot: TextSlot) -> TextLayout:
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

    def _rasterize(self, laid_out: LaidOut) -> t.Any:
        """Pixels of the drawn document; the static background comes from the cache."""
        template, root = laid_out.template, laid_out.root
        try:
            first = static.split_point(root)
            if first is None:
                return self.backend.rasterize(laid_out.svg_bytes())
            background = self.caches.backgrounds.get_or_make(
                (template.name, template.digest),
                lambda _: self.backend.rasterize(static.background(root, first)))
            return self.backend.rasterize(static.foreground(root, first), background)
        except Exception as error:  # CairoSVG on a template it cannot draw
            log.exception("template %s: CairoSVG failed", template.name)
            raise TemplateError(f"template {template.name!r} could not be drawn: "
                                f"{type(error).__name__}; run og check on it") from None


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


def render(name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
    """Render template ``name`` with ``params`` as ``fmt`` (``png``, ``svg`` or ``json``)."""
    return default_renderer().render(name, params, fmt)
