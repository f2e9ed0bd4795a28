"""Pixels → PNG bytes, faster than cairo's own writer and about half its size.

cairo's ``write_to_png`` spends 23–33 ms on a 1200x630 card (FINDINGS). og writes the PNG
itself with numpy and libdeflate (``deflate``): level 6 gives files 5–7% smaller than level 4
(and than zlib's level 6) for 10–15% more time (≈ 5 ms a card), where ISA-L (``isal``) takes
1–3 ms for files 1.3–1.6x larger (``bench/bench_encode.py``, ``bench/bench_png_bytes.py``).
Rows are left unfiltered: cards are gradients in runs of equal pixels, which deflate matches
well as they are; the Sub/Up/Average/Paeth filters (alone or chosen per row by the
minimum-sum-of-absolute-differences heuristic) made every bundled card larger at libdeflate
levels 3–9 and cost 12–17 ms in numpy on top.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
import typing as t
import zlib

import deflate
import numpy as np
from isal import isal_zlib

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_PALETTE = 256


@dataclasses.dataclass(frozen=True)
class Effort:
    """How hard ``encode_png`` tries: its deflate, and whether it looks for an exact palette."""

    compress: t.Callable[[memoryview], bytes | bytearray]
    palette: bool = True


#: ``fast``: for PNGs decoded at once (effects' data URIs), size does not matter;
#: ``balanced``: cards (≤ 300 KB for every bundled one, 5–9 ms);
#: ``small``: for a byte budget or pre-rendering (libdeflate 8: 2.5% smaller than ``balanced`` on
#: the peer card, for twice its time; levels 10–12 are 5–7% smaller but take 120–330 ms).
EFFORTS: dict[str, Effort] = {
    "fast": Effort(functools.partial(isal_zlib.compress, level=2), palette=False),
    "balanced": Effort(functools.partial(deflate.zlib_compress, compresslevel=6)),
    "small": Effort(functools.partial(deflate.zlib_compress, compresslevel=8)),
}


def _chunk(kind: bytes, data: bytes | bytearray) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def surface_rows(surface: t.Any) -> np.ndarray:
    """The bytes of a cairo image surface as (height, stride) rows, without a copy."""
    surface.flush()
    height, stride = surface.get_height(), surface.get_stride()
    return np.frombuffer(surface.get_data(), dtype=np.uint8).reshape(height, stride)


def pixels(surface: t.Any) -> np.ndarray:
    """RGBA (straight alpha) pixels of a cairo ARGB32 surface (BGRA, premultiplied)."""
    return pixels_of(surface_rows(surface), surface.get_width())


def pixels_of(raw: np.ndarray, width: int) -> np.ndarray:
    """RGBA (straight alpha) pixels of rows of cairo ARGB32 data (BGRA, premultiplied)."""
    height = raw.shape[0]
    bgra = raw[:, : width * 4].reshape(height, width, 4)
    rgba = bgra[..., [2, 1, 0, 3]].astype(np.uint8)
    alpha = rgba[..., 3]
    if (alpha != 255).any():
        translucent = (alpha > 0) & (alpha < 255)
        if translucent.any():
            a = alpha[translucent].astype(np.uint32)
            for channel in range(3):
                values = rgba[..., channel][translucent].astype(np.uint32)
                rgba[..., channel][translucent] = np.minimum(255, (values * 255 + a // 2) // a)
    return rgba


def palette_of(rgba: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(indices, palette)`` when the pixels have at most 256 colours, else None.

    Exact, never a quantisation. Pillow's ``getcolors`` gives up as soon as it counts 257
    colours (well under 1 ms on a card); translucent entries come first so that tRNS can
    stop at the last of them.
    """
    from PIL import Image  # Pillow only when a PNG is encoded this way, not at start

    rgba = np.ascontiguousarray(rgba)
    colours = Image.fromarray(rgba).getcolors(_MAX_PALETTE)
    if colours is None:
        return None
    palette = np.array([colour for _, colour in colours], dtype=np.uint8).reshape(-1, 4)
    keys = palette.view(np.uint32)[:, 0]
    palette = palette[np.lexsort((keys, palette[:, 3] == 255))]
    keys = palette.view(np.uint32)[:, 0]
    by_key = np.argsort(keys)
    codes = rgba.view(np.uint32)[..., 0]
    indices = by_key[np.searchsorted(keys[by_key], codes)].astype(np.uint8)
    return indices, palette


def encode_png(rgba: np.ndarray, effort: str = "balanced") -> bytes:
    """A PNG of the pixels, exactly: indexed when they have ≤ 256 colours, else RGB when
    fully opaque, else RGBA. ``effort`` is a key of ``EFFORTS``."""
    height, width, _ = rgba.shape
    how = EFFORTS[effort]
    indexed = palette_of(rgba) if how.palette else None
    extra: list[bytes] = []
    if indexed is not None:
        samples, palette = indexed[0][..., None], indexed[1]
        color_type = 3
        extra.append(_chunk(b"PLTE", palette[:, :3].tobytes()))
        translucent = int((palette[:, 3] != 255).sum())
        if translucent:
            extra.append(_chunk(b"tRNS", palette[:translucent, 3].tobytes()))
    elif bool((rgba[..., 3] == 255).all()):
        samples, color_type = rgba[..., :3], 2
    else:
        samples, color_type = rgba, 6
    return png_file(width, height, color_type, how.compress(png_rows(samples).data), extra)


def png_rows(samples: np.ndarray) -> np.ndarray:
    """PNG scanlines of (height, width, channels) samples: a filter byte, then the samples.

    One copy: the samples go straight into the rows, after each row's filter byte; one
    channel at a time, which numpy does 4x faster than the interleaved copy (0.6 ms).
    """
    height, width, channels = samples.shape
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None (see the module's docstring)
    interleaved = rows[:, 1:].reshape(height, width, channels)
    for channel in range(channels):
        interleaved[..., channel] = samples[..., channel]
    return rows


def png_file(width: int, height: int, color_type: int, idat: bytes | bytearray,
             extra: t.Sequence[bytes] = ()) -> bytes:
    """The PNG file around compressed image data (8 bits per sample)."""
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    chunks = (_chunk(b"IHDR", header), *extra, _chunk(b"IDAT", idat), _chunk(b"IEND", b""))
    return _SIGNATURE + b"".join(chunks)
