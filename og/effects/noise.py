"""feTurbulence: Perlin noise as the SVG 1.1 specification's reference code computes it,
evaluated for every pixel at once with numpy.

The reference code fixes everything a renderer could choose: the pseudo-random generator
(Park and Miller's minimal standard), the lattice and gradients it fills, the s-curve, the
octave sum and the stitching. Following it to the letter is what makes a template's noise
the same in Inkscape, browsers and og.
"""

from __future__ import annotations

import dataclasses
import math
import typing as t

import numpy as np

_B_SIZE = 0x100
_B_MASK = 0xFF
_PERLIN_N = 0x1000
_RAND_M = 2147483647
_RAND_A = 16807
_RAND_Q = 127773  # m / a
_RAND_R = 2836  # m % a
#: Octaves past this add under 1/500 of the first one's amplitude: under one step of 8-bit colour,
#: so more are not computed (numOctaves is otherwise unbounded in a template).
MAX_OCTAVES = 9


def _setup_seed(seed: int) -> int:
    if seed <= 0:
        seed = -(seed % (_RAND_M - 1)) + 1
    return min(seed, _RAND_M - 1)


def _random(seed: int) -> int:
    # C's long division truncates toward zero; seeds stay positive here, so // is the same.
    result = _RAND_A * (seed % _RAND_Q) - _RAND_R * (seed // _RAND_Q)
    return result + _RAND_M if result <= 0 else result


def _lattice(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference code's ``init``: the lattice selector (514,) and gradients (4, 514, 2)."""
    seed = _setup_seed(seed)
    lattice = list(range(_B_SIZE))
    gradient = np.zeros((4, _B_SIZE + _B_SIZE + 2, 2))
    for k in range(4):
        for i in range(_B_SIZE):
            for j in range(2):
                seed = _random(seed)
                gradient[k, i, j] = ((seed % (_B_SIZE + _B_SIZE)) - _B_SIZE) / _B_SIZE
            norm = math.sqrt(gradient[k, i, 0] ** 2 + gradient[k, i, 1] ** 2)
            gradient[k, i] /= norm if norm else 1.0  # the C code divides by zero: never for real seeds
    for i in range(_B_SIZE - 1, 0, -1):
        seed = _random(seed)
        j = seed % _B_SIZE
        lattice[i], lattice[j] = lattice[j], lattice[i]
    selector = np.array(lattice + lattice[:_B_SIZE + 2], dtype=np.int64)
    gradient[:, _B_SIZE:] = gradient[:, :_B_SIZE + 2]
    return selector, gradient


@dataclasses.dataclass
class _Stitch:
    width: int
    height: int
    wrap_x: int
    wrap_y: int


def _noise2(selector: np.ndarray, gradient: np.ndarray, x: np.ndarray, y: np.ndarray,
            stitch: _Stitch | None) -> np.ndarray:
    """``noise2`` for the four channels at once: (N, 4) for N points. ``gradient`` is the
    reference code's table laid out (514, 8): each lattice point's four channels' (x, y)."""
    tx, ty = x + _PERLIN_N, y + _PERLIN_N
    ix, iy = np.trunc(tx), np.trunc(ty)
    bx0, by0 = ix.astype(np.int64), iy.astype(np.int64)
    bx1, by1 = bx0 + 1, by0 + 1
    rx0 = (tx - ix).astype(np.float32)[:, None]  # float32 from here: within 1e-6 of the reference
    ry0 = (ty - iy).astype(np.float32)[:, None]
    rx1, ry1 = rx0 - 1.0, ry0 - 1.0
    if stitch is not None:
        # The reference code masks the lattice index to 0..255 before comparing it with the
        # wrap point (which is past 4096), so it never stitches; browsers compare first, as
        # the specification means, and so does og.
        bx0 = np.where(bx0 >= stitch.wrap_x, bx0 - stitch.width, bx0)
        bx1 = np.where(bx1 >= stitch.wrap_x, bx1 - stitch.width, bx1)
        by0 = np.where(by0 >= stitch.wrap_y, by0 - stitch.height, by0)
        by1 = np.where(by1 >= stitch.wrap_y, by1 - stitch.height, by1)
    bx0, bx1, by0, by1 = bx0 & _B_MASK, bx1 & _B_MASK, by0 & _B_MASK, by1 & _B_MASK
    i, j = selector[bx0], selector[bx1]
    sx = rx0 * rx0 * (3.0 - 2.0 * rx0)
    sy = ry0 * ry0 * (3.0 - 2.0 * ry0)

    def dot(b: np.ndarray, rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
        q = gradient[b]  # (N, 8): x, y of channel 0, then channel 1, ...
        return t.cast(np.ndarray, rx * q[:, 0::2] + ry * q[:, 1::2])

    u, v = dot(selector[i + by0], rx0, ry0), dot(selector[j + by0], rx1, ry0)
    a = u + sx * (v - u)
    u, v = dot(selector[i + by1], rx0, ry1), dot(selector[j + by1], rx1, ry1)
    b = u + sx * (v - u)
    return t.cast(np.ndarray, a + sy * (b - a))


#: Points computed at once: bounds the temporary arrays (a few MB) on a card-sized region.
_CHUNK = 1 << 15


@dataclasses.dataclass(frozen=True)
class Turbulence:
    """An feTurbulence's parameters (frequencies in cycles per user unit)."""

    base_x: float
    base_y: float
    octaves: int = 1
    seed: int = 0
    fractal: bool = False  # type="fractalNoise" (else "turbulence")
    stitch_tile: tuple[float, float, float, float] | None = None  # x, y, width, height when stitching


def _stitched_frequency(frequency: float, size: float) -> float:
    if frequency == 0 or size <= 0:
        return frequency
    low, high = math.floor(size * frequency) / size, math.ceil(size * frequency) / size
    if low <= 0:
        return high
    return low if frequency / low < high / frequency else high


def turbulence(spec: Turbulence, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Straight RGBA in 0..1, (N, 4), of the noise at the user-space points ``x``, ``y``."""
    selector, gradient = _lattice(round(spec.seed))
    base_x, base_y = spec.base_x, spec.base_y
    stitch = None
    if spec.stitch_tile is not None:
        tile_x, tile_y, tile_width, tile_height = spec.stitch_tile
        base_x = _stitched_frequency(base_x, tile_width)
        base_y = _stitched_frequency(base_y, tile_height)
        width, height = int(tile_width * base_x + 0.5), int(tile_height * base_y + 0.5)
        stitch = _Stitch(width, height, int(tile_x * base_x + _PERLIN_N + width),
                         int(tile_y * base_y + _PERLIN_N + height))
    table = gradient.transpose(1, 0, 2).reshape(-1, 8).astype(np.float32)
    xs, ys = x.ravel() * base_x, y.ravel() * base_y
    total = np.zeros((xs.size, 4))
    for begin in range(0, xs.size, _CHUNK):
        part = slice(begin, begin + _CHUNK)
        total[part] = _octaves(spec, selector, table, xs[part], ys[part], stitch)
    if spec.fractal:
        total = (total + 1) / 2
    return np.clip(total, 0.0, 1.0)


def _octaves(spec: Turbulence, selector: np.ndarray, table: np.ndarray, vx: np.ndarray, vy: np.ndarray,
             stitch: _Stitch | None) -> np.ndarray:
    """The reference code's octave sum for some points, (N, 4)."""
    total = np.zeros((vx.size, 4))
    ratio = 1.0
    for _ in range(max(0, min(spec.octaves, MAX_OCTAVES))):
        noise = _noise2(selector, table, vx, vy, stitch)
        total += (noise if spec.fractal else np.abs(noise)) / ratio
        vx, vy, ratio = vx * 2, vy * 2, ratio * 2
        if stitch is not None:
            stitch = _Stitch(stitch.width * 2, stitch.height * 2, 2 * stitch.wrap_x - _PERLIN_N,
                             2 * stitch.wrap_y - _PERLIN_N)
    return total
