"""The stages of a card, each a function from one value to the next (as WeasyPrint's
``layout(document)``)::

    template + values ─fill→ Filled ─lay_out→ LaidOut ─draw→ LaidOut (drawn: its Glyphs)
        ─rasterize→ Raster ─encode→ Entry

:func:`fill` puts the values (and fetched pictures) in a copy of the template's document and says
which elements hold them (:class:`~og.svg.dynamic.Dynamic`); :func:`lay_out` reads the text and lays
it out, resizing the shapes that follow it; :func:`draw` draws the text as glyph paths, fixes the
document for CairoSVG and draws the effects CairoSVG cannot; :func:`rasterize` paints it (over a
cached background where it can); :func:`encode` writes the pixels in the asked format.
:func:`run` is that list for one :class:`~og.plan.Plan`: the format decides where it stops.

What the stages share across requests (fonts, the image source, the raster backend, the caches)
is one :class:`Tools`; between stages, only these values pass: no stage leaves a mark on the tree
for a later one to find.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import threading
import time
import typing as t

from lxml import etree

from .caches import Caches
from .config import Settings
from .deadline import check_deadline
from .draw.elements import Glyphs
from .draw.texts import draw_texts
from .errors import Overloaded
from .errors import RenderTimeout
from .errors import TemplateError
from .fetch import ImageSource
from .formats import CONTENT_TYPES
from .formats import FORMATS
from .plan import Plan
from .raster import glyph_runs
from .raster import static
from .raster.lazy import LazyBackend
from .raster.workers import Workers
from .report import layout_report
from .storage import Entry
from .svg import cairosvg_fixes
from .svg.dynamic import Dynamic
from .svg.follow import follow_texts
from .svg.names import index_path
from .svg.read_text import TextSlot
from .svg.read_text import find_text_slots
from .svg.sanitise import sanitise
from .svg.sanitise import without_marks
from .template import fill as filling
from .template.fill import Filled
from .template.load import Template
from .template.mirror import mirror_report
from .template.typed import fetched_images
from .text.fonts import FontSet
from .text.layout import TextLayout
from .text.layout import layout_text

if t.TYPE_CHECKING:
    import numpy as np

    from .effects.mesh import MeshData
    from .raster import bands
    from .raster.backend import CairoBackend

log = logging.getLogger(__name__)

#: Striped locks that make each background once (see :meth:`Tools.once`).
ONCE_LOCKS = 16


@dataclasses.dataclass
class Tools:
    """What the stages share across requests; the :class:`~og.render.Renderer` makes and owns it."""

    settings: Settings
    fonts: FontSet
    images: ImageSource
    #: CairoSVG (and cairocffi, ≈ 130 ms to import) only once something is drawn: not for JSON.
    backend: CairoBackend | LazyBackend
    caches: Caches
    once_locks: tuple[threading.Lock, ...] = dataclasses.field(
        default_factory=lambda: tuple(threading.Lock() for _ in range(ONCE_LOCKS)))
    #: Threads drawing a card's text rows and compressing its changed bands side by side.
    workers: Workers = dataclasses.field(default_factory=Workers)

    def once(self, key: t.Any) -> threading.Lock:
        """The lock under which a background (or its bands) of ``key`` is made: two renders of
        one template at once make it once, the second finds it cached (keys share
        :data:`ONCE_LOCKS` striped locks, so the locks are few and never grow)."""
        return self.once_locks[hash(key) % len(self.once_locks)]

    def bands(self, background_key: t.Any) -> bands.Bands | None:
        """The cached background's PNG rows, compressed once (None if it is no longer kept)."""
        from .raster import bands  # numpy, as every stage that draws: not for a JSON card
        with self.once(background_key):
            rows = t.cast("bands.Bands | None", self.caches.png_bands.get(background_key))
            if rows is None:
                surface = self.caches.backgrounds.get(background_key)
                if surface is None:
                    return None
                rows = bands.bands_of(surface, self.workers)
                self.caches.png_bands.put(background_key, rows)
            return rows


@dataclasses.dataclass
class LaidOut:
    """A filled template whose text is laid out (and, once :func:`draw` ran, drawn as paths), not
    yet rasterized."""

    template: Template
    values: dict[str, str]
    root: etree._Element
    texts: list[tuple[TextSlot, TextLayout]]
    #: Shapes resized around their text (``og:follow``), as the layout report lists them.
    shapes: list[dict[str, t.Any]] = dataclasses.field(default_factory=list)
    #: The elements that hold a value (what a cached background must not contain).
    dynamic: Dynamic = dataclasses.field(default_factory=Dynamic)
    #: The glyph paths :func:`draw` made (None: not drawn), which the raster backend draws itself.
    glyphs: Glyphs | None = None

    def svg_bytes(self) -> bytes:
        return t.cast(bytes, etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))

    def report(self) -> dict[str, t.Any]:
        template = self.template
        report = layout_report(template.name, template.width, template.height, self.values, self.texts)
        mirrored = mirror_report(template.root, template.mirroring, self.values)
        if mirrored is not None:
            report["mirror"] = mirrored
        if self.shapes:
            report["shapes"] = self.shapes
        return report


@dataclasses.dataclass
class Raster:
    """A card's pixels, as a cairo surface."""

    surface: t.Any
    #: The key of the cached background it was drawn over (None: drawn whole).
    background: t.Any = None
    #: When only these rows of ``surface`` were drawn (glyph runs over a background): the
    #: others are ``base``'s, the background surface itself (see :meth:`whole`).
    rows: tuple[int, int] | None = None
    base: t.Any = None

    def whole(self) -> t.Any:
        """The surface with all its rows: the background's copied in where nothing was drawn."""
        if self.rows is not None:
            from .raster.encode import surface_rows  # numpy, as every stage that draws

            first, end = self.rows
            target, source = surface_rows(self.surface), surface_rows(self.base)
            target[:first] = source[:first]
            target[end:] = source[end:]
            self.surface.mark_dirty()
            self.rows = None
        return self.surface


def fill(tools: Tools, template: Template, values: dict[str, str], *, pictures: bool = True,
         scale: float = 1.0) -> Filled:
    """The template's document with ``values`` in, with its image parameters' pictures fetched
    (at ``scale``) unless ``pictures`` is false (the layout report draws no picture)."""
    fetched = fetched_images(template.typed, values, tools.images.png, scale) if pictures else None
    return filling.fill(template, values, fetched)


def lay_out(tools: Tools, template: Template, values: dict[str, str], filled: Filled) -> LaidOut:
    """Read every text of the filled document and lay it out; resize the shapes that follow one."""
    texts = [(slot, _layout(tools, template, slot)) for slot in find_text_slots(filled.root, template.width)]
    shapes = follow_texts(filled.followers, texts, filled.dynamic)
    return LaidOut(template, values, filled.root, texts, shapes, filled.dynamic)


def _layout(tools: Tools, template: Template, slot: TextSlot) -> TextLayout:
    check_deadline()
    layout = t.cast(TextLayout, tools.caches.layouts.get_or_make(
        slot.block, lambda block: layout_text(block, tools.fonts)))
    if layout.missing:
        log.warning("template %s, text %r: no font for %s", template.name, slot.id,
                    " ".join(layout.missing[:20]))
    return layout


def draw(tools: Tools, laid_out: LaidOut) -> LaidOut:
    """Draw the text as glyph paths, rewrite the document into what CairoSVG draws right and
    draw the effects it cannot (filters, masks, blend modes, meshes) as images."""
    from .effects.elements import apply_effects  # numpy: not for a JSON card
    root, template = laid_out.root, laid_out.template
    glyphs = draw_texts(root, laid_out.texts, tools.fonts.caches, laid_out.dynamic)
    cairosvg_fixes.apply(root)
    apply_effects(root, round(template.width), round(template.height), _Drawing(tools.backend, glyphs),
                  tools.caches.effects, laid_out.dynamic)
    return dataclasses.replace(laid_out, glyphs=glyphs)


class _Drawing:
    """The raster backend as the effects of one card use it: og's glyph paths drawn by og."""

    def __init__(self, backend: CairoBackend | LazyBackend, glyphs: Glyphs) -> None:
        self.backend = backend
        self.glyphs = glyphs

    def pixels(self, svg: bytes) -> np.ndarray:
        return self.backend.pixels(svg, self.glyphs)

    def png(self, rgba: np.ndarray) -> bytes:
        return self.backend.png(rgba)

    def mesh(self, patches: MeshData, width: int, height: int) -> np.ndarray:
        return self.backend.mesh(patches, width, height)


def lay_out_card(tools: Tools, template: Template, values: dict[str, str], *, drawn: bool = True,
                 scale: float = 1.0) -> LaidOut:
    """:func:`fill`, :func:`lay_out` and, when ``drawn``, :func:`draw`: the document of a card."""
    laid_out = lay_out(tools, template, values, fill(tools, template, values, pictures=drawn, scale=scale))
    return draw(tools, laid_out) if drawn else laid_out


def served_svg(laid_out: LaidOut) -> bytes:
    """What a ``.svg`` card answers: the drawn document, sanitised and without og's vocabulary."""
    sanitise(laid_out.root)
    without_marks(laid_out.root)
    return laid_out.svg_bytes()


def rasterize(tools: Tools, drawn: LaidOut, scale: float = 1.0) -> Raster:
    """The drawn document's pixels: what comes before its first value over a background drawn
    once per template (and scale), the rest per request (:mod:`og.raster.static`): as glyph
    runs straight onto the background's rows when that is all the rest is
    (:mod:`og.raster.glyph_runs`), else by CairoSVG."""
    template, root, backend = drawn.template, drawn.root, tools.backend
    try:
        first = static.split_point(root, drawn.dynamic)
        if first is None:
            return Raster(backend.rasterize(drawn.svg_bytes(), scale=scale, glyphs=drawn.glyphs))
        page = f"{template.name}#{template.page}" if template.page else template.name  # one per page
        # What a value hid and what the values chose (direction, palette colours) change the background;
        # so does where it ends (each of those moves it, and a wrong key would show another card's).
        key = (page, template.digest, scale, drawn.dynamic.taken, drawn.dynamic.variant, index_path(first))
        with tools.once(key):
            background = tools.caches.backgrounds.get_or_make(key, lambda _: backend.rasterize(
                static.background(root, first), scale=scale, glyphs=drawn.glyphs))
        foreground = static.foreground_tree(root, first)
        runs = _plain_runs(template, foreground, drawn.glyphs, scale)
        if runs is not None:
            from .raster.bands import BAND_ROWS  # numpy, as every stage that draws

            surface, rows = backend.draw_runs(background, runs, (template.width, template.height), scale,
                                              BAND_ROWS, tools.workers)
            return Raster(surface, key, rows, background)
        return Raster(backend.rasterize(etree.tostring(foreground), background, scale, drawn.glyphs), key)
    except (RenderTimeout, Overloaded, MemoryError):
        raise  # the budget (time, or a render process's memory), not the template
    except Exception as error:  # CairoSVG on a template it cannot draw
        log.exception("template %s: CairoSVG failed", template.name)
        raise TemplateError(f"template {template.name!r} could not be drawn: "
                            f"{type(error).__name__}; run og check on it") from None


def _plain_runs(template: Template, foreground: etree._Element, glyphs: Glyphs | None,
                scale: float) -> list[glyph_runs.Run] | None:
    """The foreground's glyph runs when that is all it paints, at a scale that keeps the card's
    size whole (else CairoSVG's rounding of it would matter)."""
    whole = (template.width * scale).is_integer() and (template.height * scale).is_integer()
    if glyphs is None or not whole:
        return None
    return glyph_runs.plain_runs(foreground, glyphs, template.width, template.height)


def encode(tools: Tools, raster: Raster, fmt: str, quality: int | None, degraded: bool = False) -> Entry:
    """The pixels in ``fmt``; within ``OG_MAX_BYTES`` when set (then perhaps in another format
    the operator allows: the entry says which). A PNG over a cached background compresses only
    the rows the values changed (:mod:`og.raster.bands`)."""
    from .raster import bands  # numpy, as every stage that draws: not for a JSON card
    from .raster import encode as pixels
    from .raster import formats

    budget = tools.settings.max_bytes
    if fmt == "png" and not budget and raster.background is not None:
        rows = tools.bands(raster.background)
        body = (bands.encode_over(raster.surface, rows, tools.caches.png_pieces, raster.background,
                                  raster.rows, tools.workers) if rows is not None else None)
        if body is not None:
            return Entry(body, CONTENT_TYPES["png"], degraded=degraded)
    rgba = pixels.pixels(raster.whole())
    if budget:
        allowed = list(dict.fromkeys([fmt, *(FORMATS[f] for f in tools.settings.image_formats)]))
        encoded = formats.encode_within(rgba, budget, allowed, quality)
        return Entry(encoded.data, encoded.content_type, degraded=degraded)
    return Entry(formats.encode(rgba, fmt, quality), CONTENT_TYPES[fmt], degraded=degraded)


def degraded(tools: Tools, laid_out: LaidOut) -> bool:
    """Whether some text had no font, or a font file could not be read: such a card is
    cached briefly, never for a day."""
    return bool(tools.fonts.unreadable) or any(layout.missing for _, layout in laid_out.texts)


def run(tools: Tools, plan: Plan, quality: int | None, timings: dict[str, float]) -> Entry:
    """The stages ``plan.fmt`` needs, in order (``timings``: each one's milliseconds)."""
    return run_laid_out(tools, plan, quality, timings)[1]


def run_laid_out(tools: Tools, plan: Plan, quality: int | None,
                 timings: dict[str, float]) -> tuple[LaidOut, Entry]:
    """:func:`run`, and the card's laid-out text (its layout report: what ``og build`` writes
    beside each card, from the same layout)."""
    with lap(timings, "layout"):
        laid_out = lay_out_card(tools, plan.template, plan.values, drawn=plan.fmt != "json", scale=plan.dpr)
    if plan.fmt == "json":
        body = json.dumps(laid_out.report(), ensure_ascii=False, indent=1).encode("utf-8")
        return laid_out, Entry(body, CONTENT_TYPES["json"], degraded=degraded(tools, laid_out))
    if plan.fmt == "svg":
        return laid_out, Entry(served_svg(laid_out), CONTENT_TYPES["svg"], degraded=degraded(tools, laid_out))
    with lap(timings, "raster"):
        raster = rasterize(tools, laid_out, plan.dpr)
    with lap(timings, "encode"):
        return laid_out, encode(tools, raster, plan.fmt, quality, degraded(tools, laid_out))


@contextlib.contextmanager
def lap(timings: dict[str, float], stage: str) -> t.Iterator[None]:
    """Add the stage's wall time, in milliseconds, to ``timings`` (``Server-Timing``, metrics)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + (time.perf_counter() - started) * 1000
