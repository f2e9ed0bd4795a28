"""Where a shape is: an element's box in the root's user units, and the matrices between an
element's own user space and the root's (what mirroring and shapes that follow their text need).

Text is left out of a box: before layout og does not know where its lines go.
"""

from __future__ import annotations

from fontTools.pens.boundsPen import BoundsPen
from lxml import etree

from .geometry import IDENTITY
from .geometry import Matrix
from .geometry import multiply
from .geometry import parse_transform
from .names import local_name
from .path_data import draw
from .path_data import number_attribute
from .path_data import shape_data

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
_NOT_DRAWN = frozenset({"defs", "clipPath", "mask", "pattern", "marker", "symbol", "linearGradient",
                        "radialGradient", "filter", "metadata", "title", "desc", "style", "namedview",
                        "text", "flowRoot"})


def parent_matrix(node: etree._Element, outside: Matrix = IDENTITY) -> Matrix:
    """The ancestors' transforms: the parent's user space → the root's, then ``outside`` (the
    root's user space → the canvas's pixels, for what draws on the canvas)."""
    matrix = outside
    for ancestor in reversed(list(node.iterancestors())):
        if ancestor.getparent() is not None:  # the root's own transform is its viewBox's business
            matrix = multiply(matrix, parse_transform(ancestor.get("transform")))
    return matrix


def own_matrix(node: etree._Element) -> Matrix:
    """The element's user space → the root's (its own transform included)."""
    return multiply(parent_matrix(node), parse_transform(node.get("transform")))


def apply(matrix: Matrix, box: Box) -> Box:
    """The box around ``box``'s four corners after ``matrix``."""
    a, b, c, d, e, f = matrix
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def local_box(node: etree._Element) -> Box | None:
    """The element's geometry in its own user space (its transform not applied); a group's is its
    children's. Strokes are not counted: the box is where the geometry is."""
    tag = local_name(node)
    if tag in _NOT_DRAWN:
        return None
    if tag in ("rect", "image"):
        x, y = number_attribute(node, "x"), number_attribute(node, "y")
        return x, y, x + number_attribute(node, "width"), y + number_attribute(node, "height")
    if tag in ("circle", "ellipse"):
        rx = number_attribute(node, "r") if tag == "circle" else number_attribute(node, "rx")
        ry = number_attribute(node, "r") if tag == "circle" else number_attribute(node, "ry")
        cx, cy = number_attribute(node, "cx"), number_attribute(node, "cy")
        return cx - rx, cy - ry, cx + rx, cy + ry
    if tag == "line":
        xs = (number_attribute(node, "x1"), number_attribute(node, "x2"))
        ys = (number_attribute(node, "y1"), number_attribute(node, "y2"))
        return min(xs), min(ys), max(xs), max(ys)
    if tag in ("path", "polygon", "polyline"):
        pen = BoundsPen(None)
        try:
            draw(shape_data(node) or "", pen)
        except (ValueError, IndexError, AssertionError):
            return None
        return pen.bounds  # type: ignore[no-any-return]
    if tag in ("g", "a", "switch", "svg"):
        return union([apply(parse_transform(child.get("transform")), box) for child in node
                      if isinstance(child.tag, str) and (box := local_box(child)) is not None])
    return None


def root_box(node: etree._Element) -> Box | None:
    """The element's box in the root's user units."""
    box = local_box(node)
    return None if box is None else apply(own_matrix(node), box)
