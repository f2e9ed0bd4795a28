"""Vertical text: columns of characters, top to bottom (CSS Writing Modes 3, SVG 2 §11.7).

The same analysis as horizontal text (:class:`~.paragraph.Paragraph`: fonts per cluster with
fallback, scripts, break opportunities) and the same fitting (:class:`~.fit.Fitter`, with the
box turned: a column's length is the box's height, the columns' room its width). Then each
column is set in pieces of one orientation (:func:`~.writing_modes.stands_upright`):

* upright pieces are shaped by HarfBuzz top to bottom, which applies the fonts' vertical
  forms (``vert``/``vrt2``: 、。「」 placed and turned as in vertical Japanese) and advances
  by the vertical metrics (``vhea``/``vmtx``/``VORG``; HarfBuzz derives them for a font
  without), each glyph centred on the column's line;
* sideways pieces are shaped as horizontal text and turned 90° clockwise, with the em box
  centred on the line (``mixed``, ``upright``) or the alphabetic baseline on it (``sideways``).

A column starts at the text's y (``text-anchor``: starts, is centred on or ends there) or at
the box's top; columns follow each other right to left (``vertical-rl``) or left to right
(``vertical-lr``), one line-height apart.
"""

from __future__ import annotations

import dataclasses
import typing as t

import uharfbuzz as hb

from .breaking import WIDTH_EPSILON
from .breaking import trimmed_end
from .fit import Fitter
from .fonts import FontSet
from .fonts import ResolvedFont
from .model import Box
from .model import Line
from .model import PlacedGlyph
from .model import PlacedRun
from .model import Span
from .model import TextBlock
from .model import TextLayout
from .paragraph import Paragraph
from .shape import DEFAULT_FEATURES
from .shape import NOTDEF
from .shape import new_buffer
from .writing_modes import Vertical
from .writing_modes import stands_upright

#: Upright glyphs take the fonts' vertical alternates (HarfBuzz turns ``vert`` on for top to
#: bottom text; ``vrt2`` is the older feature some CJK fonts still carry).
VERTICAL_FEATURES: dict[str, bool] = {**DEFAULT_FEATURES, "vert": True, "vrt2": True}

Glyphs = tuple[tuple[int, int, int, int, int], ...]  # gid, cluster, y advance, x offset, y offset


def shape_upright(text: str, start: int, end: int, font: ResolvedFont, script: str, lang: str) -> Glyphs:
    """``text[start:end]`` shaped top to bottom, in font units (y up, advances negative)."""
    buf = new_buffer(text, start, end, "ttb", script, lang)
    hb.shape(font.hb_font, buf, VERTICAL_FEATURES)
    return tuple((info.codepoint, info.cluster, pos.y_advance, pos.x_offset, pos.y_offset)
                 for info, pos in zip(buf.glyph_infos, buf.glyph_positions, strict=True)
                 if info.codepoint != NOTDEF)


def has_vertical_metrics(font: ResolvedFont) -> bool:
    return len(font.face.hb_face.reference_table("vmtx")) > 0


def turned_block(block: TextBlock) -> TextBlock:
    """The block as the fitter sees it: line length along the box's height, lines across its
    width. For point text the reader gives the column's room as the box's width (og:max-width,
    or the room to the card's edge), which stays the line length."""
    box = block.box
    if not block.wraps:
        return dataclasses.replace(block, vertical=None)
    return dataclasses.replace(block, box=Box(box.y, box.x, box.height, box.width), vertical=None)


class VerticalPlacer(Fitter):
    """Chooses columns as :class:`~.fit.Fitter` chooses lines, and sets them vertically."""

    def __init__(self, block: TextBlock, fonts: FontSet) -> None:
        assert block.vertical is not None
        self.vertical: Vertical = block.vertical
        self.original = block
        super().__init__(turned_block(block), fonts)
        for paragraph in self.paragraphs:
            self._measure_upright(paragraph)

    def _orientation_pieces(self, paragraph: Paragraph, start: int,
                            end: int) -> t.Iterator[tuple[int, int, bool]]:
        """``[start, end)`` cut where characters change between upright and sideways."""
        orientation = self.vertical.orientation
        for piece_start, piece_end in paragraph.pieces(start, end):
            low = piece_start
            upright = stands_upright(paragraph.text[low], orientation)
            for high in range(piece_start + 1, piece_end + 1):
                if high == piece_end or stands_upright(paragraph.text[high], orientation) != upright:
                    yield low, high, upright
                    if high < piece_end:
                        low, upright = high, not upright

    def _measure_upright(self, paragraph: Paragraph) -> None:
        """Lines break by length down the column: upright characters measure their vertical
        advances (a column of kana is not kerned as a line of them is)."""
        for start, end, upright in self._orientation_pieces(paragraph, 0, len(paragraph.text)):
            if upright and paragraph.fonts[start] is not None:
                for index in range(start, end):
                    paragraph.units[index] = 0.0
                for _, cluster, y_advance, _, _ in self._shape_upright(paragraph, start, end):
                    paragraph.units[cluster] -= y_advance

    def _shape_upright(self, paragraph: Paragraph, start: int, end: int) -> Glyphs:
        font = paragraph.fonts[start]
        key = ("ttb", paragraph.text, start, end, font, paragraph.scripts[start], paragraph.lang)
        return t.cast(Glyphs, self.fonts.caches.shapes.get_or_make(key, lambda key: shape_upright(*key[1:])))

    def layout(self) -> TextLayout:
        chosen = self.choose()
        columns = chosen.lines[: chosen.allowed]
        scale = chosen.scale
        advance = self.line_advance(scale)
        size = self.base_style.size * scale
        box = self.original.box
        step = -advance if self.vertical.mode == "vertical-rl" else advance
        if self.original.first_baseline is not None:  # inline-size: the first column's line
            x = self.original.first_baseline
        elif self.original.wraps:
            # In a box the first column's line box sits against the box's starting edge.
            edge = box.x + (box.width or 0.0) if step < 0 else box.x
            x = edge + step / 2
        else:
            x = box.x
        truncated = len(chosen.lines) > chosen.allowed
        # A column may be cut (with an ellipsis): the last one shown when columns are left out,
        # and a point text's column longer than its og:max-width or the room to the card's edge.
        room = self.block.box.width
        placed = []
        for number, (index, start, end) in enumerate(columns):
            paragraph = self.paragraphs[index]
            visible_end = trimmed_end(start, end, paragraph.is_space)
            too_long = room is not None and paragraph.width(start, visible_end, scale) > room + WIDTH_EPSILON
            cut = too_long or (truncated and number == len(columns) - 1)
            truncated = truncated or too_long
            placed.append(self._column(paragraph, start, visible_end, scale, x, size,
                                       room if cut and room is not None else None))
            x += step
        missing = tuple(dict.fromkeys(cp for p in self.paragraphs for cp in p.missing))
        return TextLayout(box, tuple(placed), round(size, 2), scale < 1.0, truncated, chosen.forced,
                          missing, advance)

    def _column(self, paragraph: Paragraph, start: int, end: int, scale: float, x: float,
                size: float, room: float | None) -> Line:
        """The column of ``[start, end)``; with ``room``, cut to fit it with an ellipsis."""
        mark: list[tuple[bool, PlacedRun]] = []
        if room is not None:
            end, mark = self._cut(paragraph, start, end, scale, room)
        pieces = self._pieces(paragraph, start, end, scale) + mark
        length = sum(run.width for _, run in pieces)
        top = self._top(length)
        runs: list[PlacedRun] = []
        cursor = top
        for upright, run in pieces:
            runs.append(self._set(run, upright, x, cursor))
            cursor += run.width
        text = paragraph.text[start:end] + (self.options.ellipsis if mark else "")
        return Line(text, x - size / 2, x, size, False, tuple(runs), top=top, bottom=top + length)

    def _pieces(self, paragraph: Paragraph, start: int, end: int,
                scale: float) -> list[tuple[bool, PlacedRun]]:
        """``[start, end)`` shaped in pieces of one orientation, each from 0: (upright, run)."""
        pieces = []
        for low, high, upright in self._orientation_pieces(paragraph, start, end):
            run = (self._upright(paragraph, low, high, scale) if upright
                   else paragraph.shape_piece(low, high, scale))
            if run is not None:
                pieces.append((upright, run))
        return pieces

    def _shaped_width(self, paragraph: Paragraph, start: int, end: int, scale: float) -> float:
        """A column's length as it will be set (the fitter checks its breaks with this)."""
        visible_end = trimmed_end(start, end, paragraph.is_space)
        return sum(run.width for _, run in self._pieces(paragraph, start, visible_end, scale))

    def _cut(self, paragraph: Paragraph, start: int, end: int, scale: float,
             room: float) -> tuple[int, list[tuple[bool, PlacedRun]]]:
        """Where a column cut to ``room`` ends, and its ellipsis, set as the character before
        it is (upright after Japanese, where the font's vertical form is ︙; else turned)."""
        mark: list[tuple[bool, PlacedRun]] = []
        length = 0.0
        if self.options.ellipsis and paragraph.text:
            at = max(start, min(end, len(paragraph.text)) - 1)
            spans = (Span(self.options.ellipsis, paragraph.styles[at]),)
            ellipsis = Paragraph(spans, self.fonts, dataclasses.replace(self.options, direction="ltr"))
            upright = stands_upright(paragraph.text[at], self.vertical.orientation)
            run = (self._upright(ellipsis, 0, len(ellipsis.text), scale) if upright
                   else ellipsis.shape_piece(0, len(ellipsis.text), scale))
            if run is not None:
                mark, length = [(upright, run)], run.width
        advances = paragraph.advances(scale)
        while end > start and sum(advances[start:end]) + length > room + WIDTH_EPSILON:
            end = trimmed_end(start, paragraph.cluster_start[end - 1], paragraph.is_space)
        return end, mark

    def _top(self, length: float) -> float:
        box = self.original.box
        if self.original.wraps:
            free = (box.height or length) - length
            return box.y + {"middle": free / 2, "end": free}.get(self.options.align, 0.0)
        return box.y - {"middle": length / 2, "end": length}.get(self.options.align, 0.0)

    def _set(self, run: PlacedRun, upright: bool, x: float, y: float) -> PlacedRun:
        """A run shaped from (0, 0), set in the column whose line is at ``x``, from ``y`` down."""
        if upright:
            glyphs = tuple(PlacedGlyph(g.gid, x + g.x, y + g.y) for g in run.glyphs)
        else:
            baseline = x
            if self.vertical.orientation != "sideways":
                ascent, descent = run.font.em_split
                baseline -= (ascent - descent) / 2 * run.scale * run.font.upem  # em box centred
            glyphs = tuple(PlacedGlyph(g.gid, baseline - g.y, y + g.x, 90.0) for g in run.glyphs)
        return dataclasses.replace(run, x=x, glyphs=glyphs)

    def _upright(self, paragraph: Paragraph, start: int, end: int, scale: float) -> PlacedRun | None:
        """``[start, end)`` shaped top to bottom: glyphs from y = 0 down, centred on x = 0;
        the run's width is its length down the column."""
        font = paragraph.fonts[start]
        if font is None:
            return None
        style = paragraph.styles[start]
        px = style.size * scale / font.upem
        shaped = self._shape_upright(paragraph, start, end)
        placed = []
        # A font without vertical metrics: HarfBuzz hangs each glyph from its own ink top;
        # Inkscape sets them all on one baseline, an em box's ascent below the cell's top (the
        # line model of :attr:`ResolvedFont.em_split`).
        hanging = None if has_vertical_metrics(font) else font.em_split[0] * font.upem * px
        pen = 0.0
        for number, (gid, cluster, y_advance, x_offset, y_offset) in enumerate(shaped):
            y = pen - y_offset * px if hanging is None else pen + hanging
            placed.append(PlacedGlyph(gid, x_offset * px, y))
            pen -= y_advance * px
            following = shaped[number + 1][1] if number + 1 < len(shaped) else end
            if following != cluster:
                pen += sum(paragraph.spacing[cluster:following]) * scale
        return PlacedRun(paragraph.text[start:end], font, style, px, False, paragraph.scripts[start],
                         0.0, pen, tuple(placed))
