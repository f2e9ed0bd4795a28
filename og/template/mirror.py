"""Mirroring for right-to-left cards: a filled document → the same document laid out as its
designer would for a right-to-left language, when the card's main text is right-to-left.

A designer marks what mirrors, in Inkscape's XML editor:

=============================  ==================================================================
``og:mirror="move"``           a shape or group moves to the mirrored place, its drawing
                               unchanged (a logo, an avatar: the text inside moves with it)
``og:mirror="flip"``           a shape or group is drawn mirrored (an accent bar, a quote mark,
                               an arrow); it may hold no text
``og:mirror="true"`` on text   its box (or, for point text, its anchor) goes to the mirrored
                               place and its alignment swaps sides (start ↔ right, end ↔ left)
=============================  ==================================================================

The card's main text is the first ``og:required`` placeholder in document order (else the first
placeholder given a value); its first strong character decides (UAX #9, rules P2-P3). Mirroring
is about the vertical line through the middle of the page.
"""

from __future__ import annotations

import dataclasses
import re
import typing as t

from lxml import etree

from ..errors import TemplateError
from ..svg import vocabulary
from ..svg.bounds import apply
from ..svg.bounds import local_box
from ..svg.bounds import own_matrix
from ..svg.bounds import parent_matrix
from ..svg.bounds import root_box
from ..svg.css import Cascade
from ..svg.css import length
from ..svg.css import parse_declarations
from ..svg.dynamic import Dynamic
from ..svg.geometry import Matrix
from ..svg.geometry import format_matrix
from ..svg.geometry import invert
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.names import SVG_NS
from ..svg.names import URL_ID
from ..svg.names import by_id
from ..svg.names import find_node
from ..svg.names import index_path
from ..svg.names import local_name
from ..svg.read_text import TEXT_TAGS
from ..svg.vocabulary import REQUIRED
from ..text.bidi import embedding_levels

MIRROR = vocabulary.MIRROR.qname
SHAPE_MODES = ("move", "flip")
TEXT_MODES = ("true", "move")
#: A mirrored text's alignment: the side it sat on, swapped (the design was drawn left to right).
SWAPPED = {"start": "right", "left": "right", "end": "left", "right": "left", "justify": "right"}
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")


def marked(root: etree._Element) -> list[etree._Element]:
    """The elements marked ``og:mirror``, checked.

    :raises TemplateError: an unknown mode, or text inside a flipped group (its glyphs would be
        drawn backwards: mark the text itself).
    """
    found = []
    for node in root.iter(etree.Element):
        mode = node.get(MIRROR)
        if mode is None:
            continue
        is_text = node.tag in TEXT_TAGS
        if mode not in (TEXT_MODES if is_text else SHAPE_MODES):
            use = "true" if is_text else "move or flip"
            raise TemplateError(f"og:mirror={mode[:20]!r} on <{local_name(node)} id={node.get('id')!r}> "
                                f"(line {node.sourceline}): use {use}")
        if mode == "flip" and next(node.iter(*TEXT_TAGS), None) is not None:
            raise TemplateError(f"og:mirror='flip' on <{local_name(node)} id={node.get('id')!r}> "
                                f"(line {node.sourceline}) holds text, which would read backwards: "
                                "use og:mirror='move', or mark the text itself")
        found.append(node)
    return found


@dataclasses.dataclass(frozen=True)
class Mark:
    """An element marked ``og:mirror``, found again in each filled copy by its path."""

    path: tuple[int, ...]
    mode: str


@dataclasses.dataclass(frozen=True)
class Mirroring:
    """A template's mirroring, read once when it is loaded: the marked elements, and every
    placeholder in its text in document order (with whether that text is ``og:required``), which
    is all a request's values need to decide the card's direction."""

    marks: tuple[Mark, ...] = ()
    placeholders: tuple[tuple[str, bool], ...] = ()

    def main_param(self, values: t.Mapping[str, str]) -> str | None:
        """The placeholder whose value decides the card's direction (see the module's docstring)."""
        return next((n for n, required in self.placeholders if required),
                    next((n for n, _ in self.placeholders if values.get(n, "").strip()), None))

    def is_rtl(self, values: t.Mapping[str, str]) -> bool:
        name = self.main_param(values)
        return name is not None and is_rtl(values.get(name, ""))


def read_mirroring(root: etree._Element) -> Mirroring:
    """A template document's :class:`Mirroring` (:class:`TemplateError` as :func:`marked`)."""
    marks = tuple(Mark(index_path(node), node.get(MIRROR, "")) for node in marked(root))
    placeholders: list[tuple[str, bool]] = []
    for node in root.iter(*TEXT_TAGS):
        required = REQUIRED.read(node)
        placeholders.extend((name, required) for name in _PLACEHOLDER.findall("".join(node.itertext())))
    return Mirroring(marks, tuple(placeholders))


def is_rtl(text: str) -> bool:
    return bool(text.strip()) and embedding_levels(text)[0] == 1


def page_span(root: etree._Element, width: float) -> tuple[float, float]:
    """The page's left and right edges in the root's user units."""
    box = [length(v) or 0.0 for v in (root.get("viewBox") or "").replace(",", " ").split()]
    return (box[0], box[0] + box[2]) if len(box) == 4 and box[2] else (0.0, width)


def mirror(root: etree._Element, marks: t.Sequence[tuple[etree._Element, Mark]], span: tuple[float, float],
           rtl: bool, dynamic: Dynamic) -> list[str]:
    """Mirror the marked elements of a filled document (``marks``: each found in ``root``) about the
    middle of ``span`` when ``rtl``; a marked element's place depends on the values only through
    the direction, which is the card's variant (:meth:`Dynamic.vary`) whenever the template
    mirrors anything (a text's value makes it dynamic anyway). Returns the ids of the elements mirrored."""
    done = []
    frames: set[etree._Element] = set()  # a frame two texts share moves once
    cascade = Cascade(root) if rtl else None
    if marks:
        dynamic.vary(("rtl", rtl))
    for node, mark in marks:
        if cascade is None or cascade.display_none(node):  # hidden: another Inkscape page's, say
            continue
        if node.tag in TEXT_TAGS:
            _mirror_text(root, node, span, frames, cascade)
        else:
            _mirror_shape(node, span, mark.mode == "flip")
        done.append(node.get("id") or local_name(node))
    return done


def _in_parent(node: etree._Element, step: Matrix) -> None:
    """Apply ``step`` (in the root's user space) to ``node`` in its parent's user space."""
    parent = parent_matrix(node)
    local = multiply(multiply(invert(parent), step), parent)
    node.set("transform", format_matrix(multiply(local, parse_transform(node.get("transform")))))


def _mirror_shape(node: etree._Element, span: tuple[float, float], flip: bool) -> None:
    axis2 = span[0] + span[1]  # twice the mirror line's x
    if flip:
        _in_parent(node, (-1.0, 0.0, 0.0, 1.0, axis2, 0.0))
        return
    box = root_box(node)
    if box is not None:
        _in_parent(node, (1.0, 0.0, 0.0, 1.0, axis2 - box[0] - box[2], 0.0))


def _set_style(node: etree._Element, name: str, value: str | None) -> None:
    kept = [(k, v) for k, v in parse_declarations(node.get("style", "")) if k != name]
    if value is not None:
        kept.append((name, value))
    if kept or node.get("style") is not None:
        node.set("style", ";".join(f"{k}:{v}" for k, v in kept))


def _swap_alignment(node: etree._Element, names: tuple[str, ...], cascade: Cascade) -> None:
    """The text's alignment on the other side, as a physical side. The current one is the first
    of ``names`` the element (or else its first styled descendant) says, else start."""
    said = [cascade.declared(n, name) for name in names for n in node.iter(etree.Element)]
    current = next((s for s in said if s), "start")
    if current in ("middle", "center"):
        return
    for child in node.iter(etree.Element):
        for name in names:
            _set_style(child, name, None)
            child.attrib.pop(name, None)
    for name in names:
        _set_style(node, name, SWAPPED.get(current, current))


def _mirror_frame(frame: etree._Element, text: etree._Element, span: tuple[float, float]) -> None:
    """Move a text's frame (a rectangle in ``<defs>``, in the text's own user space) to the
    mirrored place."""
    box = local_box(frame)
    if box is None:
        return
    matrix = own_matrix(text)
    x0, _, x1, _ = apply(matrix, box)
    dx = (span[0] + span[1] - x0 - x1) / (matrix[0] or 1.0)
    frame.set("x", f"{(length(frame.get('x')) or 0.0) + dx:.6g}")


def _mirror_text(root: etree._Element, node: etree._Element, span: tuple[float, float],
                 frames: set[etree._Element], cascade: Cascade) -> None:
    frame = URL_ID.search(cascade.declared(node, "shape-inside") or "")
    region = node.find(f"{{{SVG_NS}}}flowRegion")
    if frame is not None or region is not None:
        target = by_id(root, frame.group(1)) if frame is not None else next(iter(t.cast(t.Any, region)), None)
        if target is not None and target not in frames:
            _mirror_frame(target, node, span)
            frames.add(target)
        _swap_alignment(node, ("text-align", "text-anchor"), cascade)
        return
    matrix = own_matrix(node)
    for element in node.iter(f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan"):
        x = length((element.get("x") or "").split()[0] if element.get("x") else None)
        if x is None:
            continue
        root_x = apply(matrix, (x, 0.0, x, 0.0))[0]
        mirrored = span[0] + span[1] - root_x
        element.set("x", f"{(mirrored - matrix[4]) / (matrix[0] or 1.0):.6g}")
    _swap_alignment(node, ("text-anchor",), cascade)


def explain(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """What each ``og:mirror`` does, for ``og check`` (after :func:`marked` accepted them)."""
    name = read_mirroring(root).main_param({})
    main = f"{{{{ {name} }}}}" if name else "the first placeholder given a value"
    said = []
    for node in marked(root):
        mode = node.get(MIRROR)
        what = ("is drawn mirrored" if mode == "flip" else "moves to the mirrored place, drawn unchanged"
                if node.tag not in TEXT_TAGS else "moves to the mirrored place and aligns to the other side")
        said.append((node, f"og:mirror={mode}: when the card's main text ({main}) is right-to-left, "
                           f"<{local_name(node)}> {what}"))
    return said


def mirror_report(template_root: etree._Element, mirroring: Mirroring,
                  values: t.Mapping[str, str]) -> dict[str, t.Any] | None:
    """For the layout report: which value decided the direction, and what was mirrored."""
    if not mirroring.marks:
        return None
    rtl = mirroring.is_rtl(values)
    mirrored = []
    if rtl:  # what was mirrored, as the mirror stage saw it (another page's hidden layer was not)
        cascade = Cascade(template_root)
        nodes = [find_node(template_root, mark.path) for mark in mirroring.marks]
        mirrored = [n.get("id") or local_name(n) for n in nodes if not cascade.display_none(n)]
    return {"main": mirroring.main_param(values), "direction": "rtl" if rtl else "ltr", "mirrored": mirrored}
