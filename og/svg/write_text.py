"""Laid-out text → back into the document, where the text element was."""

from __future__ import annotations

import typing as t

from lxml import etree

from .names import SODIPODI_NS
from .names import SVG_NS
from .read_text import TEXT_ONLY_ATTRIBUTES
from .read_text import TextSlot


def replace_with(slot: TextSlot, drawing: t.Iterable[etree._Element]) -> etree._Element:
    """Put a ``<g>`` with the drawing where the text element was, keeping its paint,
    transform, opacity, filter, id and class, so the rest of the document still applies."""
    node = slot.element
    group = etree.Element(f"{{{SVG_NS}}}g")
    for name, value in node.attrib.items():
        if name in TEXT_ONLY_ATTRIBUTES or str(name).startswith(f"{{{SODIPODI_NS}}}"):
            continue
        group.set(name, value)
    # Stylesheet paint may select the text element (``text.title``), not a <g>: make it explicit.
    paint = ";".join(f"{name}:{value}" for name, value in slot.paint.items())
    if paint:
        group.set("style", f"{paint};{node.get('style', '')}".rstrip(";"))
    for child in drawing:
        group.append(child)
    group.tail = node.tail
    parent = node.getparent()
    if parent is not None:
        parent.replace(node, group)
    return group
