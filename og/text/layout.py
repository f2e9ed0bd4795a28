"""Lay a text block out in its box: fonts per cluster, bidi, shaping, breaking, fitting.

The stages, in order, for each paragraph:

1. bidi levels (:mod:`.bidi`) and scripts (:mod:`.segment`);
2. a font per grapheme cluster (:meth:`FontSet.pick`), never splitting a cluster;
3. items of equal (style, font, script, level), shaped once in font units (:mod:`.shape`);
4. lines from UAX #14 opportunities and measured widths (:mod:`.breaking`), at the
   largest font size that fits (shrink-to-fit), then an ellipsis if it still does not;
5. each line re-shaped with its context, runs put in visual order, glyphs placed.

Nothing here does IO or knows about SVG: the input is plain data, the output is a
:class:`TextLayout` that :mod:`og.draw.svg` turns into paths and the report into JSON.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import typing as t

from .bidi import embedding_levels
from .bidi import visual_order
from .breaking import WIDTH_EPSILON
from .breaking import break_lines
from .breaking import trimmed_end
from .fonts import FontSet
from .fonts import ResolvedFont
from .segment import grapheme_boundaries
from .segment import line_break_opportunities
from .segment import resolve_scripts
from .segment import runs
from .shape import ShapedGlyph
from .shape import shape

ELLIPSIS = "\u2026"
SPACES = frozenset(" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
WORD_SEPARATORS = frozenset(" \u00a0")
#: Shrink-to-fit searches font sizes in steps of this many px.
SHRINK_STEP_PX = 0.5
#: An ellipsis goes after a whole word if that keeps at least this share of the line.
WORD_CUT_MIN_SHARE = 0.7
#: How often a paragraph is broken again when a shaped line turns out wider than measured.
MAX_BREAK_RETRIES = 8
#: Balanced lines: how finely (px) to search the narrowest width keeping the line count.
BALANCE_STEP_PX = 4.0


@dataclasses.dataclass(frozen=True)
class TextStyle:
    """What a run of text looks like; ``paint`` is SVG paint the drawing copies as is."""

    families: tuple[str, ...] = ("Inter",)
    size: float = 16.0
    weight: int = 400
    italic: bool = False
    letter_spacing: float = 0.0
    word_spacing: float = 0.0
    baseline_shift: float = 0.0  # px, positive raises (super/sub, baseline-shift)
    variations: tuple[tuple[str, float], ...] = ()  # font-variation-settings
    paint: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Span:
    text: str
    style: TextStyle


@dataclasses.dataclass(frozen=True)
class Box:
    """Area text wraps inside ``width`` x ``height``; point text has its baseline at ``y``.

    ``width``/``height`` of ``None`` mean unbounded.
    """

    x: float
    y: float
    width: float | None = None
    height: float | None = None


@dataclasses.dataclass(frozen=True)
class TextOptions:
    align: str = "start"  # start | middle | end
    valign: str = "top"  # top | middle | bottom (area text only)
    line_height: float = 1.25
    max_lines: int | None = None
    min_font_size: float | None = None
    ellipsis: str = ELLIPSIS
    balance: bool = False
    direction: str = "auto"  # auto | ltr | rtl
    lang: str = ""


@dataclasses.dataclass(frozen=True)
class TextBlock:
    paragraphs: tuple[tuple[Span, ...], ...]
    box: Box
    options: TextOptions = TextOptions()
    wraps: bool = True  # area text (a box) wraps; point text only truncates
    first_baseline: float | None = None  # SVG2 inline-size text: y is the first baseline


@dataclasses.dataclass(frozen=True)
class PlacedGlyph:
    gid: int
    x: float
    y: float


@dataclasses.dataclass(frozen=True)
class PlacedRun:
    """Glyphs of one font and style, positioned in the text's user space (px)."""

    text: str
    font: ResolvedFont
    style: TextStyle
    scale: float  # px per font unit
    rtl: bool
    script: str
    x: float
    width: float
    glyphs: tuple[PlacedGlyph, ...]


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    x: float
    baseline: float
    width: float
    rtl: bool
    runs: tuple[PlacedRun, ...]
    top: float = 0.0  # baseline - ascent of the block's first font
    bottom: float = 0.0  # baseline + descent


@dataclasses.dataclass(frozen=True)
class TextLayout:
    box: Box
    lines: tuple[Line, ...]
    font_size: float  # of the first span, after any shrinking
    shrunk: bool
    truncated: bool
    forced_breaks: bool
    missing: tuple[str, ...]  # "U+XXXX" code points no font could draw
    line_advance: float


class _Paragraph:
    """One paragraph, analysed and shaped once; measured at any scale."""

    def __init__(self, spans: t.Sequence[Span], fonts: FontSet, options: TextOptions) -> None:
        self.font_set = fonts
        self.text = "".join(span.text for span in spans)
        self.styles: list[TextStyle] = [span.style for span in spans for _ in span.text]
        self.lang = options.lang or _guess_lang(self.text)
        self.para_level, self.levels = embedding_levels(self.text, options.direction)
        self.scripts = resolve_scripts(self.text)
        self.clusters = grapheme_boundaries(self.text)
        self.is_space = [char in SPACES for char in self.text]
        self.fonts: list[ResolvedFont | None] = []
        self.missing: list[str] = []
        start = 0
        for end in self.clusters:
            style = self.styles[start]
            cluster = self.text[start:end]
            previous = self.fonts[-1] if self.fonts else None
            if (cluster.isspace() and previous is not None and self.styles[start - 1] is style
                    and not previous.face.is_color_bitmap and previous.face.covers(cluster)):
                # White space stays in the run before it, in the same style (as satori does):
                # the words of an Arabic title are shaped as one run, not cut at every space.
                font: ResolvedFont | None = previous
            else:
                font = fonts.pick(style.families, style.weight, style.italic, cluster, style.variations)
            if font is None:
                # No font has the whole cluster (marks from another script, unassigned code
                # points): draw its base with the base's font; what that lacks is reported.
                font = fonts.pick(style.families, style.weight, style.italic, cluster[0], style.variations)
            uncovered = cluster if font is None else [c for c in cluster if not font.face.covers(c)]
            if not cluster.isspace():
                self.missing.extend(f"U+{ord(char):04X}" for char in uncovered)
            self.fonts.extend([font] * (end - start))
            start = end
        self.cluster_start = [0] * len(self.text)
        start = 0
        for end in self.clusters:
            for index in range(start, end):
                self.cluster_start[index] = start
            start = end
        keys = [(id(style), id(font), script, level) for style, font, script, level
                in zip(self.styles, self.fonts, self.scripts, self.levels, strict=True)]
        self.items = list(runs(keys))
        self.opportunities = line_break_opportunities(self.text, self.lang)
        # Advances in font units per code point, and the px-per-unit each one uses.
        self.units = [0.0] * len(self.text)
        self.unit_px = [0.0] * len(self.text)
        for item_start, item_end in self.items:
            font = self.fonts[item_start]
            if font is None:
                continue
            for glyph in self.shape_range(item_start, item_end):
                self.units[glyph.cluster] += glyph.advance_units
            for index in range(item_start, item_end):
                self.unit_px[index] = self.styles[index].size / font.upem
        self.spacing = [self._spacing(index) for index in range(len(self.text))]

    def _spacing(self, index: int) -> float:
        style = self.styles[index]
        extra = style.word_spacing if self.text[index] in WORD_SEPARATORS else 0.0
        cluster_end = index + 1 == len(self.text) or self.cluster_start[index + 1] == index + 1
        if cluster_end:
            extra += style.letter_spacing
        return extra

    def shape_range(self, start: int, end: int) -> tuple[ShapedGlyph, ...]:
        font = self.fonts[start]
        assert font is not None
        key = (self.text, start, end, font, self.levels[start] % 2 == 1, self.scripts[start], self.lang)
        shaped = self.font_set.caches.shapes.get_or_make(key, lambda key: shape(*key))
        return t.cast(tuple[ShapedGlyph, ...], shaped)

    def advances(self, scale: float) -> list[float]:
        return [(u * p + s) * scale for u, p, s in zip(self.units, self.unit_px, self.spacing, strict=True)]

    def width(self, start: int, end: int, scale: float) -> float:
        return sum(self.advances(scale)[start:end])

    def break_lines(self, max_width: float | None, scale: float) -> tuple[list[tuple[int, int]], bool]:
        if not self.text:
            return [(0, 0)], False
        if max_width is None:
            return [(0, len(self.text))], False
        breaks = break_lines(self.advances(scale), self.opportunities, self.clusters,
                             self.is_space, max_width)
        return breaks.lines, breaks.forced

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Items clipped to ``[start, end)``."""
        return [(max(s, start), min(e, end)) for s, e in self.items if s < end and e > start]


def _guess_lang(text: str) -> str:
    """A language tag for CJK regional glyph forms when the template sets none."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" for c in text):
        return "ko"
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if han:
        try:
            "".join(han).encode("gb2312")
            return "zh-Hans"
        except UnicodeEncodeError:
            return "zh-Hant"
    return ""


@dataclasses.dataclass
class _Attempt:
    scale: float
    lines: list[tuple[int, int, int]]  # paragraph, start, end
    forced: bool
    allowed: int
    max_width: float | None

    @property
    def fits(self) -> bool:
        return len(self.lines) <= self.allowed and not self.forced


class _Layouter:
    def __init__(self, block: TextBlock, fonts: FontSet) -> None:
        self.block = block
        self.fonts = fonts
        self.options = block.options
        self.paragraphs = [_Paragraph(spans, fonts, block.options) for spans in block.paragraphs]
        first = next((span.style for spans in block.paragraphs for span in spans), TextStyle())
        self.base_style = first
        self.primary = (fonts.pick(first.families, first.weight, first.italic, "x", first.variations)
                        or fonts.pick(first.families, first.weight, first.italic, " ", first.variations))

    def line_advance(self, scale: float) -> float:
        return self.base_style.size * scale * self.options.line_height

    def em_split(self) -> tuple[float, float]:
        """The first font's ascent and descent, scaled to add up to one em.

        This is Inkscape's line model (each line's content area is exactly one em, split
        in the font's ascent:descent ratio), so baselines land where the designer saw them.
        """
        ascent, descent = self.primary.metrics if self.primary else (0.8, 0.2)
        total = (ascent + descent) or 1.0
        return ascent / total, descent / total

    def content_height(self, lines: int, scale: float) -> float:
        """Height of ``lines`` lines; with a line-height under 1 the first and last
        lines' em boxes still have to stay in the box."""
        advance = self.line_advance(scale)
        return (lines - 1) * advance + max(advance, self.base_style.size * scale)

    def allowed_lines(self, scale: float) -> int:
        allowed = self.options.max_lines or 10_000
        height = self.block.box.height
        if height is not None and self.block.wraps:
            advance = self.line_advance(scale)
            spare = height + 0.5 - self.content_height(1, scale)
            by_height = 1 + math.floor(spare / advance) if spare >= 0 else 1
            allowed = min(allowed, max(1, by_height))
        return allowed

    def attempt(self, scale: float, max_width: float | None = None) -> _Attempt:
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
        return _Attempt(scale, lines, forced, self.allowed_lines(scale), width)

    def _break_checked(self, paragraph: _Paragraph, width: float | None,
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

    def _shaped_width(self, paragraph: _Paragraph, start: int, end: int, scale: float) -> float:
        visible_end = trimmed_end(start, end, paragraph.is_space)
        runs = (self._shape_piece(paragraph, s, e, scale) for s, e in paragraph.pieces(start, visible_end))
        return sum(run.width for run in runs if run is not None)

    def choose(self) -> _Attempt:
        best = self.attempt(1.0)
        min_size = self.options.min_font_size
        size = self.base_style.size
        if not best.fits and min_size and min_size < size:
            # Largest size (in SHRINK_STEP_PX steps) that fits, by bisection.
            low, high = 0, int((size - min_size) / SHRINK_STEP_PX)
            found: _Attempt | None = None
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

    def _balance(self, best: _Attempt) -> _Attempt:
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
        return TextLayout(box, tuple(placed), round(size, 2), scale < 1.0,
                          truncated, chosen.forced, missing, advance)

    def _ellipsis_cut(self, paragraph: _Paragraph, start: int, end: int, scale: float,
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

    def _place_line(self, paragraph: _Paragraph, start: int, end: int, scale: float,
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

    def _visual_runs(self, paragraph: _Paragraph, start: int, end: int, scale: float,
                     ellipsis_run: PlacedRun | None) -> list[PlacedRun]:
        """The shaped runs of ``[start, end)`` (and the ellipsis) in visual order."""
        pieces: list[tuple[int, PlacedRun]] = []
        for piece_start, piece_end in paragraph.pieces(start, end):
            run = self._shape_piece(paragraph, piece_start, piece_end, scale)
            if run is not None:
                pieces.append((paragraph.levels[piece_start], run))
        if ellipsis_run is not None:
            pieces.append((paragraph.para_level, ellipsis_run))
        return visual_order([run for _, run in pieces], [level for level, _ in pieces])

    def _line_x(self, width: float, rtl: bool) -> float:
        box = self.block.box
        align = self.options.align
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

    def _ellipsis(self, paragraph: _Paragraph, at: int, scale: float) -> PlacedRun | None:
        if not self.options.ellipsis:
            return None
        style = paragraph.styles[at] if paragraph.styles else self.base_style
        spans = (Span(self.options.ellipsis, style),)
        mark = _Paragraph(spans, self.fonts, dataclasses.replace(self.options, direction="ltr"))
        return self._shape_piece(mark, 0, len(mark.text), scale)

    def _shape_piece(self, paragraph: _Paragraph, start: int, end: int,
                     scale: float) -> PlacedRun | None:
        font = paragraph.fonts[start]
        if font is None or start >= end:
            return None
        style = paragraph.styles[start]
        px = style.size * scale / font.upem
        glyphs = paragraph.shape_range(start, end)
        # Spacing belongs to clusters: add it after the last glyph of each cluster, for all
        # the characters of the cluster (up to where the next cluster of the run starts).
        # Characters without a glyph of their own (marks merged into a cluster, dropped
        # missing glyphs) still have their spacing, exactly as they were measured.
        starts = sorted({glyph.cluster for glyph in glyphs})
        bounds = [start, *starts[1:], end] if starts else []
        cluster_spacing = {
            cluster: sum(paragraph.spacing[low:high]) * scale
            for cluster, low, high in zip(starts, bounds, bounds[1:], strict=False)
        }
        placed = []
        pen = 0.0 if glyphs else sum(paragraph.spacing[start:end]) * scale
        for number, glyph in enumerate(glyphs):
            placed.append(PlacedGlyph(glyph.gid, pen + glyph.x_offset_units * px,
                                      -glyph.y_offset_units * px - style.baseline_shift * scale))
            pen += glyph.advance_units * px
            following = glyphs[number + 1].cluster if number + 1 < len(glyphs) else None
            if following != glyph.cluster:
                pen += cluster_spacing[glyph.cluster]
        return PlacedRun(paragraph.text[start:end], font, style, px, paragraph.levels[start] % 2 == 1,
                         paragraph.scripts[start], 0.0, pen, tuple(placed))


def _move(run: PlacedRun, x: float, baseline: float) -> PlacedRun:
    glyphs = tuple(PlacedGlyph(g.gid, g.x + x, g.y + baseline) for g in run.glyphs)
    return dataclasses.replace(run, x=x, glyphs=glyphs)


def layout_text(block: TextBlock, fonts: FontSet) -> TextLayout:
    """Lay ``block`` out with ``fonts``.

    Pure, and its input and output are immutable, so the caller may cache it (the
    renderer does: a card's labels that keep their default value are laid out once).
    """
    return _Layouter(block, fonts).layout()
