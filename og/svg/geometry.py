"""2D affine transforms as SVG writes them (``matrix(a b c d e f)``)."""

from __future__ import annotations

import math
import re

from lxml import etree

_SEPARATORS = re.compile(r"[\s,]+")
_TRANSFORM = re.compile(r"(matrix|translate|scale|rotate|skewX|skewY)\s*\(([^)]*)\)")

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in SVG
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """``m`` then ``n`` applied inside it (SVG's ``transform="m n"``)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    if abs(det) < 1e-12:
        return IDENTITY
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def parse_transform(text: str | None) -> Matrix:
    """An SVG ``transform`` attribute as one matrix.

    >>> parse_transform("translate(10,5) scale(2)")
    (2.0, 0.0, 0.0, 2.0, 10.0, 5.0)
    """
    matrix = IDENTITY
    for name, raw in _TRANSFORM.findall(text or ""):
        v = [float(x) for x in re.split(r"[\s,]+", raw.strip()) if x]
        if name == "matrix" and len(v) == 6:
            step = (v[0], v[1], v[2], v[3], v[4], v[5])
        elif name == "translate" and v:
            step = (1.0, 0.0, 0.0, 1.0, v[0], v[1] if len(v) > 1 else 0.0)
        elif name == "scale" and v:
            step = (v[0], 0.0, 0.0, v[1] if len(v) > 1 else v[0], 0.0, 0.0)
        elif name == "rotate" and v:
            r = math.radians(v[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0.0, 0.0)
            if len(v) == 3:
                step = multiply(multiply((1, 0, 0, 1, v[1], v[2]), step), (1, 0, 0, 1, -v[1], -v[2]))
        elif name == "skewX" and v:
            step = (1.0, 0.0, math.tan(math.radians(v[0])), 1.0, 0.0, 0.0)
        elif name == "skewY" and v:
            step = (1.0, math.tan(math.radians(v[0])), 0.0, 1.0, 0.0, 0.0)
        else:
            continue
        matrix = multiply(matrix, step)
    return matrix


def format_matrix(m: Matrix) -> str:
    return "matrix(" + " ".join(f"{v:.6g}" for v in m) + ")"


def view_box(node: etree._Element) -> tuple[float, float, float, float] | None:
    """An element's ``viewBox`` as x, y, width, height; None when it has none, or when it is not
    four numbers with a positive width and height (SVG draws such an element as if it had none).

    >>> view_box(etree.fromstring('<svg viewBox="0,0 1200 630"/>')), view_box(etree.fromstring('<svg/>'))
    ((0.0, 0.0, 1200.0, 630.0), None)
    """
    parts = _SEPARATORS.split((node.get("viewBox") or "").strip())
    try:
        x, y, width, height = (float(part) for part in parts)
    except ValueError:  # not four numbers
        return None
    if not (width > 0 and height > 0 and math.isfinite(x + y + width + height)):
        return None
    return x, y, width, height


def view_matrix(root: etree._Element, width: int, height: int) -> Matrix:
    """User units of the root → output pixels (viewBox with the default xMidYMid meet)."""
    box = view_box(root)
    if box is None:
        return IDENTITY
    scale = min(width / box[2], height / box[3])
    dx = (width - box[2] * scale) / 2 - box[0] * scale
    dy = (height - box[3] * scale) / 2 - box[1] * scale
    return (scale, 0.0, 0.0, scale, dx, dy)
