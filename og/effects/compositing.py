"""Putting pixels together: Porter-Duff operators, blend modes, luminance, alpha.

Images are float32 arrays (height, width, 4) of premultiplied RGBA in 0..1 unless a
function says otherwise. One table of blend modes serves both ``feBlend`` and CSS
``mix-blend-mode``.
"""

from __future__ import annotations

import typing as t

import numpy as np

#: Rec. 709 luma weights, as SVG's luminanceToAlpha and luminance masks use them.
LUMINANCE_WEIGHTS = (0.2125, 0.7154, 0.0721)
#: Below this alpha a premultiplied colour is treated as no colour at all.
_ALPHA_EPSILON = 1e-6

Image = np.ndarray

#: Weights of Lum(C) in the Compositing spec's non-separable blend modes (not Rec. 709).
_BLEND_LUM_WEIGHTS = np.array((0.3, 0.59, 0.11), dtype=np.float32)


def _color_dodge(b: Image, s: Image) -> Image:
    quotient = b / np.maximum(1 - s, _ALPHA_EPSILON)
    return np.where(b <= 0, 0.0, np.where(s >= 1, 1.0, np.minimum(1.0, quotient)))


def _color_burn(b: Image, s: Image) -> Image:
    quotient = (1 - b) / np.maximum(s, _ALPHA_EPSILON)
    return np.where(b >= 1, 1.0, np.where(s <= 0, 0.0, 1 - np.minimum(1.0, quotient)))


def _soft_light(b: Image, s: Image) -> Image:
    d = np.where(b <= 0.25, ((16 * b - 12) * b + 4) * b, np.sqrt(np.maximum(b, 0)))
    return t.cast(Image, np.where(s <= 0.5, b - (1 - 2 * s) * b * (1 - b), b + (2 * s - 1) * (d - b)))


def _lum(c: Image) -> Image:
    return t.cast(Image, (c @ _BLEND_LUM_WEIGHTS)[..., None])


def _sat(c: Image) -> Image:
    return t.cast(Image, c.max(axis=-1, keepdims=True) - c.min(axis=-1, keepdims=True))


def _set_lum(c: Image, lum: Image) -> Image:
    """SetLum: ``c`` moved to luminosity ``lum``, then ClipColor brings it back into 0..1."""
    c = c + (lum - _lum(c))
    y, low, high = _lum(c), c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    c = np.where(low < 0, y + (c - y) * y / np.maximum(y - low, _ALPHA_EPSILON), c)
    return np.where(high > 1, y + (c - y) * (1 - y) / np.maximum(high - y, _ALPHA_EPSILON), c)


def _set_sat(c: Image, sat: Image) -> Image:
    """SetSat: the largest channel becomes ``sat``, the smallest 0, the middle one in proportion."""
    low, high = c.min(axis=-1, keepdims=True), c.max(axis=-1, keepdims=True)
    span = high - low
    return np.where(span > 0, (c - low) * sat / np.maximum(span, _ALPHA_EPSILON), 0.0)


#: Blend functions B(backdrop, source) on straight colours (W3C Compositing 1, all 15 besides
#: normal): the separable ones channel by channel, hue to luminosity on the whole colour.
BLEND_MODES: dict[str, t.Callable[[Image, Image], Image]] = {
    "multiply": lambda b, s: b * s,
    "screen": lambda b, s: b + s - b * s,
    "darken": np.minimum,
    "lighten": np.maximum,
    "difference": lambda b, s: np.abs(b - s),
    "overlay": lambda b, s: np.where(b <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "hard-light": lambda b, s: np.where(s <= 0.5, 2 * b * s, 1 - 2 * (1 - b) * (1 - s)),
    "exclusion": lambda b, s: b + s - 2 * b * s,
    "color-dodge": _color_dodge,
    "color-burn": _color_burn,
    "soft-light": _soft_light,
    "hue": lambda b, s: _set_lum(_set_sat(s, _sat(b)), _lum(b)),
    "saturation": lambda b, s: _set_lum(_set_sat(b, _sat(s)), _lum(b)),
    "color": lambda b, s: _set_lum(s, _lum(b)),
    "luminosity": lambda b, s: _set_lum(b, _lum(s)),
}


def unpremultiply(image: Image) -> Image:
    """Straight colours (alpha left as is) of premultiplied RGBA."""
    alpha = image[..., 3:4]
    rgb = np.where(alpha > 0, image[..., :3] / np.maximum(alpha, _ALPHA_EPSILON), 0)
    return np.concatenate([rgb, alpha], axis=-1)


def premultiply(straight: Image) -> Image:
    alpha = straight[..., 3:4]
    return np.concatenate([straight[..., :3] * alpha, alpha], axis=-1)


def luminance(image: Image) -> Image:
    """Luminance of premultiplied colours, i.e. luminance times alpha: a mask's values."""
    weights = np.array(LUMINANCE_WEIGHTS, dtype=np.float32)
    return image[..., :3] @ weights


def composite(a: Image, b: Image, operator: str, k: tuple[float, ...] = ()) -> Image:
    """``a`` composited with ``b`` (``in`` and ``in2`` of feComposite)."""
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
        out[..., :3] = np.minimum(out[..., :3], out[..., 3:4])  # premultiplied: colour within alpha
    else:
        out = a + b * (1 - alpha_a)  # over
    return t.cast(Image, out)


def blend(top: Image, bottom: Image, mode: str) -> Image:
    """feBlend: ``top`` over ``bottom`` with blend mode ``mode`` (unknown modes: normal).

    (1 - αb)·Cs + (1 - αs)·Cb + αs·αb·B(cb, cs), on premultiplied colours.
    """
    function = BLEND_MODES.get(mode)
    if function is None:
        return composite(top, bottom, "over")
    alpha_s, alpha_b = top[..., 3:4], bottom[..., 3:4]
    cs, cb = unpremultiply(top)[..., :3], unpremultiply(bottom)[..., :3]
    rgb = ((1 - alpha_b) * top[..., :3] + (1 - alpha_s) * bottom[..., :3]
           + alpha_s * alpha_b * function(cb, cs))
    return np.concatenate([rgb, alpha_s + alpha_b - alpha_s * alpha_b], axis=-1)


def mix(source: Image, backdrop: Image, mode: str) -> Image:
    """CSS mix-blend-mode: the source's colour becomes (1 - αb)·Cs + αb·B(Cb, Cs); the
    result is then composited over the backdrop as usual."""
    alpha_s, alpha_b = source[..., 3:4], backdrop[..., 3:4]
    cs, cb = unpremultiply(source)[..., :3], unpremultiply(backdrop)[..., :3]
    mixed = (1 - alpha_b) * cs + alpha_b * BLEND_MODES[mode](cb, cs)
    return np.concatenate([mixed * alpha_s, alpha_s], axis=-1).astype(np.float32)
