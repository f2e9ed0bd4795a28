"""Turn a :class:`TextLayout` into SVG elements CairoSVG can draw: paths and images.

Every glyph run becomes one ``<path>`` (FINDINGS: one path per run is cheap for
CairoSVG, one ``<use>`` per glyph is not); colour-bitmap emoji become ``<image>``.
All elements are made through :func:`element`, which drops empty attributes; lxml
escapes attribute values, so nothing here concatenates markup.
"""

from __future__ import annotations

import base64
import dataclasses
import typing as t

from lxml import etree

from ..caches import FontCaches
from ..svg.names import SVG_NS
from ..svg.names import XLINK_HREF
from ..text.fonts import ResolvedFont
from ..text.layout import PlacedRun
from ..text.layout import TextLayout
from .pens import glyph_outline
from .turned import image_transform
from .turned import turned_data


@dataclasses.dataclass
class Glyphs:
    """The glyph paths a card's text was drawn as, by their path data (og's plain syntax): the
    raster backend draws these itself, every other path is CairoSVG's (:mod:`og.raster.backend`)."""

    #: Runs of shared outlines: ``M x y <outline relative to its first point> M x y …``.
    runs: set[str] = dataclasses.field(default_factory=set)
    #: Glyphs turned on a path or sideways, in absolute coordinates.
    turned: set[str] = dataclasses.field(default_factory=set)


def element(tag: str, attributes: t.Mapping[str, str | None] | None = None) -> etree._Element:
    """An SVG element with the attributes that have a value."""
    node = etree.Element(f"{{{SVG_NS}}}{tag}", nsmap={None: SVG_NS})
    for name, value in (attributes or {}).items():
        if value is not None and value != "":
            node.set(name, value)
    return node


def _num(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def glyph_path(font: ResolvedFont, gid: int, scale: float,
               caches: FontCaches) -> tuple[float, float, str] | None:
    """A glyph's outline at ``scale``: its first point (from the glyph's origin, y-down)
    and the rest as relative commands, a string reused wherever the glyph stands.

    Deltas are taken between the rounded points, so rounding never adds up: every point
    lands within 0.01 px of where it belongs.
    """
    commands = caches.outlines.get_or_make((font, gid), lambda key: glyph_outline(*key))
    if not commands or commands[0][0] != "M":
        return None
    rounded = [(op, [(round(c[i] * scale, 2), round(-c[i + 1] * scale, 2)) for i in range(0, len(c), 2)])
               for op, *c in commands]
    first_x, first_y = commands[0][1] * scale, -commands[0][2] * scale
    current = start = rounded[0][1][0]
    parts: list[str] = []
    for op, points in rounded[1:]:
        if op == "Z":
            parts.append("z")
            current = start
            continue
        parts.append(op.lower())
        for x, y in points:
            parts.append(f"{_num(x - current[0])} {_num(y - current[1])}")
        current = points[-1]
        if op == "M":
            start = current
    return first_x, first_y, " ".join(parts)


def path_data(run: PlacedRun, caches: FontCaches) -> str:
    """One path for all glyphs of a run: an absolute move to each glyph, then its cached
    relative outline. Tokens are separated by spaces (plain SVG, which :mod:`og.raster`
    reads much faster than CairoSVG's own parser).

    Each glyph of the run is looked up in the cache once (a title repeats its letters, and a
    lookup hashes the font and takes the cache's lock)."""
    font, scale = run.font, run.scale
    outlines: dict[int, tuple[float, float, str] | None] = {}
    parts: list[str] = []
    for gid, x, y, angle in run.glyphs:
        if angle:
            continue  # drawn by turned_data
        if gid in outlines:
            outline = outlines[gid]
        else:
            outline = outlines[gid] = caches.glyph_paths.get_or_make(
                (font, gid, scale), lambda key: glyph_path(key[0], key[1], key[2], caches))
        if outline is not None:
            first_x, first_y, rest = outline
            parts.append(f"M {_num(x + first_x)} {_num(y + first_y)} {rest}")
    return " ".join(parts)


def _bitmap_uri(font: ResolvedFont, gid: int) -> str | None:
    blob = font.hb_font.get_glyph_color_png(gid)
    data = bytes(blob.data) if blob is not None else b""
    if not data:
        return None
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _bitmap_images(run: PlacedRun, caches: FontCaches) -> t.Iterator[etree._Element]:
    for glyph in run.glyphs:
        key = (run.font, glyph.gid)
        uri = caches.bitmaps.get_or_make(key, lambda key: _bitmap_uri(*key))
        extents = run.font.hb_font.get_glyph_extents(glyph.gid)
        if uri is None or extents is None:
            continue
        yield element("image", {
            "x": _num(glyph.x + extents.x_bearing * run.scale),
            "y": _num(glyph.y - extents.y_bearing * run.scale),
            "width": _num(extents.width * run.scale),
            "height": _num(-extents.height * run.scale),
            "preserveAspectRatio": "none",
            "transform": image_transform(glyph),
            XLINK_HREF: uri,
        })


def _paint_style(paint: t.Iterable[tuple[str, str]]) -> str:
    return ";".join(f"{name}:{value}" for name, value in paint)


def _stroke_first(paint: dict[str, str]) -> bool:
    """``paint-order: stroke`` (outlined titles): CairoSVG ignores it, so og draws the
    stroke as its own path underneath the fill."""
    order = paint.get("paint-order", "normal").split()
    return bool(order) and order[0] == "stroke" and paint.get("stroke", "none") != "none"


def _run_paths(run: PlacedRun, inherited: dict[str, str], caches: FontCaches,
               glyphs: Glyphs) -> t.Iterator[etree._Element]:
    own = dict(run.style.paint)
    stroke_first = _stroke_first({**inherited, **own})
    # Upright glyphs as runs of shared outlines; turned ones (on a path, sideways) absolute.
    for data, made in ((path_data(run, caches), glyphs.runs), (turned_data(run, caches), glyphs.turned)):
        if not data:
            continue
        made.add(data)
        if stroke_first:
            yield _glyph_path(data, {**own, "fill": "none"})
            yield _glyph_path(data, {**own, "stroke": "none"})
        else:
            yield _glyph_path(data, own)


def _glyph_path(data: str, paint: dict[str, str]) -> etree._Element:
    return element("path", {"d": data, "style": _paint_style(paint.items())})


def layout_elements(layout: TextLayout, caches: FontCaches, inherited: t.Mapping[str, str] | None = None,
                    glyphs: Glyphs | None = None) -> t.Iterator[etree._Element]:
    """The drawable children for a laid-out text block, in paint order.

    :param caches: the glyph caches of the fonts the layout used.
    :param inherited: the text element's own computed paint, for ``paint-order``.
    :param glyphs: where the glyph paths made are recorded, for the raster backend.
    """
    made = Glyphs() if glyphs is None else glyphs
    for line in layout.lines:
        for run in line.runs:
            if run.font.face.is_color_bitmap:
                yield from _bitmap_images(run, caches)
            else:
                yield from _run_paths(run, dict(inherited or {}), caches, made)
