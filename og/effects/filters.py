"""Pixel operations: SVG filter primitives, luminance masks and blend modes.

Images are float32 arrays (height, width, 4) of premultiplied RGBA in 0..1; filter
lengths (stdDeviation, dx) are scaled to pixels by the caller's ``scale``.
"""

from __future__ import annotations

import math
import re
import typing as t

import numpy as np
from lxml import etree

from ..svg.css import fraction
from ..svg.css import length
from ..svg.css import parse_declarations
from ..svg.names import local_name

#: Primitives og implements; a filter using anything else is left to CairoSVG (and ``og check``).
PRIMITIVES = frozenset({"feGaussianBlur", "feOffset", "feFlood", "feComposite", "feMerge",
                        "feBlend", "feColorMatrix"})
#: Of those, the ones CairoSVG cannot draw itself: a filter with one of them is og's job.
NEEDS_OG = frozenset({"feGaussianBlur", "feComposite", "feMerge", "feColorMatrix"})


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
    """Three box blurs per axis, as the SVG spec's feGaussianBlur suggests."""
    out = image
    for axis, sigma in ((1, sigma_x), (0, sigma_y)):
        if sigma <= 0:
            continue
        d = int(math.floor(sigma * 3 * math.sqrt(2 * math.pi) / 4 + 0.5))
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


def _composite(a: np.ndarray, b: np.ndarray, operator: str, k: tuple[float, ...]) -> np.ndarray:
    alpha_a, alpha_b = a[..., 3:4], b[..., 3:4]
    if operator == "in":
        out = a * alpha_b
    elif operator == "out":
        out = a * (1 - alpha_b)
    elif operator == "atop":
        out = a * alpha_b + b * (1 - alpha_a)
    elif operator == "xor":
        out = a * (1 - alpha_b) + b * (1 - alpha_a)
    elif operator == "arithmetic":
        out = np.clip(k[0] * a * b + k[1] * a + k[2] * b + k[3], 0, 1)
    else:
        out = a + b * (1 - alpha_a)  # over
    return t.cast(np.ndarray, out)


def _blend(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    """``a`` is ``in`` (top), ``b`` is ``in2`` (bottom), both premultiplied."""
    alpha_a, alpha_b = a[..., 3:4], b[..., 3:4]
    if mode == "multiply":
        rgb = a[..., :3] * (1 - alpha_b) + b[..., :3] * (1 - alpha_a) + a[..., :3] * b[..., :3]
    elif mode == "screen":
        rgb = a[..., :3] + b[..., :3] - a[..., :3] * b[..., :3]
    elif mode == "darken":
        rgb = np.minimum((1 - alpha_a) * b[..., :3] + a[..., :3], (1 - alpha_b) * a[..., :3] + b[..., :3])
    elif mode == "lighten":
        rgb = np.maximum((1 - alpha_a) * b[..., :3] + a[..., :3], (1 - alpha_b) * a[..., :3] + b[..., :3])
    else:
        return _composite(a, b, "over", ())
    return np.concatenate([rgb, alpha_a + alpha_b - alpha_a * alpha_b], axis=-1)


def _color_matrix(image: np.ndarray, kind: str, values: list[float]) -> np.ndarray:
    alpha = image[..., 3:4]
    rgb = np.where(alpha > 0, image[..., :3] / np.maximum(alpha, 1e-6), 0)
    straight = np.concatenate([rgb, alpha], axis=-1)
    if kind == "saturate":
        s = values[0] if values else 1.0
        m = np.array([[0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s, 0, 0],
                      [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s, 0, 0],
                      [0, 0, 0, 1, 0]])
    elif kind == "luminanceToAlpha":
        m = np.array([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0.2125, 0.7154, 0.0721, 0, 0]])
    elif kind == "matrix" and len(values) == 20:
        m = np.array(values).reshape(4, 5)
    else:
        return image
    out = np.clip(straight @ m[:, :4].T + m[:, 4], 0, 1).astype(np.float32)
    return np.concatenate([out[..., :3] * out[..., 3:4], out[..., 3:4]], axis=-1)


def _flood(shape: tuple[int, ...], color: str, opacity: float) -> np.ndarray:
    rgb = _parse_color(color)
    out = np.empty(shape, dtype=np.float32)
    out[..., :3] = np.array(rgb, dtype=np.float32) * opacity
    out[..., 3] = opacity
    return out


def _parse_color(color: str) -> tuple[float, float, float]:
    color = color.strip().lower()
    if color.startswith("#") and len(color) in (4, 7):
        digits = color[1:] if len(color) == 7 else "".join(ch * 2 for ch in color[1:])
        return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    match = re.match(r"rgb\(\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*,\s*([\d.]+)%?\s*\)", color)
    if match:
        scale = 100 if "%" in color else 255
        return tuple(float(v) / scale for v in match.groups())  # type: ignore[return-value]
    return {"white": (1.0, 1.0, 1.0)}.get(color, (0.0, 0.0, 0.0))


def run_filter(filter_node: etree._Element, source: np.ndarray, scale: float) -> np.ndarray:
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
        if not isinstance(primitive.tag, str):
            continue
        kind = local_name(primitive)
        style = dict(parse_declarations(primitive.get("style", "")))
        if kind == "feGaussianBlur":
            deviation = (primitive.get("stdDeviation") or "0").replace(",", " ")
            sigmas = [float(v) * scale for v in deviation.split()]
            out = gaussian_blur(take(primitive.get("in")), sigmas[0], sigmas[-1])
        elif kind == "feOffset":
            out = _offset(take(primitive.get("in")), round(float(primitive.get("dx", 0)) * scale),
                          round(float(primitive.get("dy", 0)) * scale))
        elif kind == "feFlood":
            color = style.get("flood-color") or primitive.get("flood-color") or "black"
            opacity = float(style.get("flood-opacity") or primitive.get("flood-opacity") or 1)
            out = _flood(source.shape, color, opacity)
        elif kind == "feComposite":
            k = tuple(float(primitive.get(f"k{i}", 0)) for i in range(1, 5))
            out = _composite(take(primitive.get("in")), take(primitive.get("in2")),
                             primitive.get("operator", "over"), k)
        elif kind == "feMerge":
            out = np.zeros_like(source)
            for node in primitive:
                if isinstance(node.tag, str):
                    out = _composite(take(node.get("in")), out, "over", ())
        elif kind == "feBlend":
            mode = primitive.get("mode", "normal")
            out = _blend(take(primitive.get("in")), take(primitive.get("in2")), mode)
        elif kind == "feColorMatrix":
            values = [float(v) for v in (primitive.get("values") or "").replace(",", " ").split()]
            out = _color_matrix(take(primitive.get("in")), primitive.get("type", "matrix"), values)
        else:
            continue
        previous = out.astype(np.float32)
        if primitive.get("result"):
            results[primitive.get("result", "")] = previous
    return previous


def filter_region(filter_node: etree._Element, alpha: np.ndarray, scale: float) -> tuple[int, int, int, int]:
    """The filter region in pixels, from the source's bounding box (objectBoundingBox units)."""
    ys, xs = np.nonzero(alpha > 1e-3)
    h, w = alpha.shape
    if not len(xs):
        return 0, 0, 0, 0
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    bw, bh = x1 - x0, y1 - y0
    if filter_node.get("filterUnits") == "userSpaceOnUse":
        fx = (length(filter_node.get("x")) or 0) * scale
        fy = (length(filter_node.get("y")) or 0) * scale
        return (max(0, int(fx)), max(0, int(fy)),
                min(w, int(fx + (length(filter_node.get("width")) or w) * scale)),
                min(h, int(fy + (length(filter_node.get("height")) or h) * scale)))

    left = x0 + fraction(filter_node.get("x"), -0.1) * bw
    top = y0 + fraction(filter_node.get("y"), -0.1) * bh
    right = left + fraction(filter_node.get("width"), 1.2) * bw
    bottom = top + fraction(filter_node.get("height"), 1.2) * bh
    return (max(0, math.floor(left)), max(0, math.floor(top)),
            min(w, math.ceil(right)), min(h, math.ceil(bottom)))


def luminance(mask: np.ndarray) -> np.ndarray:
    """Luminance mask values: the mask content's luminance times its alpha."""
    weights = np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)
    luminance: np.ndarray = mask[..., :3] @ weights
    return luminance


BLEND_MODES: dict[str, t.Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "multiply": lambda b, s: b * s,
    "screen": lambda b, s: b + s - b * s,
    "darken": np.minimum,
    "lighten": np.maximum,
    "difference": lambda b, s: np.abs(b - s),
    "overlay": lambda b, s: np.where(b <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "hard-light": lambda b, s: np.where(s <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "exclusion": lambda b, s: b + s - 2 * b * s,
}


def mix(source: np.ndarray, backdrop: np.ndarray, mode: str) -> np.ndarray:
    """W3C compositing: the source's colour becomes (1 - αb)·Cs + αb·B(Cb, Cs)."""
    alpha_s, alpha_b = source[..., 3:4], backdrop[..., 3:4]
    cs = np.where(alpha_s > 0, source[..., :3] / np.maximum(alpha_s, 1e-6), 0)
    cb = np.where(alpha_b > 0, backdrop[..., :3] / np.maximum(alpha_b, 1e-6), 0)
    mixed = (1 - alpha_b) * cs + alpha_b * BLEND_MODES[mode](cb, cs)
    return np.concatenate([mixed * alpha_s, alpha_s], axis=-1).astype(np.float32)
