"""Lay a text block out in its box: fonts per cluster, bidi, shaping, breaking, fitting.

The stages, in order, for each paragraph:

1. bidi levels (:mod:`.bidi`) and scripts (:mod:`.segment`);
2. a font per grapheme cluster (:meth:`FontSet.pick`), never splitting a cluster;
3. items of equal (style, font, script, level), shaped once in font units (:mod:`.shape`);
4. lines from UAX #14 opportunities and measured widths (:mod:`.breaking`), at the
   largest font size that fits (shrink-to-fit), then an ellipsis if it still does not;
5. each line's runs cut out of their item's shaping (shaped again, with the paragraph as
   context, where HarfBuzz flags the cut unsafe), put in visual order, glyphs placed.

Stages 1–3 are :mod:`.paragraph`, stage 4 :mod:`.fit`, stage 5 here.

Nothing here does IO or knows about SVG: the input is plain data, the output is a
:class:`TextLayout` that :mod:`og.draw.elements` turns into paths and the report into JSON.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

from .bidi import visual_order
from .breaking import WIDTH_EPSILON
from .breaking import trimmed_end
from .fit import Fitter
from .fonts import FontSet
from .hyphens import SOFT_HYPHEN
from .model import Box as Box
from .model import Line as Line
from .model import PlacedGlyph as PlacedGlyph
from .model import PlacedRun as PlacedRun
from .model import Span as Span
from .model import TextBlock as TextBlock
from .model import TextLayout as TextLayout
from .model import TextOptions as TextOptions
from .model import TextStyle as TextStyle
from .on_path import bend
from .on_path import straight_block
from .paragraph import Paragraph
from .vertical import VerticalPlacer

#: An ellipsis goes after a whole word if that keeps at least this share of the line.
WORD_CUT_MIN_SHARE = 0.7


class Placer(Fitter):
    """Places the chosen lines: baselines, alignment, bidi order, ellipsis."""

    def layout(self) -> TextLayout:
        chosen = self.choose()
        scale = chosen.scale
        lines = chosen.lines
        truncated = len(lines) > chosen.allowed
        if truncated:
            lines = lines[: chosen.allowed]
        box = self.block.box
        advance = self.line_advance(scale)
        ascent, descent = self.em_split()
        size = self.base_style.size * scale
        if self.block.first_baseline is not None:
            baseline = self.block.first_baseline
        elif self.block.wraps:
            half_leading = max(0.0, (advance - size) / 2)
            total = self.content_height(len(lines), scale)
            free = (box.height - total) if box.height is not None else 0.0
            shift = {"middle": free / 2, "bottom": free}.get(self.options.valign, 0.0)
            baseline = box.y + shift + half_leading + ascent * size
        else:
            baseline = box.y
        placed: list[Line] = []
        for number, (index, start, end) in enumerate(lines):
            paragraph = self.paragraphs[index]
            last_of_cut = truncated and number == len(lines) - 1
            line, cut = self._place_line(paragraph, start, end, scale, baseline, last_of_cut)
            truncated = truncated or cut  # a point text cut to its width is truncated too
            placed.append(dataclasses.replace(line, top=baseline - ascent * size,
                                              bottom=baseline + descent * size))
            baseline += advance
        missing = tuple(dict.fromkeys(cp for p in self.paragraphs for cp in p.missing))
        first = next((p for p in self.paragraphs if p.text), None)
        return TextLayout(box, tuple(placed), round(size, 2), scale < 1.0, truncated, chosen.forced,
                          missing, advance, first.lang if first else self.options.lang,
                          first.typography.word_break if first else "normal")

    def _ellipsis_cut(self, paragraph: Paragraph, start: int, end: int, scale: float,
                      ellipsis_width: float) -> int:
        limit = (self.block.box.width or math.inf) - ellipsis_width
        prefix = list(itertools.accumulate(paragraph.advances(scale), initial=0.0))
        cut = trimmed_end(start, end, paragraph.is_space)
        while cut > start and prefix[trimmed_end(start, cut, paragraph.is_space)] - prefix[start] > limit:
            cut = paragraph.cluster_start[cut - 1]
        # Prefer ending on a word (a break opportunity) when that keeps most of the line.
        words = [o for o in paragraph.opportunities if start + (cut - start) * WORD_CUT_MIN_SHARE <= o <= cut]
        if words and cut < end:
            cut = max(words)
        return trimmed_end(start, cut, paragraph.is_space)

    def _place_line(self, paragraph: Paragraph, start: int, end: int, scale: float,
                    baseline: float, cut: bool) -> tuple[Line, bool]:
        """The placed line, and whether it had to be cut (with or without an ellipsis)."""
        box = self.block.box
        visible_end = trimmed_end(start, end, paragraph.is_space)
        ellipsis_run: PlacedRun | None = None
        too_wide = (box.width is not None and not self.block.wraps
                    and paragraph.width(start, visible_end, scale) > box.width + 0.01)
        shortened = bool(too_wide and paragraph.text)
        if (cut or too_wide) and paragraph.text:
            ellipsis_run = self._ellipsis(paragraph, max(start, visible_end - 1), scale)
            extra = ellipsis_run.width if ellipsis_run else 0.0
            visible_end = self._ellipsis_cut(paragraph, start, visible_end, scale, extra)
        elif end in paragraph.hyphen_marks:
            # A hyphenated break: the hyphen goes where an ellipsis would, the soft hyphen goes.
            ellipsis_run = paragraph.hyphen_run(end, scale)
            visible_end -= paragraph.text[visible_end - 1] == SOFT_HYPHEN
        while True:
            ordered = self._visual_runs(paragraph, start, visible_end, scale, ellipsis_run)
            width = sum(run.width for run in ordered)
            # The cut was measured, the line is shaped: drop clusters until it really fits.
            if ellipsis_run is None or box.width is None or width <= box.width + WIDTH_EPSILON \
                    or visible_end <= start:
                break
            visible_end = trimmed_end(start, paragraph.cluster_start[visible_end - 1], paragraph.is_space)
        rtl = paragraph.para_level % 2 == 1
        x = self._line_x(width, rtl)
        runs_out = []
        for run in ordered:
            runs_out.append(_move(run, x, baseline))
            x += run.width
        text = paragraph.text[start:visible_end] + (ellipsis_run.text if ellipsis_run else "")
        line = Line(text, runs_out[0].x if runs_out else x, baseline, width, rtl, tuple(runs_out))
        return line, shortened

    def _visual_runs(self, paragraph: Paragraph, start: int, end: int, scale: float,
                     ellipsis_run: PlacedRun | None) -> list[PlacedRun]:
        """The shaped runs of ``[start, end)`` (and the ellipsis) in visual order."""
        pieces: list[tuple[int, PlacedRun]] = []
        for piece_start, piece_end in paragraph.pieces(start, end):
            run = paragraph.shape_piece(piece_start, piece_end, scale)
            if run is not None:
                pieces.append((paragraph.levels[piece_start], run))
        if ellipsis_run is not None:
            pieces.append((paragraph.para_level, ellipsis_run))
        return visual_order([run for _, run in pieces], [level for level, _ in pieces])

    def _line_x(self, width: float, rtl: bool) -> float:
        box = self.block.box
        align: str = self.options.align
        # In a box, an RTL paragraph starts at the right edge. Point text keeps SVG's rule:
        # "start" follows the ``direction`` property (og:direction), not the content.
        flips = self.block.wraps or self.options.direction == "rtl"
        if rtl and flips and align in ("start", "end"):
            align = "end" if align == "start" else "start"
        align = {"left": "start", "right": "end"}.get(align, align)
        if self.block.wraps and box.width is not None:
            free = box.width - width
            return box.x + {"middle": free / 2, "end": free}.get(align, 0.0)
        return box.x - {"middle": width / 2, "end": width}.get(align, 0.0)

    def _ellipsis(self, paragraph: Paragraph, at: int, scale: float) -> PlacedRun | None:
        if not self.options.ellipsis:
            return None
        style = paragraph.styles[at] if paragraph.styles else self.base_style
        spans = (Span(self.options.ellipsis, style),)
        mark = Paragraph(spans, self.fonts, dataclasses.replace(self.options, direction="ltr"))
        return mark.shape_piece(0, len(mark.text), scale)


def _move(run: PlacedRun, x: float, baseline: float) -> PlacedRun:
    place = PlacedGlyph._make  # (gid, x, y, angle): from a tuple, twice as fast
    glyphs = tuple(place((g.gid, g.x + x, g.y + baseline, 0.0)) for g in run.glyphs)
    return dataclasses.replace(run, x=x, glyphs=glyphs)


def layout_text(block: TextBlock, fonts: FontSet) -> TextLayout:
    """Lay ``block`` out with ``fonts``.

    Pure, and its input and output are immutable, so the caller may cache it (the
    renderer does: a card's labels that keep their default value are laid out once).
    Text on a path is laid out as one straight line, then bent along the path (:mod:`.on_path`);
    vertical text is set in columns (:mod:`.vertical`).
    """
    if block.path is not None:
        return bend(Placer(straight_block(block), fonts).layout(), block.path)
    if block.vertical is not None:
        return VerticalPlacer(block, fonts).layout()
    return Placer(block, fonts).layout()
