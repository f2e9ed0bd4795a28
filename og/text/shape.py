"""A thin wrapper over HarfBuzz shaping (its caller caches the results, see FontSet.caches)."""

from __future__ import annotations

import dataclasses
import typing as t

import uharfbuzz as hb

from .fonts import ResolvedFont

NOTDEF = 0  # glyph 0 is the font's missing-glyph box

#: Kerning and standard ligatures are HarfBuzz defaults; listed so the intent is visible.
DEFAULT_FEATURES: dict[str, bool] = {"kern": True, "liga": True, "calt": True}


class ShapedGlyph(t.NamedTuple):
    """One glyph as HarfBuzz placed it, in font units; ``cluster`` indexes the text.

    A named tuple, made in a third of a frozen dataclass's time: converting HarfBuzz's glyphs
    to these took twenty times as long as shaping them.
    """

    gid: int
    cluster: int
    advance_units: int
    x_offset_units: int
    y_offset_units: int


@dataclasses.dataclass(frozen=True)
class Shaped:
    """A run's glyphs (visual order), and HarfBuzz's glyph infos to tell where it may be cut."""

    glyphs: tuple[ShapedGlyph, ...]
    infos: tuple[hb.GlyphInfo, ...] = dataclasses.field(repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.glyphs)

    def cuts_cleanly(self, at: int) -> bool:
        """Whether the text shaped in two pieces, before and from the cluster starting at
        code point ``at`` (with the same context), gives exactly these glyphs: HarfBuzz flags
        a cluster UNSAFE_TO_BREAK where it does not (a ligature, kerning or joining across
        the cut, a font's contextual rule). Read here, not for every glyph: a flag costs as
        much to read as the rest of its glyph."""
        found = False
        for info in self.infos:
            if info.cluster == at:
                if info.flags & hb.GlyphFlags.UNSAFE_TO_BREAK:
                    return False
                found = True
        return found  # no cluster starts there (inside a ligature, or dropped): not known


def new_buffer(text: str, start: int, end: int, direction: str, script: str, lang: str) -> hb.Buffer:
    """A HarfBuzz buffer with ``text[start:end]`` (the rest of ``text`` as context)."""
    buf = hb.Buffer()
    buf.add_str(text, start, end - start)
    buf.direction = direction
    if script and script not in ("Zyyy", "Zinh", "Zzzz"):
        buf.script = script
    if lang:
        buf.language = lang
    buf.guess_segment_properties()
    buf.cluster_level = hb.BufferClusterLevel.MONOTONE_CHARACTERS
    return buf


def shape(text: str, start: int, end: int, font: ResolvedFont, rtl: bool,
          script: str, lang: str, extra: tuple[tuple[str, int, int], ...] = ()) -> Shaped:
    """Shape ``text[start:end]`` with the rest of ``text`` as context (for joining).

    ``extra`` turns features on for ranges of ``text`` (``(tag, start, end)``), e.g. ``halt``
    on trimmed CJK punctuation. Glyphs come back in visual order (left to right), as
    HarfBuzz returns them.
    """
    buf = new_buffer(text, start, end, "rtl" if rtl else "ltr", script, lang)
    features: dict[str, t.Any] = dict(DEFAULT_FEATURES)
    for tag, low, high in extra:
        features.setdefault(tag, []).append((low, high, 1))
    hb.shape(font.hb_font, buf, features)
    infos = tuple(buf.glyph_infos)
    make = ShapedGlyph._make  # from a tuple: twice as fast as by arguments
    glyphs = tuple(
        make((info.codepoint, info.cluster, pos.x_advance, pos.x_offset, pos.y_offset))
        for info, pos in zip(infos, buf.glyph_positions, strict=True)
        if info.codepoint != NOTDEF  # never a missing-glyph box; the code point is reported
    )
    return Shaped(glyphs, infos)
