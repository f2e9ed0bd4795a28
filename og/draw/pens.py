"""Glyph outlines through the fontTools pen protocol.

HarfBuzz's draw API (``Font.draw_glyph_with_pen``) calls ``moveTo``/``lineTo``/
``qCurveTo``/``curveTo``/``closePath`` on any object; :class:`OutlinePen` records them
once per glyph, in font units (y up), so drawing a card only has to move and scale
numbers, never ask HarfBuzz again.
"""

from __future__ import annotations

import typing as t

from fontTools.pens.basePen import BasePen

from ..text.fonts import ResolvedFont

Point = tuple[float, float]
#: ("M", x, y) | ("L", x, y) | ("Q", x1, y1, x, y) | ("C", x1, y1, x2, y2, x, y) | ("Z",)
Command = tuple[t.Any, ...]


class OutlinePen(BasePen):  # type: ignore[misc]
    """Records an outline as flat commands; BasePen splits multi-point quadratics."""

    def __init__(self) -> None:
        super().__init__(glyphSet=None)
        self.commands: list[Command] = []

    def _moveTo(self, pt: Point) -> None:
        self.commands.append(("M", *pt))

    def _lineTo(self, pt: Point) -> None:
        self.commands.append(("L", *pt))

    def _qCurveToOne(self, pt1: Point, pt2: Point) -> None:
        self.commands.append(("Q", *pt1, *pt2))

    def _curveToOne(self, pt1: Point, pt2: Point, pt3: Point) -> None:
        self.commands.append(("C", *pt1, *pt2, *pt3))

    def _closePath(self) -> None:
        self.commands.append(("Z",))

    _endPath = _closePath


def glyph_outline(font: ResolvedFont, gid: int) -> tuple[Command, ...]:
    """The outline of glyph ``gid`` in font units, variations and synthesis applied."""
    pen = OutlinePen()
    font.hb_font.draw_glyph_with_pen(gid, pen)
    return tuple(pen.commands)
