"""Fitting: which lines a block breaks into, at the largest font size that fits its box
(shrink-to-fit down to og:min-font-size), within its line limit, balanced if asked."""

from __future__ import annotations

import dataclasses
import math

from .breaking import WIDTH_EPSILON
from .breaking import trimmed_end
from .fonts import FontSet
from .model import TextBlock
from .model import TextStyle
from .paragraph import Paragraph

#: Shrink-to-fit searches font sizes in steps of this many px.
SHRINK_STEP_PX = 0.5
#: How often a paragraph is broken again when a shaped line turns out wider than measured.
MAX_BREAK_RETRIES = 8
#: Balanced lines: how finely (px) to search the narrowest width keeping the line count.
BALANCE_STEP_PX = 4.0
#: "No limit" on lines for a box without og:max-lines and without a height.
UNLIMITED_LINES = 10_000


@dataclasses.dataclass
class Attempt:
    scale: float
    lines: list[tuple[int, int, int]]  # paragraph, start, end
    forced: bool
    allowed: int
    max_width: float | None

    @property
    def fits(self) -> bool:
        return len(self.lines) <= self.allowed and not self.forced


class Fitter:
    """Chooses the lines of a block: where they break, at which size, how many fit."""

    def __init__(self, block: TextBlock, fonts: FontSet) -> None:
        self.block = block
        self.fonts = fonts
        self.options = block.options
        self.paragraphs = [Paragraph(spans, fonts, block.options) for spans in block.paragraphs]
        first = next((span.style for spans in block.paragraphs for span in spans), TextStyle())
        self.base_style = first
        self.primary = (fonts.pick(first.families, first.weight, first.italic, "x", first.variations)
                        or fonts.pick(first.families, first.weight, first.italic, " ", first.variations))

    def line_advance(self, scale: float) -> float:
        return self.base_style.size * scale * self.options.line_height

    def em_split(self) -> tuple[float, float]:
        """The first font's ascent and descent, scaled to add up to one em.

        This is Inkscape's line model (each line's content area is exactly one em, split
        in the font's typo ascent:descent ratio, see :attr:`ResolvedFont.em_split`), so
        baselines land where the designer saw them, in any font.
        """
        return self.primary.em_split if self.primary else (0.8, 0.2)

    def content_height(self, lines: int, scale: float) -> float:
        """Height of ``lines`` lines; with a line-height under 1 the first and last
        lines' em boxes still have to stay in the box."""
        advance = self.line_advance(scale)
        return (lines - 1) * advance + max(advance, self.base_style.size * scale)

    def allowed_lines(self, scale: float) -> int:
        allowed = self.options.max_lines or UNLIMITED_LINES
        height = self.block.box.height
        if height is not None and self.block.wraps:
            advance = self.line_advance(scale)
            spare = height + 0.5 - self.content_height(1, scale)
            by_height = 1 + math.floor(spare / advance) if spare >= 0 else 1
            allowed = min(allowed, max(1, by_height))
        return allowed

    def attempt(self, scale: float, max_width: float | None = None) -> Attempt:
        width = max_width if max_width is not None else self.block.box.width
        lines: list[tuple[int, int, int]] = []
        forced = False
        for index, paragraph in enumerate(self.paragraphs):
            ranges, was_forced = self._break_checked(paragraph, width if self.block.wraps else None, scale)
            if not self.block.wraps and width is not None:
                # Point text does not wrap: "forced" means it would need cutting.
                end = trimmed_end(0, len(paragraph.text), paragraph.is_space)
                was_forced = paragraph.width(0, end, scale) > width + 0.01
            forced = forced or was_forced
            lines.extend((index, s, e) for s, e in ranges)
        return Attempt(scale, lines, forced, self.allowed_lines(scale), width)

    def _break_checked(self, paragraph: Paragraph, width: float | None,
                       scale: float) -> tuple[list[tuple[int, int]], bool]:
        """Break with the paragraph's measured widths, then check each line as it will be
        shaped: a line may differ where kerning or a ligature spanned the break. If one
        would overflow, break again with the measure narrowed by the overflow."""
        limit = width
        for _ in range(MAX_BREAK_RETRIES):
            ranges, forced = paragraph.break_lines(limit, scale)
            if width is None or limit is None:
                return ranges, forced
            shaped, start, end = max((self._shaped_width(paragraph, s, e, scale), s, e) for s, e in ranges)
            if shaped - width <= WIDTH_EPSILON:
                return ranges, forced
            # Narrower than that line was measured, or the same break comes back.
            measured = paragraph.width(start, trimmed_end(start, end, paragraph.is_space), scale)
            limit = min(limit - (shaped - width), measured - WIDTH_EPSILON)
        return ranges, forced

    def _shaped_width(self, paragraph: Paragraph, start: int, end: int, scale: float) -> float:
        visible_end = trimmed_end(start, end, paragraph.is_space)
        runs = (paragraph.shape_piece(s, e, scale) for s, e in paragraph.pieces(start, visible_end))
        return sum(run.width for run in runs if run is not None) + paragraph.hyphen_width(end, scale)

    def choose(self) -> Attempt:
        best = self.attempt(1.0)
        min_size = self.options.min_font_size
        size = self.base_style.size
        if not best.fits and min_size and min_size < size:
            # Largest size (in SHRINK_STEP_PX steps) that fits, by bisection.
            low, high = 0, int((size - min_size) / SHRINK_STEP_PX)
            found: Attempt | None = None
            while low <= high:
                step = (low + high) // 2
                attempt = self.attempt((size - step * SHRINK_STEP_PX) / size)
                if attempt.fits:
                    found, high = attempt, step - 1
                else:
                    low = step + 1
            best = found or self.attempt(min_size / size)
        if self.options.balance and best.fits and len(best.lines) > 1 and best.max_width:
            best = self._balance(best)
        return best

    def _balance(self, best: Attempt) -> Attempt:
        """Narrow the measure while the line count stays: no lonely last word."""
        assert best.max_width is not None
        low, high = best.max_width / 2, best.max_width
        while high - low > BALANCE_STEP_PX:
            middle = (low + high) / 2
            trial = self.attempt(best.scale, middle)
            if trial.fits and len(trial.lines) == len(best.lines):
                high = middle
            else:
                low = middle
        final = self.attempt(best.scale, high)
        return dataclasses.replace(final, max_width=best.max_width)

