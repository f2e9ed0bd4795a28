"""RGBA pixels → PNG, JPEG, WebP or AVIF bytes, and the first of them that fits a byte budget.

Platforms cap what they fetch as og:image (WhatsApp ≈ 300 KB, Bluesky ≈ 1 MB: FINDINGS), and
a card's gradients make its PNG 100–300 KB where a JPEG or WebP of it is 20–90 KB. PNG is og's
own writer (``encode.encode_png``); the lossy formats are Pillow's (libjpeg-turbo, libwebp,
libavif). Every encoder here is deterministic: the same pixels give the same bytes, so an
ETag made from the pixels or the bytes stays valid.

Defaults come from ``bench/bench_encode.py`` on the bundled cards: JPEG q85 with full-resolution
chroma (4:4:4), since 4:2:0 blurs white text on saturated colour into a tinted fringe for only
20–30% fewer bytes; WebP q85 at method 2 (method 0 was up to twice the bytes, method 4 2–3x the
time for 5% less); AVIF q70, 4:4:4 (3–9% more bytes than 4:2:0, the edges JPEG keeps), at
libavif's fastest speed, one thread (deterministic, and fair to the other worker on 2 cores).
"""

from __future__ import annotations

import dataclasses
import io
import typing as t

import numpy as np

from ..errors import UnknownFormat
from ..formats import BUDGET_FALLBACKS
from ..formats import CONTENT_TYPES
from ..formats import RASTER_FORMATS
from .encode import EFFORTS
from .encode import encode_png


def _pillow_image() -> t.Any:
    """``PIL.Image`` with the JPEG, WebP and AVIF codecs registered, imported on the first
    JPEG/WebP/AVIF card rather than at start (a PNG never needs them)."""
    # Imported for their side effect, which is all Pillow needs: registering these codecs alone
    # (``Image.init()`` would import every plugin Pillow has).
    from PIL import AvifImagePlugin  # noqa: F401
    from PIL import Image
    from PIL import JpegImagePlugin  # noqa: F401
    from PIL import WebPImagePlugin  # noqa: F401

    return Image

#: Quality (0–100) when the caller gives none; PNG is lossless and takes no quality.
DEFAULT_QUALITY: dict[str, int] = {"jpeg": 85, "webp": 85, "avif": 70}

_LOWER_QUALITIES = (85, 75, 60, 45, 30)

#: What each format tries, best first, in ``encode_within``: (quality, effort) pairs. The low
#: qualities show (JPEG q30 rings round text), but a card that is shown beats one a platform drops.
BUDGET_STEPS: dict[str, tuple[tuple[int | None, str], ...]] = {
    "png": ((None, "balanced"), (None, "small")),
    "webp": tuple((quality, "balanced") for quality in _LOWER_QUALITIES),
    "jpeg": tuple((quality, "balanced") for quality in _LOWER_QUALITIES),
    "avif": ((70, "balanced"), (55, "balanced"), (40, "balanced")),
}

_WEBP_METHOD = {"fast": 0, "balanced": 2, "small": 4}
_AVIF_SPEED = {"fast": 10, "balanced": 10, "small": 8}


@dataclasses.dataclass(frozen=True)
class Encoded:
    """An encoded card and how it was made; ``fits`` is False when nothing met the budget."""

    data: bytes
    fmt: str
    quality: int | None
    effort: str
    fits: bool = True

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.fmt]


def _opaque(rgba: np.ndarray) -> bool:
    return bool(rgba[..., 3].min() == 255)


def _on_white(rgba: np.ndarray) -> np.ndarray:
    """RGB of the pixels composited over white, for formats without alpha (JPEG)."""
    if _opaque(rgba):
        return np.ascontiguousarray(rgba[..., :3])
    alpha = rgba[..., 3:4].astype(np.uint32)
    rgb = rgba[..., :3].astype(np.uint32) * alpha + 255 * (255 - alpha)
    return ((rgb + 127) // 255).astype(np.uint8)


def _save(pixels: np.ndarray, fmt: str, **options: t.Any) -> bytes:
    out = io.BytesIO()
    _pillow_image().fromarray(np.ascontiguousarray(pixels)).save(out, fmt, **options)
    return out.getvalue()


def _keep_alpha(rgba: np.ndarray) -> np.ndarray:
    """RGB when opaque (no alpha plane to store), else RGBA."""
    return np.ascontiguousarray(rgba[..., :3]) if _opaque(rgba) else rgba


def _png(rgba: np.ndarray, quality: int | None, effort: str) -> bytes:
    if quality is not None:
        raise ValueError("PNG is lossless: it takes no quality")
    return encode_png(rgba, effort)


def _jpeg(rgba: np.ndarray, quality: int | None, effort: str) -> bytes:
    return _save(_on_white(rgba), "JPEG", quality=quality, subsampling=0, optimize=effort == "small")


def _webp(rgba: np.ndarray, quality: int | None, effort: str) -> bytes:
    return _save(_keep_alpha(rgba), "WEBP", quality=quality, method=_WEBP_METHOD[effort])


def _avif(rgba: np.ndarray, quality: int | None, effort: str) -> bytes:
    return _save(_keep_alpha(rgba), "AVIF", quality=quality, speed=_AVIF_SPEED[effort], subsampling="4:4:4",
                 max_threads=1)


#: The encoder of each format of :data:`og.formats.TABLE` that rasterises.
ENCODERS: dict[str, t.Callable[[np.ndarray, int | None, str], bytes]] = {
    "png": _png,
    "jpeg": _jpeg,
    "webp": _webp,
    "avif": _avif,
}


def _known(fmt: str) -> str:
    if fmt not in RASTER_FORMATS:
        known = ", ".join(sorted(RASTER_FORMATS))
        raise UnknownFormat(f"unknown image format {fmt[:16]!r}; use one of: {known}")
    return fmt


def encode(rgba: np.ndarray, fmt: str = "png", quality: int | None = None, effort: str = "balanced") -> bytes:
    """The pixels (H x W x 4, straight alpha) as ``fmt``: png, jpeg, webp or avif.

    :param quality: 0–100 for the lossy formats (default ``DEFAULT_QUALITY``); None for PNG.
    :param effort: ``fast``, ``balanced`` or ``small``: time against bytes, per format.
    :raises UnknownFormat: for any other ``fmt`` (a 404 on the web).
    """
    encoder = ENCODERS[_known(fmt)]
    if effort not in EFFORTS:
        raise ValueError(f"unknown effort {effort!r}; use one of: {', '.join(EFFORTS)}")
    return encoder(rgba, DEFAULT_QUALITY.get(fmt) if quality is None else quality, effort)


def _steps_from(steps: tuple[tuple[int | None, str], ...],
                quality: int | None) -> list[tuple[int | None, str]]:
    """A format's budget steps starting at ``quality`` (the lossless PNG steps stay as they are)."""
    if quality is None or all(step is None for step, _ in steps):
        return list(steps)
    lower = [(step, effort) for step, effort in steps if step is not None and step < quality]
    return [(quality, steps[0][1]), *lower]


def encode_within(
    rgba: np.ndarray, max_bytes: int, formats: t.Sequence[str] = BUDGET_FALLBACKS,
    quality: int | None = None,
) -> Encoded:
    """The first encoding of ``BUDGET_STEPS`` that is at most ``max_bytes`` long.

    ``formats`` are the ones the operator allows, preferred first: each is tried at its
    steps (PNG: balanced then small effort; the lossy ones: falling quality) before the next
    format. When none fits, the smallest one tried comes back with ``fits=False``: a card a
    platform may refuse is still better than an error it surely shows as nothing.

    :param quality: the deploy's or template's quality: the lossy formats start there.
    """
    steps = [(fmt, step, effort) for fmt in map(_known, formats)
             for step, effort in _steps_from(BUDGET_STEPS[fmt], quality)]
    if not steps:
        raise ValueError("no formats to choose from")
    smallest: Encoded | None = None
    for fmt, quality, effort in steps:
        tried = Encoded(encode(rgba, fmt, quality, effort), fmt, quality, effort)
        if len(tried.data) <= max_bytes:
            return tried
        if smallest is None or len(tried.data) < len(smallest.data):
            smallest = tried
    assert smallest is not None
    return dataclasses.replace(smallest, fits=False)
