"""The draw stage: a document's laid-out text blocks → drawn in place, each text element replaced
by a group of glyph paths (and colour-emoji images) with its bounding-box paint pinned to the whole
text; returns the :class:`~og.draw.elements.Glyphs` it made, which the raster stage draws itself."""

from __future__ import annotations

import typing as t

from lxml import etree

from ..caches import FontCaches
from ..svg.dynamic import Dynamic
from ..svg.read_text import TextSlot
from ..svg.write_text import replace_with
from ..text.layout import TextLayout
from .elements import Glyphs
from .elements import layout_elements
from .paint import pin_paint_servers


def draw_texts(root: etree._Element, texts: t.Sequence[tuple[TextSlot, TextLayout]], caches: FontCaches,
               dynamic: Dynamic) -> Glyphs:
    """Draw every text of ``root`` (``texts``: its slots and their layouts, in document order); a
    drawn text whose element was dynamic stays dynamic in ``dynamic``.

    :param caches: the glyph caches of the fonts the layouts used.
    """
    glyphs = Glyphs()
    for number, (slot, layout) in enumerate(texts):
        group = replace_with(slot, layout_elements(layout, caches, slot.paint, glyphs))
        dynamic.replaced(slot.element, group)
        pin_paint_servers(root, group, layout, f"og-text{number}")
    return glyphs
