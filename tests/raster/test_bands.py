"""PNG in bands over the cached background: the same pixels as encoding the whole card."""

from __future__ import annotations

import concurrent.futures
import dataclasses
import io
import struct
import threading
import time
import typing as t
import zlib

import numpy as np
import pytest
from PIL import Image

import og
from og import stages
from og.config import Settings
from og.deadline import RenderBudget
from og.errors import RenderTimeout
from og.raster import bands
from og.raster import encode

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import FONTS_DIR

BUNDLED = og.Renderer(Settings(templates_dir=BUNDLED_TEMPLATES, fonts_dir=FONTS_DIR))


def _decoded(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("name", BUNDLED.templates.names())
@pytest.mark.parametrize("title", ["Banded", "A much longer title that wraps over several lines " * 2])
def test_banded_png_has_the_same_pixels(name: str, title: str) -> None:
    template = BUNDLED.templates.get(name)
    text = next(p for p in template.params.values() if p.required).name  # the value each card needs
    png = BUNDLED.render(name, {text: title[: template.params[text].max_length]})
    laid_out = BUNDLED.lay_out(name, {text: title[: template.params[text].max_length]})
    surface = stages.rasterize(BUNDLED.tools, laid_out).whole()
    assert np.array_equal(_decoded(png), encode.pixels(surface)), "banded PNG differs from the pixels"
    width, height, _, color_type = struct.unpack(">IIBB", png[16:26])
    channels = {2: 3, 6: 4, 3: 1}[color_type]
    assert len(zlib.decompress(_idat(png))) == height * (width * channels + 1), "one valid zlib stream"


def _idat(png: bytes) -> bytes:
    """The concatenated IDAT data of a PNG (zlib checks its Adler-32 when decompressing)."""
    position, data = 8, b""
    while position < len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        if kind == b"IDAT":
            data += png[position + 8:position + 8 + length]
        position += 12 + length
    return data


def _counted(calls: list[bool]) -> t.Callable[..., bytes]:
    """``bands._deflate``, noting in ``calls`` whether each band it compresses is static."""
    real = bands._deflate

    def deflate(data: bytes, static: bool, after: bytes = b"") -> bytes:
        calls.append(static)
        return real(data, static, after)

    return deflate


def test_only_changed_bands_are_compressed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = og.Renderer(dataclasses.replace(BUNDLED.settings, cache_bytes=0), fonts=BUNDLED.fonts)
    renderer.render("article", {"title": "Warm"})
    calls = []
    monkeypatch.setattr(bands, "_deflate", _counted(calls))
    renderer.render("article", {"title": "Short"})
    total = -(-630 // bands.BAND_ROWS)
    assert calls and not any(calls), "the background's bands are compressed once, not per request"
    assert len(calls) < total / 2, f"{len(calls)} of {total} bands compressed for a one-word title"


def test_adler32_combine_matches_zlib() -> None:
    rng = np.random.default_rng(1)
    first, second = rng.bytes(1000), rng.bytes(77777)
    assert bands.adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == \
        zlib.adler32(first + second)


def test_a_different_size_falls_back() -> None:
    laid_out = BUNDLED.lay_out("article", {})
    key = stages.rasterize(BUNDLED.tools, laid_out).background
    small = BUNDLED.backend.rasterize(b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    rows = BUNDLED.tools.bands(key)
    assert rows is not None and bands.encode_over(small, rows) is None


def test_changed_bands_seen_before_are_copied(monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = og.Renderer(dataclasses.replace(BUNDLED.settings, cache_bytes=0), fonts=BUNDLED.fonts)
    renderer.render("profile", {"name": "First"})
    calls: list[bool] = []
    monkeypatch.setattr(bands, "_deflate", _counted(calls))
    png = renderer.render("profile", {"name": "Second"})
    compressed_second = len(calls)
    renderer.render("profile", {"name": "Second"})
    assert len(calls) == compressed_second, "the same card again compresses nothing"
    assert compressed_second < 23, "bands that came back (the static foreground) are copied"
    laid_out = renderer.lay_out("profile", {"name": "Second"})
    assert np.array_equal(_decoded(png), encode.pixels(stages.rasterize(renderer.tools, laid_out).whole()))


def test_compressing_a_background_stops_at_the_budget() -> None:
    """The once-per-template compression checks the budget between bands (a huge canvas at dpr 2
    has thousands of them)."""
    laid_out = BUNDLED.lay_out("article", {})
    surface = stages.rasterize(BUNDLED.tools, laid_out).whole()
    budget = RenderBudget(1e-6)
    with budget.running(), pytest.raises(RenderTimeout):
        time.sleep(0.01)
        bands.bands_of(surface)


def test_two_renders_at_once_draw_and_compress_a_background_once() -> None:
    renderer = og.Renderer(BUNDLED.settings, fonts=BUNDLED.fonts)
    barrier = threading.Barrier(2)

    def render(title: str) -> bytes:
        barrier.wait(10)
        return renderer.render("article", {"title": title})

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        list(pool.map(render, ["First at once", "Second at once"]))
    assert renderer.caches.backgrounds.stats().misses == 1
    assert renderer.caches.png_bands.stats().misses == 1


class _Rows:
    """A cairo-like image surface over numpy rows of BGRA bytes (what ``encode_over`` reads)."""

    def __init__(self, raw: np.ndarray, width: int) -> None:
        self.raw, self.width = np.ascontiguousarray(raw), width

    def flush(self) -> None:
        pass

    def get_width(self) -> int:
        return self.width

    def get_height(self) -> int:
        return int(self.raw.shape[0])

    def get_stride(self) -> int:
        return int(self.raw.shape[1])

    def get_data(self) -> memoryview:
        return memoryview(self.raw).cast("B")


def test_a_band_seen_before_is_copied_only_after_the_same_rows() -> None:
    """A changed band's deflate refers back into the rows above it: copied after other rows,
    it would decode to other pixels. The same band after another changed band is compressed again."""
    raster = stages.rasterize(BUNDLED.tools, BUNDLED.lay_out("article", {}))
    surface, key = raster.whole(), raster.background
    rows = BUNDLED.tools.bands(key)
    assert rows is not None
    background = rows.raw.copy()
    pieces: bands.Pieces = og.caches.BoundedCache("test pieces", 64 << 20, "test")
    band = bands.BAND_ROWS
    first, second = background.copy(), background.copy()
    first[5 * band:7 * band, 400:800] = 255  # bands 5 and 6 white in the middle
    second[5 * band:7 * band, 400:800] = 255
    second[6 * band - 1, 400:800].reshape(-1, 4)[:, :3] = 0  # band 5's last row black, band 6 as in first
    for raw in (first, second, first):
        png = bands.encode_over(_Rows(raw, surface.get_width()), rows, pieces, key)
        assert png is not None
        assert np.array_equal(_decoded(png), encode.pixels_of(raw, surface.get_width()))
    assert pieces.stats().entries == 4  # band 5 twice, band 6 after each of them


def test_changed_bands_follow_the_rows_above_them() -> None:
    """Compressed after the last rows of the band above, a changed band of a gradient card is
    smaller than on its own (the peer card's PNG: 93.0 KB before, 86.7 KB after)."""
    raster = stages.rasterize(BUNDLED.tools, BUNDLED.lay_out("article", {"title": "Linked bands"}))
    surface, key = raster.whole(), raster.background
    rows = BUNDLED.tools.bands(key)
    assert rows is not None
    raw = encode.surface_rows(surface)
    index = next(i for i, (start, end) in enumerate(bands._band_bounds(raw.shape[0]))
                 if i and not np.array_equal(raw[start:end], rows.raw[start:end]))
    linked = bands._changed_band(raw[index * bands.BAND_ROWS:(index + 1) * bands.BAND_ROWS],
                                 rows.tails[index - 1], rows, None, (key, index))
    alone = bands._changed_band(raw[index * bands.BAND_ROWS:(index + 1) * bands.BAND_ROWS],
                                b"", rows, None, (key, index))
    assert linked is not None and alone is not None
    assert len(bands._changed_piece((linked.scanlines, linked.after))) < len(
        bands._changed_piece((alone.scanlines, alone.after)))
