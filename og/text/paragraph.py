"""One paragraph of a text block, analysed once: bidi levels, scripts, a font per cluster,
shaped items and their advances; measured and shaped again at any scale."""

from __future__ import annotations

import bisect
import dataclasses
import typing as t

from .bidi import embedding_levels
from .breaking import break_lines
from .cjk_spacing import trim_features
from .fonts import FontSet
from .fonts import ResolvedFont
from .hyphens import HYPHEN_CHARACTERS
from .hyphens import SOFT_HYPHEN
from .model import PlacedGlyph
from .model import PlacedRun
from .model import Span
from .model import TextOptions
from .model import TextStyle
from .segment import grapheme_boundaries
from .segment import is_ignorable
from .segment import line_break_opportunities
from .segment import resolve_scripts
from .segment import runs
from .shape import Shaped
from .shape import ShapedGlyph
from .shape import shape
from .tracking import joins_next
from .typography import analyse

SPACES = frozenset(" \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000")
WORD_SEPARATORS = frozenset(" \u00a0")


#: Drawn for a character no font has, with ``og:missing-glyphs="mark"``.
REPLACEMENT = "\ufffd"


def mark_missing(text: str, styles: t.Sequence[TextStyle], fonts: FontSet) -> tuple[str, list[str]]:
    """``text`` with every character no font of its style's chain draws replaced by U+FFFD
    (one code point for one, so nothing else moves), and those characters as ``U+XXXX``."""
    out, marked = [], []
    for char, style in zip(text, styles, strict=True):
        if char.isspace() or is_ignorable(char) or fonts.pick(
                style.families, style.weight, style.italic, char, style.variations) is not None:
            out.append(char)
        else:
            out.append(REPLACEMENT)
            marked.append(f"U+{ord(char):04X}")
    return "".join(out), marked


def _cluster_font(fonts: FontSet, style: TextStyle,
                  cluster: str) -> tuple[ResolvedFont | None, tuple[str, ...]]:
    """The font that draws ``cluster`` in ``style``, and the code points it leaves undrawn
    (``U+XXXX``; none for white space, which needs no glyph)."""
    font = fonts.pick(style.families, style.weight, style.italic, cluster, style.variations)
    if font is None:
        # No font has the whole cluster (marks from another script, unassigned code
        # points): draw its base with the base's font; what that lacks is reported.
        font = fonts.pick(style.families, style.weight, style.italic, cluster[0], style.variations)
    if cluster.isspace():
        return font, ()
    uncovered = cluster if font is None else [c for c in cluster if not font.face.covers(c)]
    return font, tuple(f"U+{ord(char):04X}" for char in uncovered)


class Paragraph:
    """One paragraph, analysed and shaped once; measured at any scale."""

    def __init__(self, spans: t.Sequence[Span], fonts: FontSet, options: TextOptions) -> None:
        self.font_set = fonts
        self.text = "".join(span.text for span in spans)
        self.styles: list[TextStyle] = [span.style for span in spans for _ in span.text]
        marked: list[str] = []
        if options.missing_glyphs == "mark":
            self.text, marked = mark_missing(self.text, self.styles, fonts)
        self.lang = options.lang or guess_lang(self.text)
        self.para_level, self.levels = embedding_levels(self.text, options.direction)
        self.scripts = resolve_scripts(self.text)
        self.clusters = grapheme_boundaries(self.text)
        self.is_space = [char in SPACES for char in self.text]
        self.fonts: list[ResolvedFont | None] = []
        self.missing: list[str] = marked
        # A title repeats its letters: each (style, cluster) is looked up once per paragraph.
        chosen: dict[tuple[int, str], tuple[ResolvedFont | None, tuple[str, ...]]] = {}
        self.cluster_start: list[int] = []  # per code point, where its cluster starts
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
                found = chosen.get((id(style), cluster))
                if found is None:
                    found = chosen[id(style), cluster] = _cluster_font(fonts, style, cluster)
                font, uncovered = found
                self.missing.extend(uncovered)
            self.fonts.extend([font] * (end - start))
            self.cluster_start.extend([start] * (end - start))
            start = end
        keys = [(id(style), id(font), script, level) for style, font, script, level
                in zip(self.styles, self.fonts, self.scripts, self.levels, strict=True)]
        self.items = list(runs(keys))
        self.typography = analyse(self.text, line_break_opportunities(self.text, self.lang),
                                  self.lang, options)
        self.opportunities = self.typography.opportunities
        # Advances in font units per code point, and the px-per-unit each one uses.
        self.units = [0.0] * len(self.text)
        self.unit_px = [0.0] * len(self.text)
        # Each item's shaping, kept to cut lines out of (None: no font, or features by range).
        self._item_starts = [item_start for item_start, _ in self.items]
        self._whole: list[Shaped | None] = []
        for item_start, item_end in self.items:
            font = self.fonts[item_start]
            self._whole.append(None)
            if font is None:
                continue
            whole = self._shape(item_start, item_end)
            if not self._features(item_start, item_end):
                self._whole[-1] = whole
            for glyph in whole.glyphs:
                self.units[glyph.cluster] += glyph.advance_units
            # An item is one style and font: one px-per-unit.
            px_per_unit = self.styles[item_start].size / font.upem
            self.unit_px[item_start:item_end] = [px_per_unit] * (item_end - item_start)
        # Spacing in px per code point (letter- and word-spacing); none in most templates.
        self.spaced = any(span.style.letter_spacing or span.style.word_spacing for span in spans)
        self.spacing = ([self._spacing(index) for index in range(len(self.text))] if self.spaced
                        else [0.0] * len(self.text))
        # Fitting asks for the same widths and lines again (each try, then placing): kept per scale.
        self._advances: dict[float, list[float]] = {}
        self._pieces: dict[tuple[int, int, float], PlacedRun | None] = {}
        self.hyphen_marks = self._hyphen_marks(options)

    def _spacing(self, index: int) -> float:
        style = self.styles[index]
        extra = style.word_spacing if self.text[index] in WORD_SEPARATORS else 0.0
        cluster_end = index + 1 == len(self.text) or self.cluster_start[index + 1] == index + 1
        if cluster_end and not joins_next(self.text, self.scripts, index):
            extra += style.letter_spacing
        return extra

    def _features(self, start: int, end: int) -> tuple[tuple[str, int, int], ...]:
        font = self.fonts[start]
        assert font is not None
        return trim_features(font.face.hb_face, self.typography.trimmed, start, end)

    def _shape(self, start: int, end: int) -> Shaped:
        font = self.fonts[start]
        key = (self.text, start, end, font, self.levels[start] % 2 == 1, self.scripts[start], self.lang,
               self._features(start, end))
        return t.cast(Shaped, self.font_set.caches.shapes.get_or_make(key, lambda key: shape(*key)))

    def shape_range(self, start: int, end: int) -> tuple[ShapedGlyph, ...]:
        """The glyphs of ``[start, end)`` (one font, level and script), shaped with the whole
        paragraph as context: cut out of its item's where HarfBuzz says that is the same."""
        cut = self._cut_out(start, end)
        return cut if cut is not None else self._shape(start, end).glyphs

    def _cut_out(self, start: int, end: int) -> tuple[ShapedGlyph, ...] | None:
        """``[start, end)``'s glyphs taken from its item's shaping (a line of a wrapped
        title: fitting tries many), or None where the item cannot tell (its ends are not
        clean cuts, or no item holds the whole range)."""
        index = bisect.bisect_right(self._item_starts, start) - 1
        whole = self._whole[index] if index >= 0 else None
        if whole is None or end > self.items[index][1]:
            return None
        item_start, item_end = self.items[index]
        if (start, end) == (item_start, item_end):
            return whole.glyphs
        if (start != item_start and not whole.cuts_cleanly(start)) or \
                (end != item_end and not whole.cuts_cleanly(end)):
            return None
        return tuple(glyph for glyph in whole.glyphs if start <= glyph.cluster < end)

    def advances(self, scale: float) -> list[float]:
        """Width of each code point in px at ``scale`` (the list is shared: not to be changed)."""
        found = self._advances.get(scale)
        if found is None:
            found = self._advances[scale] = [(u * p + s) * scale for u, p, s
                                             in zip(self.units, self.unit_px, self.spacing, strict=True)]
        return found

    def width(self, start: int, end: int, scale: float) -> float:
        return sum(self.advances(scale)[start:end])

    def break_lines(self, max_width: float | None, scale: float) -> tuple[list[tuple[int, int]], bool]:
        if not self.text:
            return [(0, 0)], False
        if max_width is None:
            return [(0, len(self.text))], False
        hyphens = {end: self.hyphen_width(end, scale) for end in self.hyphen_marks}
        breaks = break_lines(self.advances(scale), self.opportunities, self.clusters,
                             self.is_space, max_width, hyphens, self.typography.inside_phrases)
        return breaks.lines, breaks.forced

    def _hyphen_marks(self, options: TextOptions) -> dict[int, Paragraph]:
        """The hyphen drawn where a line ends at each hyphenated break: U+2010 where the font
        of the letter before has it (else U+002D), in that letter's style."""
        marks: dict[int, Paragraph] = {}
        made: dict[tuple[str, TextStyle], Paragraph] = {}
        plain = dataclasses.replace(options, direction="ltr", hyphens="manual", word_break="normal")
        for end in sorted(self.typography.hyphen_breaks):
            letter = end - 2 if self.text[end - 1] == SOFT_HYPHEN and end > 1 else end - 1
            font, style = self.fonts[letter], self.styles[letter]
            char = next((c for c in HYPHEN_CHARACTERS if font is not None and font.face.covers(c)),
                        HYPHEN_CHARACTERS[-1])
            if (char, style) not in made:
                made[char, style] = Paragraph((Span(char, style),), self.font_set, plain)
            marks[end] = made[char, style]
        return marks

    def hyphen_width(self, end: int, scale: float) -> float:
        """Width of the hyphen a line ending at ``end`` draws (0 where it draws none)."""
        mark = self.hyphen_marks.get(end)
        return mark.width(0, len(mark.text), scale) if mark is not None else 0.0

    def hyphen_run(self, end: int, scale: float) -> PlacedRun | None:
        mark = self.hyphen_marks.get(end)
        return mark.shape_piece(0, len(mark.text), scale) if mark is not None else None

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Items clipped to ``[start, end)``."""
        return [(max(s, start), min(e, end)) for s, e in self.items if s < end and e > start]


    def shape_piece(self, start: int, end: int, scale: float) -> PlacedRun | None:
        """``[start, end)`` shaped and positioned from x = 0, at ``scale`` times the font size
        (once per paragraph: fitting checks the lines that placing then draws)."""
        key = (start, end, scale)
        if key not in self._pieces:
            self._pieces[key] = self._shape_piece(start, end, scale)
        return self._pieces[key]

    def _shape_piece(self, start: int, end: int, scale: float) -> PlacedRun | None:
        font = self.fonts[start]
        if font is None or start >= end:
            return None
        style = self.styles[start]
        px = style.size * scale / font.upem
        glyphs = self.shape_range(start, end)
        rtl = self.levels[start] % 2 == 1
        shift = style.baseline_shift * scale
        gaps = self._gaps(glyphs, start, end, scale, rtl) if self.spaced else [(0.0, 0.0)] * len(glyphs)
        placed = []
        place = PlacedGlyph._make  # (gid, x, y, angle): from a tuple, twice as fast
        pen = 0.0 if glyphs else sum(self.spacing[start:end]) * scale
        for glyph, (before, after) in zip(glyphs, gaps, strict=True):
            pen += before
            x, y = pen + glyph.x_offset_units * px, -glyph.y_offset_units * px - shift
            placed.append(place((glyph.gid, x, y, 0.0)))
            pen += glyph.advance_units * px
            pen += after
        return PlacedRun(self.text[start:end], font, style, px, rtl,
                         self.scripts[start], 0.0, pen, tuple(placed))


    def _gaps(self, glyphs: t.Sequence[ShapedGlyph], start: int, end: int, scale: float,
              rtl: bool) -> list[tuple[float, float]]:
        """Letter- and word-spacing (px) before and after each glyph of ``[start, end)``.

        Spacing belongs to clusters: it goes after the last glyph of each cluster, for all
        the characters of the cluster (up to where the next cluster of the run starts).
        Characters without a glyph of their own (marks merged into a cluster, dropped
        missing glyphs) still have their spacing, exactly as they were measured. It goes at
        the cluster's logical end: its right in left-to-right text, its left (before it, in
        the visual order glyphs come in) in right-to-left text.
        """
        starts = sorted({glyph.cluster for glyph in glyphs})
        bounds = [start, *starts[1:], end] if starts else []
        cluster_spacing = {
            cluster: sum(self.spacing[low:high]) * scale
            for cluster, low, high in zip(starts, bounds, bounds[1:], strict=False)
        }
        gaps = []
        for number, glyph in enumerate(glyphs):
            previous = glyphs[number - 1].cluster if number else None
            following = glyphs[number + 1].cluster if number + 1 < len(glyphs) else None
            spacing = cluster_spacing[glyph.cluster]
            gaps.append((spacing if rtl and previous != glyph.cluster else 0.0,
                         spacing if not rtl and following != glyph.cluster else 0.0))
        return gaps


def guess_lang(text: str) -> str:
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
