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
from ..svg.css import css_colour
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
                      "feDisplacementMap", "feMorphology", "feConvolveMatrix", "feComponentTransfer",
                      "feDiffuseLighting", "feSpecularLighting"})


def gaussian_blur(image: np.ndarray, sigma_x: float, sigma_y: float) -> np.ndarray:
    """A true Gaussian along each axis, transparent black all around. The spec allows three box
    blurs for stdDeviation 2 and up, but Inkscape's blur is Gaussian (its recursive filter), and
    where a filter thresholds a blur (contours, discrete transfers) the boxes' flat tops show:
    sampled taps under :data:`EXACT_GAUSSIAN_BELOW`, a convolution by FFT above it."""
    out = image
    for axis, sigma in ((1, sigma_x), (0, sigma_y)):
        if sigma <= 0:
            continue
        blur = _exact_gaussian if sigma < EXACT_GAUSSIAN_BELOW else _fft_gaussian
        out = blur(out, sigma, axis)
    return out


#: Under this standard deviation the kernel is applied tap by tap (at most 33 taps), above it
#: by FFT, whose cost does not grow with the blur.
EXACT_GAUSSIAN_BELOW = 4.0


def _gaussian_kernel(sigma: float) -> np.ndarray:
    """A sampled Gaussian, 4 sigma each side, normalised."""
    radius = max(1, math.ceil(4 * sigma))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-(offsets ** 2) / (2 * sigma * sigma))
    return t.cast(np.ndarray, kernel / kernel.sum())


def _exact_gaussian(image: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    """The kernel applied tap by tap, transparent past the edges."""
    kernel = _gaussian_kernel(sigma)
    radius = len(kernel) // 2
    pad = [(0, 0)] * image.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(image, pad)
    n = image.shape[axis]
    out = np.zeros_like(image)
    for k, weight in enumerate(kernel):
        out += weight * np.take(padded, np.arange(k, k + n), axis=axis)
    return out


def _fft_gaussian(image: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    """The kernel applied by FFT over the axis padded with transparent black (no wrapping)."""
    kernel = _gaussian_kernel(sigma)
    radius = len(kernel) // 2
    n = image.shape[axis]
    size = n + 2 * radius
    full = np.zeros(size)
    full[:2 * radius + 1] = kernel
    spectrum = np.fft.rfft(full)
    pad = [(0, 0)] * image.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(image, pad)
    shape = [1] * image.ndim
    shape[axis] = spectrum.size
    result = np.fft.irfft(np.fft.rfft(padded, axis=axis) * spectrum.reshape(shape), n=size, axis=axis)
    return np.take(result, np.arange(2 * radius, 2 * radius + n), axis=axis).astype(np.float32)


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
    elif kind == "hueRotate":
        angle = math.radians(values[0] if values else 0.0)
        c, s = math.cos(angle), math.sin(angle)
        rows = [[0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928],
                [0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.140, 0.072 - c * 0.072 - s * 0.283],
                [0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072]]
        m = np.array([[*row, 0, 0] for row in rows] + [[0, 0, 0, 1, 0]])
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
    """A CSS colour (:func:`og.svg.css.css_colour`) as 0–1 floats; black where it is not one."""
    rgb = css_colour(color) or (0, 0, 0)
    return rgb[0] / 255, rgb[1] / 255, rgb[2] / 255


@dataclasses.dataclass(frozen=True)
class FilterSpace:
    """Where the filtered pixels lie: ``scale`` pixels per user unit of the filtered element,
    and ``to_user``, the matrix from a pixel's (column, row) in the filtered region to the
    element's user space (noise depends on where it is drawn); ``linear``: the colour space
    of the primitive being run."""

    scale: float
    to_user: Matrix = IDENTITY
    linear: bool = False  # the primitive works in linearRGB: colours given in sRGB are converted


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
    flood = _flood(source.shape, color, float(own_property(node, "flood-opacity") or 1))
    return _to_linear(flood) if space.linear else flood


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


#: Largest morphology radius and convolution kernel side, in pixels (templates are bounded:
#: past these, a filter costs more than a card should).
MAX_MORPHOLOGY_RADIUS = 100
MAX_KERNEL_ORDER = 7


def _window_extreme(image: np.ndarray, size: int, axis: int, function: t.Callable[..., np.ndarray],
                    fill: float) -> np.ndarray:
    """``function`` (np.minimum or np.maximum) over a centred window of ``size`` pixels along
    ``axis``, with ``fill`` past the edges: by doubling spans, log2(size) passes."""
    if size <= 1:
        return image
    before = size // 2
    pad = [(0, 0)] * image.ndim
    pad[axis] = (before, size - 1 - before)
    padded = np.pad(image, pad, constant_values=fill)
    span, out = 1, padded
    while span * 2 <= size:
        shifted = np.take(out, np.arange(span, out.shape[axis]), axis=axis)
        out = function(np.take(out, np.arange(0, out.shape[axis] - span), axis=axis), shifted)
        span *= 2
    n = image.shape[axis]
    first = np.take(out, np.arange(0, n), axis=axis)
    last = np.take(out, np.arange(size - span, size - span + n), axis=axis)
    return function(first, last)


def _fe_morphology(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    """Erode (smallest value) or dilate (largest) over a (2rx+1) x (2ry+1) window, channel by
    channel; transparent black past the edges, as the spec's reference images show."""
    image = take(node.get("in"))
    radii = _numbers(node.get("radius")) or [0.0]
    rx, ry = (min(MAX_MORPHOLOGY_RADIUS, round(r * space.scale)) for r in (radii[0], radii[-1]))
    if rx <= 0 and ry <= 0:
        return image
    dilate = node.get("operator") == "dilate"
    function = np.maximum if dilate else np.minimum
    out = _window_extreme(image, 2 * max(rx, 0) + 1, 1, function, 0.0)
    return _window_extreme(out, 2 * max(ry, 0) + 1, 0, function, 0.0)


def _fe_convolve_matrix(node: etree._Element, take: Take, source: np.ndarray,
                        space: FilterSpace) -> np.ndarray:
    """The spec's convolution: the kernel turned half a turn, summed around the target pixel,
    divided, plus bias; on premultiplied colours (or straight ones with ``preserveAlpha``)."""
    image = take(node.get("in"))
    order = [int(v) for v in _numbers(node.get("order"))] or [3]
    order_x, order_y = order[0], order[-1]
    kernel = _numbers(node.get("kernelMatrix"))
    sizes_ok = 0 < order_x <= MAX_KERNEL_ORDER and 0 < order_y <= MAX_KERNEL_ORDER
    if not sizes_ok or len(kernel) != order_x * order_y:
        return np.zeros_like(image)  # an error in the filter: transparent black, as the spec says
    matrix = np.array(kernel, dtype=np.float64).reshape(order_y, order_x)
    # a divisor of 0 (or none) is the kernel's sum, or 1 when that is 0 too (the spec)
    divisor = (_numbers(node.get("divisor")) or [0.0])[0] or float(matrix.sum()) or 1.0
    bias = (_numbers(node.get("bias")) or [0.0])[0]
    target_x = int((_numbers(node.get("targetX")) or [order_x // 2])[0])
    target_y = int((_numbers(node.get("targetY")) or [order_y // 2])[0])
    if not (0 <= target_x < order_x and 0 <= target_y < order_y):
        return np.zeros_like(image)
    preserve = node.get("preserveAlpha") == "true"
    work = (unpremultiply(image) if preserve else image).astype(np.float32)
    mode = {"wrap": "wrap", "none": "constant"}.get(node.get("edgeMode", "duplicate"), "edge")
    height, width = image.shape[:2]
    padded = np.pad(work, ((target_y, order_y - 1 - target_y), (target_x, order_x - 1 - target_x), (0, 0)),
                    mode=mode)  # type: ignore[call-overload]
    total = np.zeros(work.shape, dtype=np.float32)
    for i in range(order_y):
        check_deadline()
        for j in range(order_x):
            weight = matrix[order_y - 1 - i, order_x - 1 - j]
            if weight:
                total += np.float32(weight) * padded[i:i + height, j:j + width]
    out: np.ndarray = total / np.float32(divisor)
    if preserve:
        out[..., :3] += bias
        out[..., 3] = work[..., 3]
        return premultiply(np.clip(out, 0, 1).astype(np.float32))
    out += bias * out[..., 3:4]
    out = np.clip(out, 0, 1)
    out[..., :3] = np.minimum(out[..., :3], out[..., 3:4])
    return out.astype(np.float32)


def _transfer(values: np.ndarray, function: etree._Element) -> np.ndarray:
    kind = function.get("type", "identity")
    table = _numbers(function.get("tableValues"))
    if kind == "table" and table:
        if len(table) == 1:
            return np.full_like(values, table[0])
        position = np.clip(values, 0, 1) * (len(table) - 1)
        k = np.minimum(np.floor(position).astype(np.int64), len(table) - 2)
        low, high = np.array(table)[k], np.array(table)[k + 1]
        return t.cast(np.ndarray, low + (position - k) * (high - low))
    if kind == "discrete" and table:
        k = np.minimum(np.floor(np.clip(values, 0, 1) * len(table)).astype(np.int64), len(table) - 1)
        return t.cast(np.ndarray, np.array(table)[k])
    if kind == "linear":
        slope = (_numbers(function.get("slope")) or [1.0])[0]
        return slope * values + (_numbers(function.get("intercept")) or [0.0])[0]
    if kind == "gamma":
        amplitude = (_numbers(function.get("amplitude")) or [1.0])[0]
        exponent = (_numbers(function.get("exponent")) or [1.0])[0]
        offset = (_numbers(function.get("offset")) or [0.0])[0]
        return t.cast(np.ndarray, amplitude * np.power(np.clip(values, 0, 1), exponent) + offset)
    return values


def _fe_component_transfer(node: etree._Element, take: Take, source: np.ndarray,
                           space: FilterSpace) -> np.ndarray:
    """feFuncR/G/B/A on straight colours (identity, table, discrete, linear, gamma)."""
    straight = unpremultiply(take(node.get("in"))).astype(np.float64)
    for function in node:
        channel = {"feFuncR": 0, "feFuncG": 1, "feFuncB": 2, "feFuncA": 3}.get(local_name(function))
        if channel is not None:
            straight[..., channel] = _transfer(straight[..., channel], function)
    return premultiply(np.clip(straight, 0, 1).astype(np.float32))


def _gradient(alpha: np.ndarray, axis: int) -> np.ndarray:
    """The spec's Sobel estimate of d(alpha)/d(axis) (times -1): a 1-2-1 sum across the axis of
    the pixels that exist, differenced along it (one-sided at the edges), normalised by the
    weights and the distance, which gives the specification's interior, edge and corner kernels."""
    across = 1 - axis
    n = alpha.shape[across]
    weights = np.pad(np.ones(n), 1)
    padded = np.pad(alpha, [(1, 1) if a == across else (0, 0) for a in range(2)])
    total = sum(w * np.take(padded, np.arange(k, k + n), axis=across) for k, w in enumerate((1.0, 2.0, 1.0)))
    weight_sum = weights[:-2] + 2 * weights[1:-1] + weights[2:]
    weight_sum = weight_sum[:, None] if across == 0 else weight_sum[None, :]
    length = alpha.shape[axis]
    before = np.take(total, np.maximum(np.arange(length) - 1, 0), axis=axis)
    after = np.take(total, np.minimum(np.arange(length) + 1, length - 1), axis=axis)
    distance = np.full(length, 2.0)
    distance[0] = distance[-1] = 1.0
    if length == 1:
        distance[0] = np.inf
    distance = distance[None, :] if axis == 1 else distance[:, None]
    return t.cast(np.ndarray, 2 * (after - before) / (weight_sum * distance))


def _light_vectors(node: etree._Element, alpha: np.ndarray, surface_scale: float,
                   space: FilterSpace) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors from each pixel to the light, and the light's colour there (straight RGB)."""
    lights = ("feDistantLight", "fePointLight", "feSpotLight")
    light = next((child for child in node if local_name(child) in lights), None)
    color = np.array(parse_color(own_property(node, "lighting-color") or "white"), dtype=np.float64)
    if space.linear:
        color = _linear_light(color)
    height, width = alpha.shape
    if light is None:
        return np.zeros((height, width, 3)), np.zeros((height, width, 3))

    def number(name: str, default: float = 0.0) -> float:
        return (_numbers(light.get(name)) or [default])[0]

    if local_name(light) == "feDistantLight":
        azimuth, elevation = math.radians(number("azimuth")), math.radians(number("elevation"))
        vector = np.array([math.cos(azimuth) * math.cos(elevation), math.sin(azimuth) * math.cos(elevation),
                           math.sin(elevation)])
        return np.broadcast_to(vector, (height, width, 3)), np.broadcast_to(color, (height, width, 3))
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float64)
    a, b, c, d, e, f = space.to_user
    x, y = a * columns + c * rows + e, b * columns + d * rows + f
    position = np.array([number("x"), number("y"), number("z")])
    vector = np.stack([position[0] - x, position[1] - y, position[2] - surface_scale * alpha], axis=-1)
    vector /= np.maximum(np.linalg.norm(vector, axis=-1, keepdims=True), 1e-12)
    colors = np.broadcast_to(color, (height, width, 3)).copy()
    if local_name(light) == "feSpotLight":
        target = np.array([number("pointsAtX"), number("pointsAtY"), number("pointsAtZ")])
        axis = target - position
        axis /= max(float(np.linalg.norm(axis)), 1e-12)
        cosine = np.clip(-(vector @ axis), 0, None)
        factor = np.power(cosine, number("specularExponent", 1.0))
        cone = light.get("limitingConeAngle")
        if cone is not None:
            factor = np.where(cosine >= math.cos(math.radians(abs(number("limitingConeAngle")))), factor, 0.0)
        colors *= factor[..., None]
    return vector, colors


def _lighting(node: etree._Element, take: Take, space: FilterSpace, specular: bool) -> np.ndarray:
    image = take(node.get("in"))
    alpha = image[..., 3].astype(np.float32)
    surface_scale = (_numbers(node.get("surfaceScale")) or [1.0])[0]
    normal = np.stack([-surface_scale * _gradient(alpha, 1), -surface_scale * _gradient(alpha, 0),
                       np.ones_like(alpha)], axis=-1).astype(np.float32)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    to_light, color = _light_vectors(node, alpha, surface_scale, space)
    if specular:
        half = to_light + np.array([0.0, 0.0, 1.0])
        half /= np.maximum(np.linalg.norm(half, axis=-1, keepdims=True), 1e-12)
        constant = (_numbers(node.get("specularConstant")) or [1.0])[0]
        exponent = (_numbers(node.get("specularExponent")) or [1.0])[0]
        shine = constant * np.power(np.clip(np.sum(normal * half, axis=-1), 0, None), exponent)
        rgb = np.clip(shine[..., None] * color, 0, 1)
        # straight colour with alpha = the brightest channel (as Inkscape composites it)
        out = premultiply(np.concatenate([rgb, rgb.max(axis=-1, keepdims=True)], axis=-1))
    else:
        constant = (_numbers(node.get("diffuseConstant")) or [1.0])[0]
        light = constant * np.clip(np.sum(normal * to_light, axis=-1), 0, None)
        rgb = np.clip(light[..., None] * color, 0, 1)
        out = np.concatenate([rgb, np.ones_like(alpha)[..., None]], axis=-1)
    return out.astype(np.float32)


def _fe_diffuse_lighting(node: etree._Element, take: Take, source: np.ndarray,
                         space: FilterSpace) -> np.ndarray:
    """Lambert shading of the input's alpha as a height map (opaque result)."""
    return _lighting(node, take, space, specular=False)


def _fe_specular_lighting(node: etree._Element, take: Take, source: np.ndarray,
                          space: FilterSpace) -> np.ndarray:
    """Phong highlights of the input's alpha as a height map (alpha: the brightest channel)."""
    return _lighting(node, take, space, specular=True)


def _fe_image(node: etree._Element, take: Take, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    """Transparent black: Inkscape's *Fill Background* writes an feImage with an empty link
    (the spec's result for it); og does not draw an element or picture here (``og check``
    says so), and links outside the template were removed before."""
    return np.zeros_like(source)


#: Primitives og implements; a filter using anything else is left to CairoSVG (and ``og check``).
PRIMITIVE_TABLE: dict[str, Primitive] = {
    "feTurbulence": _fe_turbulence,
    "feDisplacementMap": _fe_displacement_map,
    "feMorphology": _fe_morphology,
    "feConvolveMatrix": _fe_convolve_matrix,
    "feComponentTransfer": _fe_component_transfer,
    "feDiffuseLighting": _fe_diffuse_lighting,
    "feImage": _fe_image,
    "feSpecularLighting": _fe_specular_lighting,
    "feGaussianBlur": _fe_gaussian_blur,
    "feOffset": _fe_offset,
    "feFlood": _fe_flood,
    "feComposite": _fe_composite,
    "feMerge": _fe_merge,
    "feBlend": _fe_blend,
    "feColorMatrix": _fe_color_matrix,
}
PRIMITIVES = frozenset(PRIMITIVE_TABLE)


def _linear_light(c: np.ndarray) -> np.ndarray:
    """sRGB colour values → linearRGB (the sRGB transfer curve undone)."""
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _to_linear(image: np.ndarray) -> np.ndarray:
    """Premultiplied sRGB → premultiplied linearRGB."""
    straight = unpremultiply(image)
    straight[..., :3] = _linear_light(straight[..., :3])
    return premultiply(straight)


def _to_srgb(image: np.ndarray) -> np.ndarray:
    straight = unpremultiply(image)
    c = np.clip(straight[..., :3], 0, 1)
    straight[..., :3] = np.where(c <= 0.0031308, c * 12.92, 1.055 * c ** (1 / 2.4) - 0.055)
    return premultiply(straight)


def _works_linear(primitive: etree._Element, filter_node: etree._Element) -> bool:
    """``color-interpolation-filters`` of a primitive (inherited from its filter): linearRGB,
    the initial value, unless sRGB (or auto) is set: Inkscape sets sRGB on the filters it makes."""
    for node in (primitive, filter_node, *filter_node.iterancestors()):
        value = own_property(node, "color-interpolation-filters")
        if value and value.strip() != "inherit":
            return value.strip() == "linearRGB"
    return True


def run_filter(filter_node: etree._Element, source: np.ndarray, space: FilterSpace) -> np.ndarray:
    """Apply the filter's primitives to ``source`` (premultiplied RGBA floats, sRGB), each in
    its colour space (``color-interpolation-filters``); the result is sRGB."""
    results: dict[str, tuple[np.ndarray, bool]] = {}  # name → (image, in linearRGB)
    previous, previous_linear = source, False
    linear = False  # the colour space of the primitive being run

    def converted(image: np.ndarray, image_linear: bool) -> np.ndarray:
        if image_linear == linear:
            return image
        return _to_linear(image) if linear else _to_srgb(image)

    def take(name: str | None) -> np.ndarray:
        if not name:
            return converted(previous, previous_linear)
        if name == "SourceGraphic":
            return converted(source, False)
        if name == "SourceAlpha":
            out = np.zeros_like(source)
            out[..., 3] = source[..., 3]
            return out
        return converted(*results.get(name, (previous, previous_linear)))

    for primitive in filter_node:
        function = PRIMITIVE_TABLE.get(local_name(primitive))
        if function is None:
            continue
        check_deadline()
        linear = _works_linear(primitive, filter_node)
        # Kept to 8 bits a channel between primitives, as Inkscape's and browsers' surfaces keep
        # them: thresholds (a discrete transfer, an alpha matrix) then fall the same way.
        with np.errstate(all="ignore"):  # a template's extreme numbers: clamped below, never raised
            result = function(primitive, take, source, dataclasses.replace(space, linear=linear))
        result = np.clip(np.nan_to_num(result, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
        previous, previous_linear = (np.round(result * 255) / 255).astype(np.float32), linear
        if primitive.get("result"):
            results[primitive.get("result", "")] = (previous, previous_linear)
    return _to_srgb(previous).astype(np.float32) if previous_linear else previous


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
            reach += 4 * max(sigmas, default=0.0) * scale + 2  # the kernel spans 4 sigma
        elif kind == "feOffset":
            reach += (abs(float(primitive.get("dx", 0))) + abs(float(primitive.get("dy", 0)))) * scale + 1
        elif kind == "feMorphology":
            reach += min(MAX_MORPHOLOGY_RADIUS, max(_numbers(primitive.get("radius")) or [0.0]) * scale) + 1
        elif kind == "feConvolveMatrix":
            reach += MAX_KERNEL_ORDER
        elif kind == "feDisplacementMap":
            reach += abs((_numbers(primitive.get("scale")) or [0.0])[0]) / 2 * scale + 1
    return math.ceil(reach)
