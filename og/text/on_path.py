"""Text on a path (``<textPath>``): one laid-out line, bent along a :class:`TextPath`.

The line is laid out as any point text is (fonts per cluster, bidi, shaping with kerning and
joining), from x = 0 on a baseline at y = 0, anchored by ``text-anchor``. SVG 2 §11.8.3 then
sets each glyph along the path: the distance of its midpoint from the line's start, plus the
start offset, is a distance along the path; the glyph's midpoint goes on the path there,
rotated to the path's direction, and its offset from the baseline (baseline-shift, a mark's
offset) goes along the path's normal. A glyph whose midpoint falls off either end of the path
is not drawn, and the layout says it was cut.
"""

from __future__ import annotations

import dataclasses
import math

from .model import Box
from .model import Line
from .model import PlacedGlyph
from .model import PlacedRun
from .model import Span
from .model import TextBlock
from .model import TextLayout
from .path_geometry import PathWalk
from .path_geometry import TextPath


def room_on(path: TextPath, align: str) -> float:
    """How long a line may be from its anchor to the path's end(s)."""
    walk = path.walk()
    return max(0.0, {"middle": 2 * min(walk.start, walk.length - walk.start),
                     "end": walk.start}.get(align, walk.length - walk.start))


def straight_block(block: TextBlock) -> TextBlock:
    """``block`` as the one line a path carries, anchored at x = 0 on baseline 0. SVG has no
    line breaks on a path (Put on Path makes Inkscape's lines plain tspans): a line feed in a
    value, or a paragraph a hand-written template has there, becomes a space.

    The line is unbounded, and what runs past the path's end is not drawn (SVG); with
    og:min-font-size it is as long as the path has room for, so a long value shrinks to fit
    the path, down to that size, and only then is cut with an ellipsis (as og's point text)."""
    room = None
    if block.path is not None and block.options.min_font_size:
        room = room_on(block.path, block.options.align)
    spans: list[Span] = []
    for paragraph in block.paragraphs:
        if spans and paragraph and any(span.text for span in paragraph):
            spans.append(Span(" ", paragraph[0].style))
        spans.extend(span for span in paragraph if span.text)
    if not spans and block.paragraphs and block.paragraphs[0]:
        spans.append(block.paragraphs[0][0])
    return dataclasses.replace(block, paragraphs=(tuple(spans),), box=Box(0.0, 0.0, room, None),
                               wraps=False, first_baseline=None, path=None)


def _bent_run(run: PlacedRun, walk: PathWalk) -> PlacedRun:
    glyphs: list[PlacedGlyph] = []
    for glyph in run.glyphs:
        half = run.font.hb_font.get_glyph_h_advance(glyph.gid) * run.scale / 2
        found = walk.at(walk.start + glyph.x + half)
        if found is None:
            continue
        (x, y), angle = found
        cos, sin = math.cos(angle), math.sin(angle)
        # Back from the midpoint to the glyph's origin, then off the baseline along the normal.
        glyphs.append(PlacedGlyph(glyph.gid, x - cos * half - sin * glyph.y, y - sin * half + cos * glyph.y,
                                  math.degrees(angle)))
    return dataclasses.replace(run, x=walk.start + run.x, glyphs=tuple(glyphs))


def _extent(runs: list[PlacedRun]) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of the glyphs' em boxes (advance by ascent and descent, turned
    with each glyph): the box a gradient in objectBoundingBox units spans, as for a line."""
    xs: list[float] = []
    ys: list[float] = []
    for run in runs:
        em = run.scale * run.font.upem
        ascent, descent = run.font.em_split
        for glyph in run.glyphs:
            advance = run.font.hb_font.get_glyph_h_advance(glyph.gid) * run.scale
            cos, sin = math.cos(math.radians(glyph.angle)), math.sin(math.radians(glyph.angle))
            for u, v in ((0.0, -ascent * em), (advance, -ascent * em), (0.0, descent * em),
                         (advance, descent * em)):
                xs.append(glyph.x + u * cos - v * sin)
                ys.append(glyph.y + u * sin + v * cos)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def bend(layout: TextLayout, path: TextPath) -> TextLayout:
    """The glyphs of ``layout`` (one straight line from x = 0) set along ``path``."""
    walk = path.walk()
    lines: list[Line] = []
    dropped = False
    for line in layout.lines:
        runs = [_bent_run(run, walk) for run in line.runs]
        dropped = dropped or sum(len(r.glyphs) for r in runs) < sum(len(r.glyphs) for r in line.runs)
        left, top, right, bottom = _extent(runs)
        lines.append(dataclasses.replace(line, x=left, width=right - left, top=top, bottom=bottom,
                                         runs=tuple(runs)))
    # The text's box is its anchor on the path, where the start offset points (for the report).
    start = walk.at(min(max(walk.start, 0.0), walk.length))
    box = Box(*start[0]) if start else layout.box
    return dataclasses.replace(layout, box=box, lines=tuple(lines), truncated=layout.truncated or dropped)
