"""SVG filter primitives on pixels, one function per primitive, dispatched by a table.

Images are float32 arrays (height, width, 4) of premultiplied RGBA in 0..1; filter
lengths (stdDeviation, dx) are scaled to pixels by the caller's ``scale``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import typing as t

import numpy as np
from lxml import etree

from ..deadline import check_deadline
from ..svg.css import fraction
from ..svg.css import length
from ..svg.css import own_property
from ..svg.geometry import IDENTITY
from ..svg.geometry import Matrix
from ..svg.names import local_name
from .compositing import LUMINANCE_WEIGHTS
from .compositing import blend
from .compositing import composite
from .compositing import premultiply
from .compositing import unpremultiply
from .noise import Turbulence
from .noise import turbulence

#: Alpha above which a pixel counts as the source's ink when sizing the filter region.
REGION_INK_THRESHOLD = 1e-3
#: Of the primitives below, the ones CairoSVG cannot draw itself: a filter with one of them is og's job.
NEEDS_OG = frozenset({"feGaussianBlur", "feComposite", "feMerge", "feColorMatrix", "feTurbulence",
                      "feDisplacementMap"})


def _box_blur(image: np.ndarray, size: int, axis: int, offset: int) -> np.ndarray:
    if size <= 1:
        return image
    pad = [(0, 0)] * image.ndim
    left = size // 2 + offset
    pad[axis] = (left + 1, size - left)
    padded = np.pad(image, pad)
    summed = np.cumsum(padded, axis=axis, dtype=np.float32)
    n = image.shape[axis]
    upper = np.take(summed, np.arange(size, size + n), axis=axis)
    lower = np.take(summed, np.arange(0, n), axis=axis)
    return (upper - lower) / size


def gaussian_blur(image: np.ndarray, sigma_x: float, sigma_y: float) -> np.ndarray:
    """Three box blurs per axis, as the SVG spec's feGaussianBlur suggests, with transparent
    black all around: each axis is padded by what the three boxes spread, so that a pass
    still sees what the one before spread past the image's edge."""
    out = image
    for axis, sigma in ((1, sigma_x), (0, sigma_y)):
        if sigma <= 0:
            continue
        d = int(math.floor(sigma * 3 * math.sqrt(2 * math.pi) / 4 + 0.5))
        spread = 3 * (d // 2 + 1)
        pad = [(0, 0)] * out.ndim
        pad[axis] = (spread, spread)
        out = _box_blurs(np.pad(out, pad), d, axis)
        out = np.take(out, np.arange(spread, spread + image.shape[axis]), axis=axis)
    return out


def _box_blurs(out: np.ndarray, d: int, axis: int) -> np.ndarray:
    """The spec's three boxes of size ``d`` (two of them offset when ``d`` is even)."""
    if d % 2 == 1:
        for _ in range(3):
            out = _box_blur(out, d, axis, 0)
    else:
        out = _box_blur(out, d, axis, 0)
        out = _box_blur(out, d, axis, -1)
        out = _box_blur(out, d + 1, axis, 0)
    return out


def _offset(image: np.ndarray, dx: int, dy: int) -> np.ndarray:
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[yd, xd] = image[ys, xs]
    return out


def _color_matrix(image: np.ndarray, kind: str, values: list[float]) -> np.ndarray:
    straight = unpremultiply(image)
    if kind == "saturate":
        s = values[0] if values else 1.0
        m = np.array([[0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s, 0, 0],
                      [0, 0, 0, 1, 0]])
    elif kind == "luminanceToAlpha":
        m = np.array([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [*LUMINANCE_WEIGHTS, 0, 0]])
    elif kind == "matrix" and len(values) == 20:
        m = np.array(values).reshape(4, 5)
    else:
        return image
    return premultiply(np.clip(straight @ m[:, :4].T + m[:, 4], 0, 1).astype(np.float32))


def _flood(shape: tuple[int, ...], color: str, opacity: float) -> np.ndarray:
    rgb = parse_color(color)
    out = np.empty(shape, dtype=np.float32)
    out[..., :3] = np.array(rgb, dtype=np.float32) * opacity
    out[..., 3] = opacity
    return out


def parse_color(color: str) -> tuple[float, float, float]:
    color = color.strip().lower()
    if color.startswith("#") and len(color) in (4, 7):
        digits = color[1:] if len(color) == 7 else "".join(ch * 2 for ch in color[1:])
        return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    match = re.match(r"rgb\(\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*\)", color)
    if match:
        scale = 100 if "%" in color else 255
        return tuple(float(v) / scale for v in match.groups())  # type: ignore[return-value]
    return {"white": (1.0, 1.0, 1.0)}.get(color, (0.0, 0.0, 0.0))


@dataclasses.dataclass(frozen=True)
class FilterSpace:
    """Where the filtered pixels lie: ``scale`` pixels per user unit of the filtered element,
    and ``to_user``, the matrix from a pixel's (column, row) in the filtered region to the
    element's user space (noise depends on where it is drawn)."""

    scale: float
    to_user: Matrix = IDENTITY


Take = t.Callable[[str | None], np.ndarray]
#: A primitive: (its element, a lookup of its inputs by name, the source graphic, its space).
Primitive = t.Callable[[etree._Element, Take, np.ndarray, FilterSpace], np.ndarray]


def _numbers(value: str | None) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?", value or "")]


def _fe_gaussian_blur(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    sigmas = [v * space.scale for v in _numbers(node.get("stdDeviation"))] or [0.0]
    return gaussian_blur(take(node.get("in")), sigmas[0], sigmas[-1])


def _fe_offset(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    return _offset(take(node.get("in")), round(float(node.get("dx", 0)) * space.scale),
                   round(float(node.get("dy", 0)) * space.scale))


def _fe_flood(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    color = own_property(node, "flood-color") or "black"
    return _flood(source.shape, color, float(own_property(node, "flood-opacity") or 1))


def _fe_composite(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    k = tuple(float(node.get(f"k{i}", 0)) for i in range(1, 5))
    return composite(take(node.get("in")), take(node.get("in2")), node.get("operator", "over"), k)


def _fe_merge(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    out = np.zeros_like(source)
    for child in node:
        if isinstance(child.tag, str):
            out = composite(take(child.get("in")), out, "over")
    return out


def _fe_blend(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    return blend(take(node.get("in")), take(node.get("in2")), node.get("mode", "normal"))


def _fe_color_matrix(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    values = [float(v) for v in (node.get("values") or "").replace(",", " ").split()]
    return _color_matrix(take(node.get("in")), node.get("type", "matrix"), values)


def _fe_turbulence(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    """Noise at each pixel's top left corner, in the element's user space (where Inkscape samples it:
    at a base frequency of 1 its noise is flat, all lattice points)."""
    frequencies = _numbers(node.get("baseFrequency")) or [0.0]
    tile = None
    if node.get("stitchTiles") == "stitch":
        a, b, c, d, e, f = space.to_user
        height, width = source.shape[:2]
        tile = (e, f, width * math.hypot(a, b), height * math.hypot(c, d))
    octaves = (_numbers(node.get("numOctaves")) or [1.0])[0]
    seed = (_numbers(node.get("seed")) or [0.0])[0]
    spec = Turbulence(max(0.0, frequencies[0]), max(0.0, frequencies[-1]), int(octaves), round(seed),
                      node.get("type") == "fractalNoise", tile)
    height, width = source.shape[:2]
    rows, columns = np.mgrid[0:height, 0:width]
    a, b, c, d, e, f = space.to_user
    x, y = columns.astype(np.float64), rows.astype(np.float64)
    noise = turbulence(spec, a * x + c * y + e, b * x + d * y + f)
    return premultiply(noise.reshape(height, width, 4).astype(np.float32))


_CHANNELS = {"R": 0, "G": 1, "B": 2, "A": 3}


def _sample(image: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``image`` at fractional pixel positions (pixel centres at whole numbers), bilinear;
    transparent black outside."""
    height, width = image.shape[:2]
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)))
    x = np.clip(x + 1, 0, width + 0.999)
    y = np.clip(y + 1, 0, height + 0.999)
    x0, y0 = np.floor(x).astype(np.int64), np.floor(y).astype(np.int64)
    x1, y1 = np.minimum(x0 + 1, width + 1), np.minimum(y0 + 1, height + 1)
    fx, fy = (x - x0)[..., None], (y - y0)[..., None]
    top = padded[y0, x0] * (1 - fx) + padded[y0, x1] * fx
    bottom = padded[y1, x0] * (1 - fx) + padded[y1, x1] * fx
    return t.cast(np.ndarray, top * (1 - fy) + bottom * fy)


def _fe_displacement_map(node: etree._Element, take: Take, source: np.ndarray,
                         space: FilterSpace) -> np.ndarray:
    """Each pixel taken from where ``in2``'s (straight) colour channels point, ``scale`` apart."""
    image, displacement = take(node.get("in")), unpremultiply(take(node.get("in2")))
    scale = (_numbers(node.get("scale")) or [0.0])[0] * space.scale
    x_channel = _CHANNELS.get(node.get("xChannelSelector", "A"), 3)
    y_channel = _CHANNELS.get(node.get("yChannelSelector", "A"), 3)
    rows, columns = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    return _sample(image, columns + scale * (displacement[..., x_channel] - 0.5),
                   rows + scale * (displacement[..., y_channel] - 0.5))


#: Primitives og implements; a filter using anything else is left to CairoSVG (and ``og check``).
PRIMITIVE_TABLE: dict[str, Primitive] = {
    "feTurbulence": _fe_turbulence,
    "feDisplacementMap": _fe_displacement_map,
    "feGaussianBlur": _fe_gaussian_blur,
    "feOffset": _fe_offset,
    "feFlood": _fe_flood,
    "feComposite": _fe_composite,
    "feMerge": _fe_merge,
    "feBlend": _fe_blend,
    "feColorMatrix": _fe_color_matrix,
}
PRIMITIVES = frozenset(PRIMITIVE_TABLE)


def run_filter(filter_node: etree._Element, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    """Apply the filter's primitives to ``source`` (premultiplied RGBA floats)."""
    results: dict[str, np.ndarray] = {}
    previous = source

    def take(name: str | None) -> np.ndarray:
        if not name:
            return previous
        if name == "SourceGraphic":
            return source
        if name == "SourceAlpha":
            out = np.zeros_like(source)
            out[..., 3] = source[..., 3]
            return out
        return results.get(name, previous)

    for primitive in filter_node:
        function = PRIMITIVE_TABLE.get(local_name(primitive))
        if function is None:
            continue
        check_deadline()
        previous = function(primitive, take, source, space).astype(np.float32)
        if primitive.get("result"):
            results[primitive.get("result", "")] = previous
    return previous


def filter_region(filter_node: etree._Element, alpha: np.ndarray, scale: float) -> tuple[int, int, int, int]:
    """The filter region in pixels, from the source's bounding box (objectBoundingBox units)."""
    ys, xs = np.nonzero(alpha > REGION_INK_THRESHOLD)
    h, w = alpha.shape
    if not len(xs):
        return 0, 0, 0, 0
    bounds = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
    left, top, right, bottom = region_box(filter_node, bounds, scale, (w, h))
    return (max(0, math.floor(left)), max(0, math.floor(top)),
            min(w, math.ceil(right)), min(h, math.ceil(bottom)))


def region_box(filter_node: etree._Element, bounds: tuple[float, float, float, float], scale: float,
               canvas: tuple[int, int]) -> tuple[float, float, float, float]:
    """The filter region (left, top, right, bottom) in pixels, unclipped, for a source whose
    ink bounds are ``bounds`` (they may reach past the ``canvas``, of (width, height) pixels)."""
    x0, y0, x1, y1 = bounds
    if filter_node.get("filterUnits") == "userSpaceOnUse":
        fx = (length(filter_node.get("x")) or 0) * scale
        fy = (length(filter_node.get("y")) or 0) * scale
        return (int(fx), int(fy), int(fx + (length(filter_node.get("width")) or canvas[0]) * scale),
                int(fy + (length(filter_node.get("height")) or canvas[1]) * scale))
    bw, bh = x1 - x0, y1 - y0
    left = x0 + fraction(filter_node.get("x"), -0.1) * bw
    top = y0 + fraction(filter_node.get("y"), -0.1) * bh
    return (left, top, left + fraction(filter_node.get("width"), 1.2) * bw,
            top + fraction(filter_node.get("height"), 1.2) * bh)


def filter_reach(filter_node: etree._Element, scale: float) -> int:
    """How many pixels away a source pixel can still change the filter's output: past the
    canvas by this much, an element's ink is visible through its blur or offset."""
    reach = 0.0
    for primitive in filter_node:
        kind = local_name(primitive)
        if kind == "feGaussianBlur":
            sigmas = [abs(float(v)) for v in (primitive.get("stdDeviation") or "0").replace(",", " ").split()]
            reach += 3 * max(sigmas, default=0.0) * scale + 2  # three box blurs span under 3 sigma
        elif kind == "feOffset":
            reach += (abs(float(primitive.get("dx", 0))) + abs(float(primitive.get("dy", 0)))) * scale + 1
        elif kind == "feDisplacementMap":
            reach += abs((_numbers(primitive.get("scale")) or [0.0])[0]) / 2 * scale + 1
    return math.ceil(reach)
