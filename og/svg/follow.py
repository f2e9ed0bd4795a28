"""Shapes that follow their text: laid-out text → the rectangles tied to it, resized around it.

``<rect og:follow="tag" og:padding="12 22">`` takes the extent of the lines of the text whose id
is ``tag`` (as laid out: after shrinking, wrapping and mirroring), plus the padding (CSS order:
one value for all sides, two for vertical and horizontal, four for top, right, bottom, left),
keeping its corner radius: a badge or a highlight grows with its label. A text with nothing on it
takes its shape away.
"""

from __future__ import annotations

import dataclasses
import typing as t

from lxml import etree

from ..errors import TemplateError
from ..text.layout import TextLayout
from . import vocabulary
from .bounds import apply
from .bounds import own_matrix
from .dynamic import Dynamic
from .geometry import invert
from .names import by_id
from .names import index_path
from .names import local_name
from .read_text import TEXT_TAGS
from .read_text import TextSlot

FOLLOW = vocabulary.FOLLOW.qname


def padding(node: etree._Element) -> tuple[float, float, float, float]:
    """``og:padding`` as (top, right, bottom, left).

    >>> padding(etree.fromstring('<rect xmlns:og="urn:og-cards:template:1" og:padding="4 8"/>'))
    (4.0, 8.0, 4.0, 8.0)
    """
    return vocabulary.PADDING.require(node)


def followers(root: etree._Element) -> list[etree._Element]:
    """The shapes marked ``og:follow``, checked.

    :raises TemplateError: not on a ``<rect>``, naming no text, or a padding written wrong.
    """
    found = []
    for node in root.iter(etree.Element):
        name = node.get(FOLLOW)
        if name is None:
            continue
        where = f"og:follow={name[:40]!r} on <{local_name(node)} id={node.get('id')!r}> " \
                f"(line {node.sourceline})"
        if local_name(node) != "rect":
            raise TemplateError(f"{where}: put it on a <rect>")
        target = by_id(root, name)
        if target is None or target.tag not in TEXT_TAGS:
            raise TemplateError(f"{where}: no text has the id {name[:40]!r}")
        padding(node)
        found.append(node)
    return found


@dataclasses.dataclass(frozen=True)
class Follower:
    """A shape marked ``og:follow``, read once when its template is loaded and found again in
    each filled copy by its path."""

    path: tuple[int, ...]
    follows: str  # the id of the text whose lines it takes
    padding: tuple[float, float, float, float]  # top, right, bottom, left


def read_followers(root: etree._Element) -> tuple[Follower, ...]:
    """A template document's followers (:class:`TemplateError` as :func:`followers`)."""
    return tuple(Follower(index_path(node), node.get(FOLLOW, ""), padding(node)) for node in followers(root))


def follow_texts(shapes: t.Sequence[tuple[etree._Element, Follower]],
                 texts: t.Sequence[tuple[TextSlot, TextLayout]], dynamic: Dynamic) -> list[dict[str, t.Any]]:
    """Resize the followers of a laid-out document (``shapes``: each found in the filled copy;
    before its text is drawn: the text elements are still in place); each is dynamic. Returns, for
    the layout report, where each one went."""
    laid_out = {slot.id: (slot, layout) for slot, layout in texts}
    report: list[dict[str, t.Any]] = []
    for node, follower in shapes:
        dynamic.add(node)  # its size depends on the values: never in a cached background
        slot, layout = laid_out.get(follower.follows, (None, None))
        lines = [line for line in layout.lines if line.text.strip()] if layout else []
        entry: dict[str, t.Any] = {"id": node.get("id", ""), "follows": follower.follows}
        if slot is None or not lines:
            dynamic.take_away(node)
            report.append({**entry, "hidden": True})
            continue
        extent = (min(line.x for line in lines), min(line.top for line in lines),
                  max(line.x + line.width for line in lines), max(line.bottom for line in lines))
        # the text's user space → the root's → the rectangle's own (its x, y, width, height)
        x0, y0, x1, y1 = apply(invert(own_matrix(node)), apply(own_matrix(slot.element), extent))
        top, right, bottom, left = follower.padding
        box = (x0 - left, y0 - top, x1 - x0 + left + right, y1 - y0 + top + bottom)
        for attribute, value in zip(("x", "y", "width", "height"), box, strict=True):
            node.set(attribute, f"{value:.2f}")
        report.append({**entry, "x": round(box[0], 2), "y": round(box[1], 2), "width": round(box[2], 2),
                       "height": round(box[3], 2)})
    return report


def explain(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """What each ``og:follow`` does, for ``og check``."""
    said = []
    for node in followers(root):
        top, right, bottom, left = padding(node)
        sides = f"{top:g} {right:g} {bottom:g} {left:g}"
        said.append((node, f"og:follow: this <rect> takes the extent of #{node.get(FOLLOW)}'s lines as "
                           f"laid out, plus padding {sides} (top right bottom left), keeping its corner "
                           "radius; gone when that text is empty"))
    return said
