"""What a document paints before and after one of its elements.

SVG paints in document order, so "everything before ``node``" is the elements that come
before it, and their ancestors' earlier siblings. Used to draw a card's static background
once (:mod:`og.raster.static`) and to give a blend mode its backdrop (:mod:`og.effects`).
"""

from __future__ import annotations

import copy

from lxml import etree

from .names import find_node
from .names import index_path
from .names import local_name

#: Elements that paint nothing themselves; a foreground keeps them so references resolve.
NOT_PAINTED = frozenset({"defs", "style", "metadata", "title", "desc", "namedview", "linearGradient",
                         "radialGradient", "pattern", "filter", "mask", "clipPath", "symbol", "marker"})


def painted_before(root: etree._Element, node: etree._Element) -> etree._Element:
    """A copy of the document with ``node`` and everything painted after it removed."""
    copy_root = copy.deepcopy(root)
    current = target = find_node(copy_root, index_path(node))
    while current.getparent() is not None:
        parent = current.getparent()
        for sibling in list(current.itersiblings()):
            parent.remove(sibling)
        current = parent
    target.getparent().remove(target)
    return copy_root


def keep_painted_from(node: etree._Element) -> None:
    """Remove, in place, what the document paints before ``node`` (what paints nothing stays,
    so references still resolve)."""
    current = node
    while current.getparent() is not None:
        parent = current.getparent()
        for sibling in list(current.itersiblings(preceding=True)):
            if local_name(sibling) not in NOT_PAINTED:
                parent.remove(sibling)
        current = parent
