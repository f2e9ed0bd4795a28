"""PNG encoding in bands of rows: a card's static background is converted, filtered and
compressed once per template, and each request compresses only the bands its values touched.

A zlib stream may be cut into raw deflate pieces that each end on a full flush (byte-aligned,
no back-references across the cut): concatenated, with the zlib header, a final empty block
and the Adler-32 of all the data (combined from the bands' own), they are one valid stream.
So the bands a request left as the background drew them are copied as compressed bytes
(compressed once at level 8, each also after the band before it, so that a run of
unchanged bands compresses as one stream), and only the changed ones are compressed per
request (level 6; ISA-L was faster but 20–75% larger), each after the last
:data:`LINKED_ROWS` rows of the band before it, as deflate's dictionary: a gradient's row repeats
the row above it shifted, so the band's first rows are matches, not literals (the peer card 7%
smaller, for the same time). A changed band seen before (a label that kept its default, a static
shape drawn over a value) is found again by its pixels' CRC and the rows it was compressed after,
checked byte for byte, and copied too.
The pixels are exactly those of :func:`encode.encode_png`. The deflate is zlib-ng's (zlib's
format and levels; a fresh card's bands in about two thirds of zlib's time, and within 0.5% of
its bytes on the bundled templates).
"""

from __future__ import annotations

import dataclasses
import typing as t

import numpy as np
from zlib_ng import zlib_ng

from ..caches import BoundedCache
from ..deadline import check_deadline
from .encode import pixels_of
from .encode import png_file
from .encode import png_rows
from .encode import surface_rows
from .workers import Workers

#: Rows per band: small enough that a title changes few of them, large enough for deflate.
BAND_ROWS = 16
#: Deflate levels of the bands compressed once per template (zlib-ng's 9 took 40–120 ms on a bundled
#: card's background where 8 takes 30, for 1% fewer bytes), and of a request's own.
STATIC_LEVEL = 8
CHANGED_LEVEL = 6
#: Scanlines of the band before a changed band that it is compressed after: a row or two hold
#: nearly all of what deflate finds there, and a larger dictionary costs time (32 KB: +20%).
LINKED_ROWS = 2
_ADLER_MOD = 65521
_WINDOW = 32768
_ZLIB_HEADER = b"\x78\xda"
_FINAL_EMPTY_BLOCK = b"\x03\x00"


@dataclasses.dataclass(frozen=True)
class Bands:
    """A background's rows: its raw pixels to compare with, and each band compressed."""

    width: int
    height: int
    channels: int  # 3 when the background is opaque, else 4
    raw: np.ndarray  # (height, stride) cairo bytes of the background
    compressed: tuple[bytes, ...]  # each band on its own
    linked: tuple[bytes, ...]  # each band after the background's band before it (deflate's window)
    adlers: tuple[int, ...]
    lengths: tuple[int, ...]  # bytes of scanlines per band
    tails: tuple[bytes, ...]  # each band's last LINKED_ROWS scanlines, what a changed band follows
    #: The background surface whose pixels ``raw`` reads (not a copy: kept alive here); never drawn on.
    surface: t.Any = None

    @property
    def size_bytes(self) -> int:
        return int(self.raw.nbytes) + sum(map(len, (*self.compressed, *self.linked, *self.tails)))


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two pieces of data from theirs (zlib's ``adler32_combine``).

    >>> adler32_combine(zlib_ng.adler32(b"og "), zlib_ng.adler32(b"cards"), 5) == zlib_ng.adler32(b"og cards")
    True
    """
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % _ADLER_MOD
    b = (b1 + b2 + second_length * (a1 - 1)) % _ADLER_MOD
    return (b << 16) | a


def _band_bounds(height: int) -> list[tuple[int, int]]:
    return [(start, min(height, start + BAND_ROWS)) for start in range(0, height, BAND_ROWS)]


def _deflate(scanlines: bytes, static: bool, after: bytes = b"") -> bytes:
    """Raw deflate of one band, ending on a full flush. ``after``: the data just before it in
    the stream, which the band may refer back into (deflate's 32 KB window at most)."""
    level = STATIC_LEVEL if static else CHANGED_LEVEL
    if after:
        compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, -15, zdict=after[-_WINDOW:])
    else:
        compressor = zlib_ng.compressobj(level, zlib_ng.DEFLATED, -15)
    return bytes(compressor.compress(scanlines) + compressor.flush(zlib_ng.Z_FULL_FLUSH))


def _samples(rgba: np.ndarray, channels: int) -> np.ndarray:
    return rgba if channels == 4 else rgba[..., :3]


def _tail(scanlines: bytes, rows: int) -> bytes:
    """The last :data:`LINKED_ROWS` of a band's ``rows`` scanlines."""
    return scanlines[len(scanlines) - len(scanlines) // rows * min(rows, LINKED_ROWS):]


def _static_piece(job: tuple[bytes, bytes]) -> bytes:
    check_deadline()  # between bands (in the thread that renders: the budget is its own)
    scanlines, after = job
    return _deflate(scanlines, static=True, after=after)


def bands_of(background: t.Any, workers: Workers | None = None) -> Bands:
    """Compress a background surface's rows once (slow on purpose: it is kept), each band on
    its own and after the one before it; with ``workers``, side by side (zlib-ng lets go of the
    GIL: ≈ 30 ms for a 1200x630 card, most of a fresh process's first PNG)."""
    raw = surface_rows(background)  # its pixels, not a copy (3 MB a background): see Bands.surface
    width = background.get_width()
    rgba = pixels_of(raw, width)
    channels = 3 if bool((rgba[..., 3] == 255).all()) else 4
    bands = [png_rows(_samples(rgba[start:end], channels)).tobytes()
             for start, end in _band_bounds(raw.shape[0])]
    jobs = [(scanlines, b"") for scanlines in bands] + list(zip(bands, [b"", *bands[:-1]], strict=True))
    pieces = (workers or Workers(1)).map(_static_piece, jobs)
    tails = tuple(_tail(scanlines, end - start)
                  for scanlines, (start, end) in zip(bands, _band_bounds(raw.shape[0]), strict=True))
    return Bands(width, raw.shape[0], channels, raw, tuple(pieces[:len(bands)]), tuple(pieces[len(bands):]),
                 tuple(map(zlib_ng.adler32, bands)), tuple(map(len, bands)), tails, background)


@dataclasses.dataclass(frozen=True)
class Piece:
    """A band a request changed, compressed after ``after`` (the scanlines before it, which its
    deflate refers back into): kept to be copied when the same pixels follow the same rows."""

    raw: np.ndarray
    after: bytes
    compressed: bytes
    adler: int
    length: int
    tail: bytes  # its last LINKED_ROWS scanlines, for the band after it

    @property
    def size_bytes(self) -> int:
        return int(self.raw.nbytes) + len(self.after) + len(self.compressed) + len(self.tail)


#: Changed bands seen before, by (background key, band, CRC-32 of its pixels, CRC-32 of ``after``).
Pieces = BoundedCache[tuple[t.Any, int, int, int], Piece]


def encode_over(surface: t.Any, bands: Bands, pieces: Pieces | None = None,
                background_key: t.Any = None, rows: tuple[int, int] | None = None,
                workers: Workers | None = None) -> bytes | None:
    """The surface as a PNG, reusing every band that still shows ``bands``' background (and,
    with ``pieces``, every changed band seen before); None when it cannot (another size, or
    translucency where the background was opaque).

    :param rows: when set, the only rows (whole bands) the surface may differ from the
        background in: the bands outside are the background's, not even compared.
    :param workers: compress the changed bands side by side (else one after the other).
    """
    raw = surface_rows(surface)
    if surface.get_width() != bands.width or raw.shape != bands.raw.shape:
        return None
    first, end = rows if rows is not None else (0, bands.height)
    # Which bands changed, and what each is compressed after; the changed ones not seen before
    # are compressed together, then the stream is put together in order.
    changed: dict[int, _Changed] = {}
    tail = b""  # the last scanlines of the band before this one
    for index, (start, stop) in enumerate(_band_bounds(bands.height)):
        if stop <= first or start >= end or np.array_equal(raw[start:stop], bands.raw[start:stop]):
            tail = bands.tails[index]
            continue
        check_deadline()
        found = _changed_band(raw[start:stop], tail, bands, pieces, (background_key, index))
        if found is None:
            return None
        changed[index] = found
        tail = found.tail
    missing = [band for band in changed.values() if band.piece is None]
    jobs = [(band.scanlines, band.after) for band in missing]
    compressed = (workers or Workers(1)).map(_changed_piece, jobs)
    for band, data in zip(missing, compressed, strict=True):
        band.piece = band.made(data)
        if pieces is not None:
            pieces.put(band.key, band.piece)
    parts: list[bytes] = []
    adler = 1
    for index in range(len(bands.compressed)):
        changed_band = changed.get(index)
        if changed_band is None:
            piece = (bands.linked if index - 1 not in changed and index else bands.compressed)[index]
            parts.append(piece)
            adler = adler32_combine(adler, bands.adlers[index], bands.lengths[index])
        else:
            made = t.cast(Piece, changed_band.piece)
            parts.append(made.compressed)
            adler = adler32_combine(adler, made.adler, made.length)
    idat = b"".join((_ZLIB_HEADER, *parts, _FINAL_EMPTY_BLOCK, adler.to_bytes(4, "big")))
    return png_file(bands.width, bands.height, 2 if bands.channels == 3 else 6, idat)


@dataclasses.dataclass
class _Changed:
    """A band a request changed: its cached piece, or what to compress to make one."""

    key: tuple[t.Any, int, int, int]
    raw: np.ndarray
    after: bytes
    tail: bytes
    piece: Piece | None = None
    scanlines: bytes = b""

    def made(self, compressed: bytes) -> Piece:
        return Piece(self.raw.copy(), self.after, compressed, zlib_ng.adler32(self.scanlines),
                     len(self.scanlines), self.tail)


def _changed_piece(job: tuple[bytes, bytes]) -> bytes:
    scanlines, after = job
    return _deflate(scanlines, static=False, after=after)


def _changed_band(raw: np.ndarray, after: bytes, bands: Bands, pieces: Pieces | None,
                  where: tuple[t.Any, int]) -> _Changed | None:
    """A changed band to compress after ``after``, or its piece when its exact pixels were
    compressed after the same scanlines before; None when the band is translucent in an opaque card."""
    key = (*where, zlib_ng.crc32(raw.data), zlib_ng.crc32(after))
    seen = pieces.get(key) if pieces is not None else None
    if seen is not None and seen.after == after and np.array_equal(seen.raw, raw):
        return _Changed(key, raw, after, seen.tail, seen)
    rgba = pixels_of(raw, bands.width)
    if bands.channels == 3 and not bool((rgba[..., 3] == 255).all()):
        return None
    scanlines = png_rows(_samples(rgba, bands.channels)).tobytes()
    return _Changed(key, raw, after, _tail(scanlines, raw.shape[0]), scanlines=scanlines)
