"""SVG → pixels: CairoSVG behind one object. The only module that imports CairoSVG.

CairoSVG parses path data with a regular expression per number, which makes a card's
glyph outlines (thousands of points) its slowest part. og's glyph paths are written in a
plain syntax (one command letter, then numbers, all separated by spaces), and the draw stage
hands their path data to this module (:class:`~og.draw.elements.Glyphs`), which registers a
drawer for ``<path>`` that reads those with ``str.split`` and leaves every other path to
CairoSVG. Fill, stroke, gradients and opacity are still CairoSVG's.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import math
import typing as t
import urllib.parse

import cairocffi
import cairosvg.colors
import cairosvg.parser
import cairosvg.surface
import numpy as np

from ..caches import MB
from ..caches import BoundedCache
from ..deadline import check_deadline
from ..draw.elements import Glyphs
from ..effects.mesh import MeshData
from . import encode
from .glyph_runs import Run
from .workers import Workers

DPI = 96
#: cairo's fill rule by whether a run is filled even-odd.
FILL_RULES = {False: cairocffi.FILL_RULE_WINDING, True: cairocffi.FILL_RULE_EVEN_ODD}
#: CairoSVG releases whose internals the backend was checked against (see ``check_cairosvg``).
SUPPORTED_CAIROSVG = ("2.9.",)


def draw_plain_path(context: t.Any, data: str) -> None:
    """Build og's path syntax on a cairo context: ``M L Q C Z`` and their relative forms,
    every letter and number separated by a space."""
    tokens = data.split()
    count = len(tokens)
    i = 0
    x = y = start_x = start_y = 0.0
    while i < count:
        op = tokens[i]
        relative = op.islower()
        ox, oy = (x, y) if relative else (0.0, 0.0)
        kind = op.upper()
        if kind == "Z":
            context.close_path()
            x, y = start_x, start_y
            i += 1
        elif kind in ("M", "L"):
            x, y = ox + float(tokens[i + 1]), oy + float(tokens[i + 2])
            if kind == "M":
                context.move_to(x, y)
                start_x, start_y = x, y
            else:
                context.line_to(x, y)
            i += 3
        elif kind == "Q":
            qx, qy = ox + float(tokens[i + 1]), oy + float(tokens[i + 2])
            ex, ey = ox + float(tokens[i + 3]), oy + float(tokens[i + 4])
            context.curve_to(x + 2 / 3 * (qx - x), y + 2 / 3 * (qy - y),
                             ex + 2 / 3 * (qx - ex), ey + 2 / 3 * (qy - ey), ex, ey)
            x, y = ex, ey
            i += 5
        elif kind == "C":
            c1x, c1y = ox + float(tokens[i + 1]), oy + float(tokens[i + 2])
            c2x, c2y = ox + float(tokens[i + 3]), oy + float(tokens[i + 4])
            x, y = ox + float(tokens[i + 5]), oy + float(tokens[i + 6])
            context.curve_to(c1x, c1y, c2x, c2y, x, y)
            i += 7
        else:
            raise ValueError(f"not og path syntax: {op!r}")


class _PathRecorder:
    """Takes :func:`draw_plain_path`'s calls and keeps them as cairo path data (16-byte
    records: a header of type and length, then that many points), to append in one call."""

    def __init__(self) -> None:
        self.records: list[tuple[float, float]] = []
        self.headers: list[tuple[int, int, int]] = []  # (record index, type, length)
        self.top = self.bottom = 0.0  # the points' extent down the page (the first point is 0, 0)

    def _add(self, kind: int, *points: float) -> None:
        self.headers.append((len(self.records), kind, 1 + len(points) // 2))
        self.records.append((0.0, 0.0))
        self.records.extend(zip(points[::2], points[1::2], strict=True))
        if points:
            ys = points[1::2]
            self.top, self.bottom = min(self.top, *ys), max(self.bottom, *ys)

    def move_to(self, x: float, y: float) -> None:
        self._add(0, x, y)

    def line_to(self, x: float, y: float) -> None:
        self._add(1, x, y)

    def curve_to(self, *points: float) -> None:
        self._add(2, *points)

    def close_path(self) -> None:
        self._add(3)

    def compile(self) -> GlyphPath:
        data = np.array(self.records or [(0.0, 0.0)], dtype=np.float64)
        headers = data.view(np.int32).reshape(len(data), 4)
        for index, kind, length in self.headers:
            headers[index, :2] = (kind, length)
        path = cairocffi.ffi.new("cairo_path_t *")
        path.status = 0
        path.data = cairocffi.ffi.cast("cairo_path_data_t *", cairocffi.ffi.from_buffer(data))
        path.num_data = len(self.records)
        return GlyphPath(data, path, self.top, self.bottom)


@dataclasses.dataclass(frozen=True)
class GlyphPath:
    """One glyph's outline as cairo path data, from its first point; ``path`` points into ``data``."""

    data: np.ndarray
    path: t.Any
    #: How far above and below its first point the outline's points reach (its ink lies within:
    #: a curve stays inside its control points).
    top: float = 0.0
    bottom: float = 0.0

    @classmethod
    def of(cls, relative: str) -> GlyphPath:
        recorder = _PathRecorder()
        draw_plain_path(recorder, "M 0 0 " + relative)
        return recorder.compile()


#: A glyph of a run at its place: its first point's x and y, and its outline.
Placed = tuple[float, float, GlyphPath]


def placed_glyphs(data: str, paths: BoundedCache[str, GlyphPath]) -> list[Placed]:
    """The glyphs of og's glyph path (``M x y <outline> M x y <outline> …``, each outline
    relative to its first point and shared by every use of the glyph), each outline built once."""
    placed = []
    for piece in data.split("M "):
        if piece:
            x, y, relative = (piece.rstrip() + " ").split(" ", 2)
            placed.append((float(x), float(y), paths.get_or_make(relative.rstrip(), GlyphPath.of)))
    return placed


def append_glyphs(context: t.Any, glyphs: t.Iterable[Placed]) -> None:
    """Add the glyphs to the context's path: each outline appended in one call at its place,
    instead of one call per segment."""
    pointer = context._pointer
    matrix = context.get_matrix()
    try:
        for x, y, glyph in glyphs:
            cairocffi.cairo.cairo_translate(pointer, x, y)
            cairocffi.cairo.cairo_append_path(pointer, glyph.path)
            context.set_matrix(matrix)
    finally:
        context.set_matrix(matrix)


def draw_glyph_run(context: t.Any, data: str, paths: BoundedCache[str, GlyphPath]) -> None:
    """og's glyph path on a cairo context (see :func:`placed_glyphs`)."""
    append_glyphs(context, placed_glyphs(data, paths))


#: A glyph run's glyphs as :meth:`CairoBackend.draw_runs` places them: each glyph's first point,
#: outline, and the rows (device pixels) its points reach from top to bottom.
PlacedRun = list[tuple[float, float, GlyphPath, float, float]]


@dataclasses.dataclass(frozen=True)
class _Frame:
    """A card's rows and the glyph runs drawn on them, a band of rows at a time: each band a cairo
    surface of its own over the same pixels, with the matrix CairoSVG would draw them with."""

    data: np.ndarray  # (height, stride) bytes of the card
    width: int
    size: tuple[float, float]  # the document's width and height, which its viewBox equals
    scale: float
    runs: list[tuple[Run, PlacedRun]]

    def context(self, top: int, bottom: int) -> t.Any:
        """A context drawing rows ``top`` to ``bottom`` of the card."""
        stride = self.data.shape[1]
        context = cairocffi.Context(cairocffi.ImageSurface(
            cairocffi.FORMAT_ARGB32, self.width, bottom - top, self.data[top:bottom], stride))
        context.translate(0, -top)  # whole pixels: each point lands where it does on the card
        # The matrix CairoSVG sets for a root whose viewBox is its size (Surface.set_context_size),
        # computed as it does, so that every point lands on the same device coordinates.
        (user_width, user_height), scale = self.size, self.scale
        factor = min(user_width * scale / user_width, user_height * scale / user_height)
        context.scale(factor, factor)
        context.translate((user_width * scale / factor - user_width) / 2,
                          (user_height * scale / factor - user_height) / 2)
        return context

    def added(self, context: t.Any, top: int, bottom: int) -> t.Iterator[Run]:
        """Each run's glyphs that reach those rows added to the context's path, a run at a time."""
        for run, glyphs in self.runs:
            here = [(x, y, glyph) for x, y, glyph, above, below in glyphs
                    if below >= top - 1 and above <= bottom + 1]
            if here:
                append_glyphs(context, here)
                yield run

    def draw(self, top: int, bottom: int) -> None:
        """Fill the runs on rows ``top`` to ``bottom``."""
        context = self.context(top, bottom)
        for run in self.added(context, top, bottom):
            _fill(context, run)

    def paths(self, top: int, bottom: int) -> tuple[t.Any, list[tuple[Run, t.Any]]]:
        """A context for rows ``top`` to ``bottom`` and each run's path on it, built but not filled."""
        context = self.context(top, bottom)
        paths = []
        for run in self.added(context, top, bottom):
            path = cairocffi.ffi.gc(cairocffi.cairo.cairo_copy_path(context._pointer),
                                    cairocffi.cairo.cairo_path_destroy)
            if path.status:
                raise MemoryError("cairo could not copy a glyph run's path")
            paths.append((run, path))
            context.new_path()
        return context, paths

    @staticmethod
    def fill_paths(context: t.Any, paths: list[tuple[Run, t.Any]]) -> None:
        for run, path in paths:
            cairocffi.cairo.cairo_append_path(context._pointer, path)
            _fill(context, run)


def _fill(context: t.Any, run: Run) -> None:
    """Fill the context's path as CairoSVG fills a path of the run's paint."""
    context.set_source_rgba(*cairosvg.colors.color(run.fill, run.opacity))
    context.set_fill_rule(FILL_RULES[run.even_odd])
    context.fill()


def _data_only(url: str, resource_type: str) -> bytes:
    """Templates may embed images as data: URIs; og never fetches files or the network."""
    if not url.startswith("data:") or "," not in url:
        raise ValueError(f"external resource not allowed: {url[:80]}")
    header, _, payload = url[5:].partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload)
    return urllib.parse.unquote_to_bytes(payload)


def check_cairosvg() -> list[str]:
    """What the backend relies on in CairoSVG and no longer finds: empty when all is there.

    og draws its glyph paths through ``cairosvg.surface.TAGS["path"]`` and starts a surface
    from a cached background through ``Surface._create_surface``; an upgrade that renames
    either would silently lose the speed-up or the background, so the backend refuses it.
    """
    problems = []
    if not cairosvg.__version__.startswith(SUPPORTED_CAIROSVG):
        problems.append(f"CairoSVG {cairosvg.__version__} is not one of {SUPPORTED_CAIROSVG}")
    tags = getattr(cairosvg.surface, "TAGS", None)
    if not isinstance(tags, dict) or "path" not in tags:
        problems.append("cairosvg.surface.TAGS['path'] (the per-tag drawer table) is gone")
    if not callable(getattr(cairosvg.surface.Surface, "_create_surface", None)):
        problems.append("cairosvg.surface.Surface._create_surface is gone")
    return problems


class CairoBackend:
    """CairoSVG with og's two additions, installed when the backend is made, not at import:

    * a drawer for og's glyph paths (the :class:`~og.draw.elements.Glyphs` a render passes) that
      reads them with ``str.split``; every other path still goes to CairoSVG's own drawer, so
      nothing else changes;
    * a surface that starts as a copy of an already drawn background.
    """

    def __init__(self) -> None:
        #: Glyph outlines as cairo path data, by their og path text (shared by every size and
        #: place a glyph is drawn at that scale).
        self.glyph_paths: BoundedCache[str, GlyphPath] = BoundedCache(
            "cairo_glyph_paths", 16 * MB, "a glyph's outline is parsed once, then appended in one call",
            lambda glyph: int(glyph.data.nbytes) + 200)
        problems = check_cairosvg()
        if problems:
            raise RuntimeError("og's CairoSVG backend cannot work with this CairoSVG: " + "; ".join(problems))
        tags = cairosvg.surface.TAGS
        original = tags["path"]
        if not getattr(original, "og_glyph_drawer", False):
            tags["path"] = _glyph_drawer(original)

    def rasterize(self, svg: bytes, background: t.Any | None = None, scale: float = 1.0,
                  glyphs: Glyphs | None = None) -> t.Any:
        """Draw ``svg`` into a cairo ARGB32 image surface and return the surface.

        :param background: a surface drawn earlier (see :mod:`og.raster.static`), at the same
            scale: the new surface starts as a copy of it, so only ``svg`` is drawn.
        :param scale: device pixels per SVG pixel (``?dpr=2`` draws the same vectors at 2x).
        :param glyphs: og's glyph paths in ``svg``, drawn by og (without: all by CairoSVG).
        """
        tree = cairosvg.parser.Tree(bytestring=svg, url_fetcher=_data_only, unsafe=False)
        if background is None:
            return _Surface(tree, self.glyph_paths, glyphs, scale=scale).cairo
        return _OnBackground(tree, self.glyph_paths, glyphs, background, scale).cairo

    def draw_runs(self, background: t.Any, runs: t.Sequence[Run], size: tuple[float, float],
                  scale: float = 1.0, align: int = 1,
                  workers: Workers | None = None) -> tuple[t.Any, tuple[int, int]]:
        """Glyph runs filled in plain colours over ``background`` (a surface this backend drew
        at ``scale``), the pixels CairoSVG would draw for them (:mod:`og.raster.glyph_runs` says
        when that holds), without CairoSVG.

        Returns the surface and the rows ``(first, end)`` the runs may have touched, rounded out
        to multiples of ``align``: only those rows are copied from the background, the others
        are left unset (the caller knows the rest is the background's). With ``workers``, the
        upper and lower halves of those rows are filled side by side, each as a surface of its
        own over the same pixels (cairo lets go of the GIL while it fills).

        :param size: the document's width and height, which its viewBox equals.
        """
        width, height = background.get_width(), background.get_height()
        placed = [[(x, y, glyph, (y + glyph.top) * scale, (y + glyph.bottom) * scale)
                   for x, y, glyph in placed_glyphs(run.data, self.glyph_paths)] for run in runs]
        extents = [(top, bottom) for run in placed for *_, top, bottom in run]
        first = max(0, (math.floor(min((e[0] for e in extents), default=0.0)) - 1) // align * align)
        end = min(height, -(-(math.ceil(max((e[1] for e in extents), default=0.0)) + 1) // align) * align)
        end = max(end, first)
        # Rows outside (first, end) are left unset (a zeroed card would cost more than the drawing).
        stride = cairocffi.ImageSurface.format_stride_for_width(cairocffi.FORMAT_ARGB32, width)
        data = np.empty((height, stride), np.uint8)
        data[first:end] = encode.surface_rows(background)[first:end]
        surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, width, height, data, stride)
        middle = (first + end) // 2 // align * align
        frame = _Frame(data, width, size, scale, list(zip(runs, placed, strict=True)))
        check_deadline()
        if workers is None or workers.threads < 2 or middle in (first, end):
            frame.draw(first, end)
        else:
            # The lower half's paths are built here and only filled in another thread (cairo lets
            # go of the GIL there: the two threads hardly contend), while this one draws the upper.
            lower, paths = frame.paths(middle, end)
            workers.both(lambda: frame.draw(first, middle), lambda: frame.fill_paths(lower, paths))
        surface.mark_dirty()
        return surface, (first, end)

    def pixels(self, svg: bytes, glyphs: Glyphs | None = None) -> np.ndarray:
        """Straight-alpha RGBA pixels of ``svg`` (what effects compute with)."""
        return encode.pixels(self.rasterize(svg, glyphs=glyphs))

    @staticmethod
    def mesh(patches: MeshData, width: int, height: int) -> np.ndarray:
        """Straight-alpha RGBA pixels (``height`` x ``width``) of Coons patches, each 13 points
        (four cubics from the first corner), four corner colours (RGBA 0..1) and, for tensor
        patches, four inner control points, with cairo's mesh pattern: what mesh gradients are
        made of (CairoSVG has no mesh gradients)."""
        surface = cairocffi.ImageSurface(cairocffi.FORMAT_ARGB32, width, height)
        cairo = cairocffi.cairo  # cairocffi 1.7 has cairo's mesh functions but no MeshPattern class
        pointer = cairo.cairo_pattern_create_mesh()
        pattern = cairocffi.Pattern._from_pointer(pointer, incref=False)  # owns and frees it
        for points, colors, controls in patches:
            cairo.cairo_mesh_pattern_begin_patch(pointer)
            cairo.cairo_mesh_pattern_move_to(pointer, *points[0])
            for i in range(1, 13, 3):
                cairo.cairo_mesh_pattern_curve_to(pointer, *points[i], *points[i + 1], *points[i + 2])
            for corner, color in enumerate(colors):
                cairo.cairo_mesh_pattern_set_corner_color_rgba(pointer, corner, *color)
            for corner, control in enumerate(controls):
                cairo.cairo_mesh_pattern_set_control_point(pointer, corner, *control)
            cairo.cairo_mesh_pattern_end_patch(pointer)
        context = cairocffi.Context(surface)
        context.set_source(pattern)
        context.paint()
        surface.flush()
        return encode.pixels(surface)

    @staticmethod
    def png(rgba: np.ndarray) -> bytes:
        """A PNG for a data URI CairoSVG decodes at once: the fastest encoding, not the smallest."""
        return encode.encode_png(rgba, "fast")


def _glyph_drawer(cairosvg_path: t.Callable[[t.Any, t.Any], None]) -> t.Callable[[t.Any, t.Any], None]:
    def draw_path(surface: t.Any, node: t.Any) -> None:
        glyphs: Glyphs | None = getattr(surface, "og_glyphs", None)  # None: a surface og did not make
        data = node.get("d", "")
        if glyphs is None or (data not in glyphs.runs and data not in glyphs.turned):
            cairosvg_path(surface, node)
            return
        node.vertices = collections.deque()  # glyphs have no markers
        if data in glyphs.runs:
            draw_glyph_run(surface.context, data, surface.og_glyph_paths)
        else:  # glyphs turned one by one
            draw_plain_path(surface.context, data)

    draw_path.og_glyph_drawer = True  # type: ignore[attr-defined]
    return draw_path


class _Surface(cairosvg.surface.PNGSurface):  # type: ignore[misc]
    """CairoSVG's image surface, checking the render's deadline before each element, and
    carrying the card's glyph paths and the backend's cache of their outlines for og's glyph drawer."""

    def __init__(self, tree: t.Any, glyph_paths: BoundedCache[str, GlyphPath], glyphs: Glyphs | None,
                 scale: float) -> None:
        self.og_glyph_paths = glyph_paths
        self.og_glyphs = glyphs
        super().__init__(tree, None, DPI, scale=scale)

    def draw(self, node: t.Any) -> None:
        check_deadline()
        super().draw(node)


class _OnBackground(_Surface):
    """A CairoSVG surface that starts as a copy of an already drawn background."""

    def __init__(self, tree: t.Any, glyph_paths: BoundedCache[str, GlyphPath], glyphs: Glyphs | None,
                 painted: t.Any, scale: float) -> None:
        self.painted = painted  # read by _create_surface, which CairoSVG's __init__ calls
        super().__init__(tree, glyph_paths, glyphs, scale)

    def _create_surface(self, width: float, height: float) -> tuple[t.Any, int, int]:
        surface, w, h = super()._create_surface(width, height)
        if (w, h) == (self.painted.get_width(), self.painted.get_height()):
            context = cairocffi.Context(surface)
            context.set_source_surface(self.painted)
            context.paint()
        return surface, w, h
