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
from .names import OG_NS
from .names import XML_NS

DEFAULT_FAMILIES = ("Inter",)


def og_attr(node: etree._Element, name: str, strip: bool = True) -> str | None:
    value = node.get(f"{{{OG_NS}}}{name}")
    if value is None:
        return None
    return value.strip() if strip else str(value)


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
        max_lines = og_attr(top, "max-lines")
        min_size = og_attr(top, "min-font-size")
        ellipsis = og_attr(top, "ellipsis", strip=False)
        return TextOptions(
            align=one_of(align, Align, "start"),
            valign=one_of(og_attr(top, "valign"), VAlign, "top"),
            line_height=line_height,
            max_lines=int(max_lines) if max_lines and max_lines.isdigit() and int(max_lines) > 0 else None,
            min_font_size=length(min_size) if min_size else None,
            ellipsis="" if (ellipsis or "").strip() == "none" else (ellipsis or "\u2026"),
            balance=(og_attr(top, "balance") or "").lower() in ("true", "yes", "1"),
            direction=one_of(og_attr(top, "direction") or _css_direction(computed), Direction, "auto"),
            lang=og_attr(top, "lang") or _lang_of(top),
            hyphens=one_of(og_attr(top, "hyphens"), Hyphens, "manual"),
            word_break=one_of(og_attr(top, "word-break"), WordBreak, "auto"),
            missing_glyphs=one_of(og_attr(top, "missing-glyphs"), MissingGlyphs, "drop"),
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
