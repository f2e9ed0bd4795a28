"""Split a laid-out card into what every request paints the same and what it does not.

Everything painted before the first element that holds a value (``og:dynamic``, set by
:func:`og.fill.fill`) is the same for every request of a template: :mod:`og.raster`
draws that background once and paints only the rest per request. The split is made only
where it cannot change the result: no group around the first value may composite its
children as a whole (opacity, filter, mask, clip-path, blend mode).
"""

from __future__ import annotations

import copy
import typing as t

from lxml import etree

from ..svg.css import parse_declarations
from ..svg.names import DYNAMIC
from ..svg.names import find_node
from ..svg.names import index_path
from ..svg.names import local_name

#: Elements that paint nothing themselves; a foreground keeps them so references resolve.
_NOT_PAINTED = frozenset({"defs", "style", "metadata", "title", "desc", "namedview", "linearGradient",
                          "radialGradient", "pattern", "filter", "mask", "clipPath", "symbol", "marker"})
_GROUP_EFFECTS = ("opacity", "filter", "mask", "clip-path", "mix-blend-mode")


def _copy_and_find(root: etree._Element, node: etree._Element) -> tuple[etree._Element, etree._Element]:
    copy_root = copy.deepcopy(root)
    return copy_root, find_node(copy_root, index_path(node))


def painted_before(root: etree._Element, node: etree._Element) -> etree._Element:
    """A copy of the document with ``node`` and everything painted after it removed."""
    copy_root, current = _copy_and_find(root, node)
    target = current
    while current.getparent() is not None:
        parent = current.getparent()
        for sibling in list(current.itersiblings()):
            parent.remove(sibling)
        current = parent
    target.getparent().remove(target)
    return copy_root


def painted_from(root: etree._Element, node: etree._Element) -> etree._Element:
    """A copy of the document without what is painted before ``node`` (defs stay)."""
    copy_root, current = _copy_and_find(root, node)
    while current.getparent() is not None:
        parent = current.getparent()
        for sibling in list(current.itersiblings(preceding=True)):
            if local_name(sibling) not in _NOT_PAINTED:
                parent.remove(sibling)
        current = parent
    return copy_root


def _composites(node: etree._Element) -> bool:
    style = dict(parse_declarations(node.get("style", "")))
    for name in _GROUP_EFFECTS:
        value = style.get(name) or node.get(name)
        if value and value.strip() not in ("none", "normal", "1", "1.0"):
            return True
    return False


def static_split(root: etree._Element) -> tuple[bytes, bytes] | None:
    """``(background, foreground)`` documents, or None when the card cannot be split."""
    first = next((n for n in root.iter(etree.Element) if n.get(DYNAMIC)), None)
    if first is None or any(_composites(a) for a in first.iterancestors()):
        return None
    later = [n for n in first.itersiblings()] + [s for a in first.iterancestors() for s in a.itersiblings()]
    if any(local_name(n) in _NOT_PAINTED or any(local_name(d) in _NOT_PAINTED - {"title", "desc"}
                                            for d in n.iter(etree.Element)) for n in later):
        return None  # something after the split is referenced from before it: keep it whole
    background = painted_before(root, first)
    foreground = painted_from(root, first)
    return (t.cast(bytes, etree.tostring(background)), t.cast(bytes, etree.tostring(foreground)))
