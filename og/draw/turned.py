"""Glyphs drawn turned: text on a path and sideways text in vertical lines.

An upright glyph's outline is a cached string of relative commands that og's raster backend
appends at each place the glyph stands (:mod:`.elements`); a turned glyph's outline is
transformed point by point instead (scale, flip to y-down, rotate about the glyph's origin,
move) and written as absolute path data in og's plain syntax (:attr:`~og.draw.elements.Glyphs.turned`:
the raster backend builds it without a cache). Only text that turns glyphs pays for it.
"""

from __future__ import annotations

import math

from ..caches import FontCaches
from ..text.fonts import ResolvedFont
from ..text.model import PlacedGlyph
from ..text.model import PlacedRun
from .pens import glyph_outline


def turned_path(font: ResolvedFont, glyph: PlacedGlyph, scale: float, caches: FontCaches) -> str:
    """Path data of ``glyph`` at ``scale`` px per font unit, turned by ``glyph.angle`` degrees
    (clockwise, y down) about its origin at (``glyph.x``, ``glyph.y``)."""
    commands = caches.outlines.get_or_make((font, glyph.gid), lambda key: glyph_outline(*key))
    radians = math.radians(glyph.angle)
    cos, sin = math.cos(radians) * scale, math.sin(radians) * scale
    parts: list[str] = []
    for op, *coordinates in commands:
        parts.append(op)
        for index in range(0, len(coordinates), 2):
            u, v = coordinates[index], -coordinates[index + 1]  # font units, y flipped down
            parts.append(f"{glyph.x + u * cos - v * sin:.2f} {glyph.y + u * sin + v * cos:.2f}")
    return " ".join(parts)


def turned_data(run: PlacedRun, caches: FontCaches) -> str:
    """Path data of the turned glyphs of ``run`` ("" when none is turned)."""
    return " ".join(turned_path(run.font, glyph, run.scale, caches) for glyph in run.glyphs if glyph.angle)


def image_transform(glyph: PlacedGlyph) -> str | None:
    """The ``transform`` of a colour-bitmap glyph's ``<image>`` (placed as if upright)."""
    if not glyph.angle:
        return None
    return f"rotate({glyph.angle:.3f} {glyph.x:.2f} {glyph.y:.2f})"
