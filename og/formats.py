"""Every format og answers in, once: its URL extensions, its content type, whether it is drawn
into pixels and which encoder writes it.

Everything that names a format reads this table: the renderer (what a plan may ask for, the
``Content-Type``), the raster encoders (:mod:`og.raster.formats` encodes exactly the rows that
rasterise, by their ``name``), the HTTP core (which paths are images), the CLI and ``og build``
(``--format``), the template listing (a template's URLs) and the settings (``OG_IMAGE_FORMATS``).
It sits in the bottom layer so that all of them may import it; the encoders themselves sit in
:mod:`og.raster`, above the settings and the templates, so a row names its encoder and
``tests/test_formats.py`` checks that the raster package has exactly those.
"""

from __future__ import annotations

import dataclasses
import typing as t

Format = t.Literal["png", "jpeg", "webp", "avif", "svg", "json"]


@dataclasses.dataclass(frozen=True)
class CardFormat:
    """One format: ``name`` is what a plan says, ``extensions`` what a URL or ``fmt=`` may say."""

    name: Format
    extensions: tuple[str, ...]
    content_type: str
    #: Drawn into pixels (and so scaled by ``?dpr=``, budgeted by ``OG_MAX_BYTES``) or text.
    rasterises: bool
    #: What writes it: an encoder of :mod:`og.raster.formats` (by this name) for pixels, the
    #: sanitised SVG document, or the layout report.
    encoder: t.Literal["pixels", "svg", "report"]


TABLE: tuple[CardFormat, ...] = (
    CardFormat("png", ("png",), "image/png", rasterises=True, encoder="pixels"),
    CardFormat("jpeg", ("jpg", "jpeg"), "image/jpeg", rasterises=True, encoder="pixels"),
    CardFormat("webp", ("webp",), "image/webp", rasterises=True, encoder="pixels"),
    CardFormat("avif", ("avif",), "image/avif", rasterises=True, encoder="pixels"),
    CardFormat("svg", ("svg",), "image/svg+xml", rasterises=False, encoder="svg"),
    CardFormat("json", ("json",), "application/json", rasterises=False, encoder="report"),
)

#: URL extensions and ``fmt=`` names, each mapped to the format it means.
FORMATS: dict[str, Format] = {extension: row.name for row in TABLE for extension in row.extensions}
#: The formats drawn into pixels, by name.
RASTER_FORMATS = frozenset(row.name for row in TABLE if row.rasterises)
#: A format's ``Content-Type``, by name.
CONTENT_TYPES: dict[str, str] = {row.name: row.content_type for row in TABLE}
#: The formats a template's listing links to: the default picture, its SVG and its report
#: (an Inkscape page's listing: its picture and its report).
LISTED_FORMATS: tuple[Format, ...] = ("png", "svg", "json")
PAGE_LISTED_FORMATS: tuple[Format, ...] = ("png", "json")
#: ``OG_IMAGE_FORMATS``' default: what a byte budget falls back to, preferred first.
BUDGET_FALLBACKS: tuple[Format, ...] = ("png", "webp", "jpeg")
