"""Split a laid-out card into what every request paints the same and what it does not.

Everything painted before the first element that holds a value (the card's
:class:`~og.svg.dynamic.Dynamic` elements, from :func:`og.template.fill.fill` on) is the same
for every request of a template: the renderer draws that background once per template and
paints only the rest per request. The split
is made only where it cannot change the result: no group around the first value may
composite its children as a whole (opacity, filter, mask, clip-path, blend mode), and
nothing painted later may be referenced from before it.
"""

from __future__ import annotations

import typing as t

from lxml import etree

from ..svg.css import own_property
from ..svg.dynamic import Dynamic
from ..svg.names import local_name
from ..svg.paint_order import NOT_PAINTED
from ..svg.paint_order import keep_painted_from
from ..svg.paint_order import painted_before

_GROUP_EFFECTS = ("opacity", "filter", "mask", "clip-path", "mix-blend-mode")


def _composites(node: etree._Element) -> bool:
    for name in _GROUP_EFFECTS:
        value = own_property(node, name)
        if value and value.strip() not in ("none", "normal", "1", "1.0"):
            return True
    return False


def split_point(root: etree._Element, dynamic: Dynamic) -> etree._Element | None:
    """The first element holding a value, where the card can be split; else None."""
    first = dynamic.first(root)
    if first is None or any(_composites(a) for a in first.iterancestors()):
        return None
    later = [n for n in first.itersiblings()] + [s for a in first.iterancestors() for s in a.itersiblings()]
    if any(local_name(n) in NOT_PAINTED or any(local_name(d) in NOT_PAINTED - {"title", "desc"}
                                           for d in n.iter(etree.Element)) for n in later):
        return None  # something after the split is referenced from before it: keep it whole
    return first


def background(root: etree._Element, first: etree._Element) -> bytes:
    """The document as painted before ``first`` (a copy; ``root`` is unchanged)."""
    return t.cast(bytes, etree.tostring(painted_before(root, first)))


def foreground_tree(root: etree._Element, first: etree._Element) -> etree._Element:
    """The document from ``first`` on: ``root`` itself, cut (it is the request's own copy)."""
    keep_painted_from(first)
    return root

