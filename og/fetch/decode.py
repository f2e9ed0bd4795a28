"""Image bytes → a PNG of exactly the slot's device size (cover) or within it (contain).

The format is sniffed from the bytes, never from a Content-Type or a file name: PNG, JPEG,
WebP and GIF (its first frame) only, and Pillow is asked to open only that one format, so
SVG, EPS, PDF or any other of its plugins never see a hostile body. The pixel count is
checked from the header before anything is decoded (a 100-byte PNG may declare 30000x30000).
"""

from __future__ import annotations

import io
import typing as t

from ..errors import ImageUnavailable

#: Leading bytes → Pillow's format name. WebP is ``RIFF????WEBP``, checked apart.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
#: The largest device size a slot may ask for, per side: far above any card, far below a bomb.
MAX_SIDE_PX = 4096

#: zlib level of the embedded PNG: it lives only until CairoSVG reads it (level 1: 3.5 ms for
#: 300x300, level 6: 9 ms, on the 2-core machine), though the ``.svg`` answer carries it too.
PNG_LEVEL = 1

Fit = t.Literal["cover", "contain"]


def sniff(data: bytes) -> str | None:
    """Pillow's name for the format of ``data``, if og accepts it.

    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n..."), sniff(b"RIFF\\0\\0\\0\\0WEBPVP8 "), sniff(b"<svg")
    ('PNG', 'WEBP', None)
    """
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return next((name for magic, name in _MAGIC if data.startswith(magic)), None)


def fitted_png(data: bytes, size: tuple[int, int], fit: Fit, max_pixels: int) -> bytes:
    """``data`` decoded, oriented, scaled to ``size`` (cropped to it for ``cover``), as PNG.

    :raises ImageUnavailable: not an accepted format, over ``max_pixels``, or undecodable.
    """
    from PIL import Image  # Pillow (≈ 15 ms at start) only when a card has a picture to fit
    from PIL import ImageOps

    fmt = sniff(data)
    if fmt is None:
        raise ImageUnavailable("the URL did not give an image og accepts (PNG, JPEG, WebP or GIF)")
    width, height = (max(1, min(MAX_SIDE_PX, side)) for side in size)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as image:
            pixels = image.size[0] * image.size[1]
            if pixels > max_pixels:
                raise ImageUnavailable(f"the image has {pixels} pixels; the most is {max_pixels}")
            if fmt == "JPEG":  # decode at a reduced scale when that is still big enough
                scale = max(width / image.size[0], height / image.size[1])
                image.draft("RGB", (max(1, round(image.width * scale)), max(1, round(image.height * scale))))
            image.seek(0)
            frame = ImageOps.exif_transpose(image).convert("RGBA")
    except ImageUnavailable:
        raise
    except Exception as error:  # Pillow's errors on hostile bytes, decompression bombs included
        raise ImageUnavailable(f"the image could not be decoded ({type(error).__name__})") from None
    if fit == "cover":
        frame = ImageOps.fit(frame, (width, height), Image.Resampling.LANCZOS)
    else:
        frame = ImageOps.contain(frame, (width, height), Image.Resampling.LANCZOS)
    if frame.getchannel("A").getextrema() == (255, 255):
        frame = frame.convert("RGB")  # opaque: a quarter fewer bytes to write and to read back
    out = io.BytesIO()
    frame.save(out, "PNG", compress_level=PNG_LEVEL)
    return out.getvalue()
