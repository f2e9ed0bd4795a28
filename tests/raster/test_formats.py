"""og's image encoders: every format decoded by Pillow and compared with the pixels given."""

from __future__ import annotations

import io
import struct
import typing as t
import zlib

import numpy as np
import pytest
from og.raster.encode import EFFORTS
from og.raster.encode import encode_png
from PIL import Image
from PIL import features

import og
from og.errors import UnknownFormat
from og.raster import formats as encode_formats
from og.raster.formats import encode
from og.raster.formats import encode_within

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import settings_for

LOSSY = ["jpeg", "webp"] + (["avif"] if features.check_module("avif") else [])
WHATSAPP_BYTES = 300_000


def card_like(height: int = 126, width: int = 240) -> np.ndarray:
    """Opaque: a diagonal two-colour gradient (thousands of colours) with white 'text' bars."""
    y, x = np.mgrid[0:height, 0:width]
    ramp = (x / width + y / height) / 2
    rgba = np.empty((height, width, 4), dtype=np.uint8)
    rgba[..., 0] = (80 + 160 * ramp).astype(np.uint8)
    rgba[..., 1] = (60 + 40 * np.sin(ramp * 6)).astype(np.uint8)
    rgba[..., 2] = (230 - 120 * ramp).astype(np.uint8)
    rgba[..., 3] = 255
    for top in (30, 60):
        rgba[top:top + 14, 20:200, :3] = 255
    return rgba


def translucent() -> np.ndarray:
    """Straight-alpha pixels with every alpha from 1 to 255 and noisy colours (no palette)."""
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(40, 70, 4), dtype=np.uint8)
    rgba[..., 3] = np.arange(40 * 70).reshape(40, 70) % 255 + 1
    return rgba


def few_colours(alpha: int = 255) -> np.ndarray:
    """Flat shapes in 5 colours, one of them with the given alpha."""
    rgba = np.zeros((50, 80, 4), dtype=np.uint8)
    rgba[...] = (250, 250, 245, 255)
    rgba[10:40, 5:30] = (200, 30, 30, 255)
    rgba[5:20, 40:75] = (20, 90, 200, 255)
    rgba[25:45, 40:75] = (10, 10, 10, 255)
    rgba[0:5, :] = (0, 160, 90, alpha)
    return rgba


def transparent() -> np.ndarray:
    return np.zeros((30, 40, 4), dtype=np.uint8)


def one_pixel() -> np.ndarray:
    return np.array([[[12, 200, 99, 255]]], dtype=np.uint8)


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def chunks(png: bytes) -> dict[bytes, bytes]:
    """The PNG's chunks by type (IDAT joined), each CRC checked."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found: dict[bytes, bytes] = {}
    at = 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", png[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + data)
        found[kind] = found.get(kind, b"") + data
        at += 12 + length
    return found


def on_white(rgba: np.ndarray) -> np.ndarray:
    alpha = rgba[..., 3:4] / 255
    return rgba[..., :3] * alpha + 255 * (1 - alpha)


def _opaque(rgba: np.ndarray) -> bool:
    return bool((rgba[..., 3] == 255).all())


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return float("inf") if mse == 0 else 10 * np.log10(255**2 / mse)


# PNG: exact, in the smallest colour type that is exact


@pytest.mark.parametrize("effort", sorted(EFFORTS))
@pytest.mark.parametrize(("make", "mode"), [
    (card_like, "RGB"),
    (translucent, "RGBA"),
    (few_colours, "P"),
    (lambda: few_colours(alpha=100), "P"),
    (transparent, "P"),
    (one_pixel, "P"),
])
def test_png_is_exact(make: t.Callable[[], np.ndarray], mode: str, effort: str) -> None:
    rgba = make()
    image = decoded(encode_png(rgba, effort))
    expected_mode = mode
    if mode == "P" and effort == "fast":  # the fast effort never looks for a palette
        expected_mode = "RGB" if _opaque(rgba) else "RGBA"
    assert image.format == "PNG"
    assert image.mode == expected_mode
    assert image.size == (rgba.shape[1], rgba.shape[0])
    assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)


def test_palette_has_only_the_colours_used_and_a_short_trns() -> None:
    rgba = few_colours(alpha=100)
    found = chunks(encode_png(rgba))
    assert found[b"IHDR"][8:10] == b"\x08\x03"  # 8-bit indexed
    assert len(found[b"PLTE"]) == 5 * 3
    assert found[b"tRNS"] == b"\x64"  # the one translucent entry comes first, alone
    assert b"tRNS" not in chunks(encode_png(few_colours()))


def test_palette_needs_at_most_256_colours() -> None:
    rgba = np.zeros((1, 257, 4), dtype=np.uint8)
    rgba[0, :, 0] = np.arange(257) % 256
    rgba[0, :, 1] = np.arange(257) // 256
    rgba[..., 3] = 255
    assert decoded(encode_png(rgba)).mode == "RGB"
    assert decoded(encode_png(rgba[:, :256])).mode == "P"
    assert np.array_equal(np.asarray(decoded(encode_png(rgba[:, :256])).convert("RGBA")), rgba[:, :256])


def test_png_rows_are_unfiltered_and_the_stream_is_plain_zlib() -> None:
    rgba = card_like()
    rows = zlib.decompress(chunks(encode_png(rgba))[b"IDAT"])
    assert len(rows) == rgba.shape[0] * (rgba.shape[1] * 3 + 1)
    assert set(rows[:: rgba.shape[1] * 3 + 1]) == {0}


@pytest.fixture(scope="module")
def bundled_cards(fonts: t.Any) -> dict[str, np.ndarray]:
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    names = [path.stem for path in sorted(BUNDLED_TEMPLATES.glob("*.svg"))]
    return {name: np.asarray(decoded(renderer.render(name, {})).convert("RGBA")) for name in names}


def test_every_bundled_card_fits_whatsapp_as_png(bundled_cards: dict[str, np.ndarray]) -> None:
    for name, rgba in bundled_cards.items():
        png = encode_png(rgba)
        assert len(png) <= WHATSAPP_BYTES, name
        assert np.array_equal(np.asarray(decoded(png).convert("RGBA")), rgba), name


# JPEG, WebP, AVIF: close, with the right size and mode


@pytest.mark.parametrize("fmt", LOSSY)
def test_lossy_formats_keep_the_picture(fmt: str) -> None:
    rgba = card_like()
    image = decoded(encode(rgba, fmt))
    assert image.format == fmt.upper()
    assert image.size == (240, 126)
    assert image.mode == "RGB"
    assert psnr(np.asarray(image.convert("RGB")), rgba[..., :3]) > 33


def test_jpeg_composites_translucent_pixels_on_white() -> None:
    rgba = np.zeros((32, 32, 4), dtype=np.uint8)
    rgba[..., 0] = 255
    rgba[..., 3] = 128  # half-transparent red over white is pink
    rgba[:16] = (0, 0, 0, 0)  # transparent is white
    image = np.asarray(decoded(encode(rgba, "jpeg")).convert("RGB")).astype(int)
    assert np.abs(image[:16] - 255).max() <= 2
    assert np.abs(image[16:] - np.array([255, 127, 127])).max() <= 3


@pytest.mark.parametrize("fmt", [fmt for fmt in LOSSY if fmt != "jpeg"])
def test_webp_and_avif_keep_alpha(fmt: str) -> None:
    rgba = few_colours(alpha=100)
    rgba[20:30] = 0  # a fully transparent band
    image = decoded(encode(rgba, fmt))
    assert image.mode == "RGBA"
    back = np.asarray(image).astype(int)
    assert np.abs(back[..., 3] - rgba[..., 3]).mean() < 3
    assert np.abs(back[..., 3] - rgba[..., 3]).max() <= 20
    seen = rgba[..., 3] > 0  # colour under alpha 0 is free to change
    colour_error = np.abs(back[..., :3][seen] - rgba[..., :3][seen]).mean()
    assert colour_error < 6  # WebP's chroma is always half resolution: flat shapes' edges bleed


@pytest.mark.parametrize("fmt", ["png", *LOSSY])
@pytest.mark.parametrize("make", [transparent, one_pixel])
def test_degenerate_images_encode_in_every_format(fmt: str, make: t.Callable[[], np.ndarray]) -> None:
    rgba = make()
    image = decoded(encode(rgba, fmt))
    assert image.size == (rgba.shape[1], rgba.shape[0])
    back = np.asarray(image.convert("RGBA")).astype(int)
    expected = on_white(rgba) if fmt == "jpeg" else rgba[..., :3] * (rgba[..., 3:] > 0)
    assert np.abs(back[..., :3] * (back[..., 3:] > 0) - expected).max() <= 12
    if fmt != "jpeg":
        assert np.array_equal(back[..., 3], rgba[..., 3])


@pytest.mark.parametrize("fmt", ["png", *LOSSY])
def test_same_pixels_same_bytes(fmt: str) -> None:
    rgba = card_like()
    assert encode(rgba, fmt) == encode(rgba.copy(), fmt)


def test_quality_and_effort_trade_bytes() -> None:
    rgba = card_like(252, 480)
    assert len(encode(rgba, "jpeg", quality=40)) < len(encode(rgba, "jpeg")) < len(encode(rgba, "jpeg", 95))
    assert len(encode(rgba, "png", effort="small")) < len(encode(rgba, "png", effort="fast"))


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(UnknownFormat):
        encode(card_like(), "gif")
    with pytest.raises(ValueError, match="lossless"):
        encode(card_like(), "png", quality=80)
    with pytest.raises(ValueError, match="effort"):
        encode(card_like(), "jpeg", effort="max")


# The byte budget


def test_budget_keeps_the_png_when_it_fits() -> None:
    rgba = card_like()
    chosen = encode_within(rgba, 10**7)
    assert (chosen.fmt, chosen.content_type, chosen.fits) == ("png", "image/png", True)
    assert chosen.data == encode_png(rgba)


def test_budget_falls_back_to_a_smaller_format_and_says_which() -> None:
    rgba = card_like(252, 480)
    png = min(len(encode(rgba, "png", effort=effort)) for effort in ("balanced", "small"))
    webp = encode(rgba, "webp")
    assert len(webp) < png  # the test's premise
    chosen = encode_within(rgba, png - 1)
    assert (chosen.fmt, chosen.quality, chosen.content_type, chosen.fits) == ("webp", 85, "image/webp", True)
    assert chosen.data == webp
    assert decoded(chosen.data).format == "WEBP"


def test_budget_lowers_quality_before_giving_up_a_format() -> None:
    rgba = card_like(252, 480)
    best = len(encode(rgba, "jpeg"))
    chosen = encode_within(rgba, best - 1, formats=("jpeg",))
    assert chosen.fmt == "jpeg" and chosen.quality is not None and chosen.quality < 85
    assert len(chosen.data) < best
    assert chosen == encode_within(rgba.copy(), best - 1, formats=("jpeg",))


def test_budget_nothing_fits_gives_the_smallest_tried() -> None:
    rgba = card_like()
    chosen = encode_within(rgba, 10, formats=("png", "jpeg"))
    assert not chosen.fits
    assert chosen.fmt == "jpeg"
    tried = [encode(rgba, "jpeg", quality) for quality, _ in encode_formats.BUDGET_STEPS["jpeg"]]
    assert chosen.data == min(tried, key=len)


def test_budget_refuses_unknown_formats_before_any_work() -> None:
    with pytest.raises(UnknownFormat):
        encode_within(card_like(), 10**7, formats=("png", "bmp"))
    with pytest.raises(ValueError):
        encode_within(card_like(), 10**7, formats=())


def test_the_budget_starts_at_the_configured_quality() -> None:
    rng = np.random.default_rng(7)
    rgba = np.concatenate([rng.integers(0, 255, (120, 200, 3), dtype=np.uint8),
                           np.full((120, 200, 1), 255, np.uint8)], axis=-1)
    chosen = encode_within(rgba, 10_000_000, formats=("webp",), quality=60)
    assert (chosen.fmt, chosen.quality) == ("webp", 60)
    assert encode_within(rgba, 10_000_000, formats=("webp",)).quality == 85
