"""The look of a text element: its computed CSS → a layout :class:`TextStyle` per span and the
block's :class:`TextOptions` (alignment, line height, og's own attributes)."""

from __future__ import annotations

import typing as t

from lxml import etree

from ..text.model import Align
from ..text.model import Direction
from ..text.model import Hyphens
from ..text.model import MissingGlyphs
from ..text.model import TextOptions
from ..text.model import TextStyle
from ..text.model import VAlign
from ..text.model import WordBreak
from ..text.model import one_of
from ..text.writing_modes import MODES
from ..text.writing_modes import Orientation
from ..text.writing_modes import Vertical
from .css import Cascade
from .css import as_float
from .css import font_families
from .css import font_variations
from .css import length
from .names import XML_NS
from .vocabulary import BALANCE
from .vocabulary import DIRECTION
from .vocabulary import ELLIPSIS
from .vocabulary import HYPHENS
from .vocabulary import LANG
from .vocabulary import MAX_LINES
from .vocabulary import MIN_FONT_SIZE
from .vocabulary import MISSING_GLYPHS
from .vocabulary import VALIGN
from .vocabulary import WORD_BREAK

DEFAULT_FAMILIES = ("Inter",)


class TextStyles:
    """Styles and options of one document's text, sharing one computed-style cascade."""

    def __init__(self, cascade: Cascade) -> None:
        self.cascade = cascade

    def style_of(self, top: etree._Element, node: etree._Element) -> TextStyle:
        computed = self.cascade.computed(node)
        size = as_float(computed, "font-size", 16.0)
        return TextStyle(
            families=font_families(computed.get("font-family")) or DEFAULT_FAMILIES,
            size=size,
            weight=int(as_float(computed, "font-weight", 400)),
            italic=computed.get("font-style", "normal").strip() in ("italic", "oblique"),
            letter_spacing=length(computed.get("letter-spacing"), size) or 0.0,
            word_spacing=length(computed.get("word-spacing"), size) or 0.0,
            baseline_shift=self.cascade.baseline_shift(top, node),
            variations=font_variations(computed.get("font-variation-settings")),
            paint=self.cascade.paint_between(top, node),
        )


    def options(self, top: etree._Element, area: bool) -> TextOptions:
        computed = self.cascade.computed(top)
        size = as_float(computed, "font-size", 16.0)
        align = computed.get("text-anchor", "start").strip()
        if area and "text-align" in computed:
            align = {"center": "middle", "justify": "start"}.get(
                computed["text-align"].strip(), computed["text-align"].strip())
        line_height = 1.25
        raw = computed.get("line-height", "").strip()
        if raw and raw != "normal":
            try:
                line_height = float(raw)
            except ValueError:
                line_height = (length(raw, size) or size * 1.25) / size
        return TextOptions(  # og's attributes, as declared in og.svg.vocabulary
            align=one_of(align, Align, "start"),
            valign=t.cast(VAlign, VALIGN.read(top)),
            line_height=line_height,
            max_lines=MAX_LINES.read(top),
            min_font_size=MIN_FONT_SIZE.read(top),
            ellipsis=ELLIPSIS.read(top),
            balance=BALANCE.read(top),
            direction=one_of(DIRECTION.given(top) or _css_direction(computed), Direction, "auto"),
            lang=LANG.given(top) or _lang_of(top),
            hyphens=t.cast(Hyphens, HYPHENS.read(top)),
            word_break=t.cast(WordBreak, WORD_BREAK.read(top)),
            missing_glyphs=t.cast(MissingGlyphs, MISSING_GLYPHS.read(top)),
        )



def vertical_mode(computed: t.Mapping[str, str]) -> Vertical | None:
    """``writing-mode`` (Inkscape writes SVG 1.1's ``tb-rl``) and ``text-orientation`` of a
    text element; None for horizontal text."""
    mode = MODES.get(computed.get("writing-mode", "").strip())
    if mode is None:
        return None
    orientation = computed.get("text-orientation", "mixed").strip()
    return Vertical(mode, one_of("sideways" if orientation == "sideways-right" else orientation,
                                 Orientation, "mixed"))  # sideways-right: CSS 3's old name


def _css_direction(computed: t.Mapping[str, str]) -> str | None:
    """CSS ``direction: rtl`` (Inkscape's text direction button): an RTL paragraph, whose
    ``start`` is its right end. ``ltr``, the initial value, leaves og's default (from the text
    itself), so a Hebrew value in a template drawn left to right still reads right to left."""
    return "rtl" if computed.get("direction", "").strip() == "rtl" else None


def _lang_of(node: etree._Element) -> str:
    current: etree._Element | None = node
    while current is not None:
        lang = current.get(f"{{{XML_NS}}}lang") or current.get("lang")
        if lang:
            return str(lang)
        current = current.getparent()
    return ""
