"""What a template may cost: checked when it loads, so every render of it is cheap and bounded.

Templates are trusted to mean well, not to be cheap: a designer's 20000x20000 canvas, a blur of
stdDeviation 100000 or a ``<use>`` bomb would each take seconds and gigabytes per request.
Each limit has a default that the bundled templates stay far below; a template over one is a
clear template error (``og check`` names it too), never a slow render.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import math
import re
import struct
import urllib.parse

from lxml import etree

from ..errors import TemplateError
from ..fetch.decode import sniff
from ..svg.css import Cascade
from ..svg.css import own_property
from ..svg.geometry import parse_transform
from ..svg.names import URL_ID
from ..svg.names import href
from ..svg.names import local_name
from .costs import check_costs
from .costs import check_patterns
from .references import check_css
from .references import check_links
from .references import check_references

#: How much of a data: URI is read to find its image's size (JPEG's frame header can come
#: after thumbnails and colour profiles).
HEADER_CHARS = 65_536


@dataclasses.dataclass(frozen=True)
class Limits:
    #: A template file larger than this is refused before it is parsed.
    file_bytes: int = 8 << 20
    #: Canvas width x height in px: 4096x4096 (a card is 1200x630; 2x is 2400x1260).
    canvas_pixels: int = 4096 * 4096
    #: Elements in the document, and after every ``<use>`` is expanded.
    elements: int = 20_000
    expanded_elements: int = 50_000
    #: How deep ``<use>`` may point at ``<use>``.
    use_depth: int = 8
    #: A blur's standard deviation in px, as drawn (transforms included): its cost grows with it,
    #: in native code no budget can stop (150 px, drawn at 2x, is about a second here).
    blur_px: float = 150.0
    #: Primitives in one filter.
    filter_primitives: int = 32
    #: Pixels of one embedded image, and of all of them together.
    image_pixels: int = 4096 * 4096
    total_image_pixels: int = 32 * 1024 * 1024
    #: Pixels drawn, canvas × dpr²: a template's ``og:max-dpr`` is lowered to stay within it (a
    #: 4096x4096 canvas at dpr 2 drew 67 M pixels, 1.9 GB).
    drawn_pixels: int = 4096 * 4096
    #: Pixels of one pattern tile (CairoSVG allocates the whole tile: 30,000 px square was 3.5 GB).
    pattern_tile_pixels: int = 4096 * 4096
    #: Dashes drawn in all (path length ÷ dash period); cairo draws about 10⁹ a second, in native code.
    dash_segments: int = 10_000_000
    #: Marker drawings in all (vertices × the marker's elements), each a CairoSVG call in Python.
    marker_draws: int = 20_000
    #: How deep masks, clips, filters, patterns, gradients, markers and uses may point at each other.
    reference_depth: int = 16


def check_file_size(size: int, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise TemplateError(f"the file is {size / 1e6:.1f} MB; the most is {limits.file_bytes / 1e6:.0f} MB")


def check_canvas(width: float, height: float, limits: Limits) -> None:
    """A card's size (the document's, or one of its Inkscape pages'), within ``canvas_pixels``."""
    if not (math.isfinite(width) and math.isfinite(height)) or width * height > limits.canvas_pixels:
        raise TemplateError(f"the canvas is {width:g}x{height:g} px; the most is "
                            f"{limits.canvas_pixels:,} pixels (e.g. 4096x4096)")


def check_limits(root: etree._Element, width: float, height: float, limits: Limits) -> None:
    """Raise :class:`TemplateError` naming the first limit ``root`` is over."""
    check_canvas(width, height, limits)
    elements = [node for node in root.iter() if isinstance(node.tag, str)]
    if len(elements) > limits.elements:
        raise TemplateError(f"{len(elements):,} elements; the most is {limits.elements:,}")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise TemplateError(f"line {node.sourceline}: undefined entity {node.text}; write the character "
                                "itself (Inkscape does)")
    check_links(elements)
    check_css(elements)
    cascade = Cascade(root)
    check_costs(elements, cascade, limits)
    check_references(elements, cascade.sheet, limits.reference_depth)
    check_patterns(elements, limits)
    _check_filters(elements, limits)
    _check_images(elements, limits)


def _scale_of(node: etree._Element) -> float:
    """How much the transforms around ``node`` enlarge it (a blur scales with them)."""
    scale = 1.0
    for element in [node, *node.iterancestors()]:
        a, b, c, d, _, _ = parse_transform(element.get("transform"))
        scale *= math.sqrt(abs(a * d - b * c)) or 1.0
    return scale


_NUMBERS = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _check_filters(elements: list[etree._Element], limits: Limits) -> None:
    users: dict[str, list[etree._Element]] = {}
    for node in elements:
        match = URL_ID.search(own_property(node, "filter") or "")
        if match:
            users.setdefault(match.group(1), []).append(node)
    for node in elements:
        if local_name(node) != "filter":
            continue
        primitives = [child for child in node if isinstance(child.tag, str)]
        if len(primitives) > limits.filter_primitives:
            raise TemplateError(f"filter {node.get('id')!r} has {len(primitives)} primitives; the most is "
                                f"{limits.filter_primitives}")
        if node.get("primitiveUnits") == "objectBoundingBox":
            raise TemplateError(f"filter {node.get('id')!r}: primitiveUnits=objectBoundingBox is not "
                                "supported (its blur would grow with the shape)")
        # A blur grows with the transforms around each element that uses the filter.
        scale = max([_scale_of(user) for user in users.get(str(node.get("id")), [])] or [1.0])
        for primitive in primitives:
            if local_name(primitive) != "feGaussianBlur":
                continue
            sigmas = [abs(float(v)) for v in _NUMBERS.findall(primitive.get("stdDeviation") or "0")]
            worst = max(sigmas or [0.0]) * scale
            if not math.isfinite(worst) or worst > limits.blur_px:
                raise TemplateError(f"filter {node.get('id')!r} blurs by {worst:g} px; the most is "
                                    f"{limits.blur_px:g} px")


def embedded_image(link: str) -> tuple[str, int, int] | None:
    """``(format, width, height)`` of a data: URI image; None when it is not one og draws.

    >>> embedded_image("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAACCAYAAACZgbYnAAAAD0lEQVR4nGNg"
    ...                "YPj/HwADAgH/eL9GtQAAAABJRU5ErkJggg==")
    ('png', 1, 2)
    """
    if not link.startswith("data:") or "," not in link:
        return None
    header, _, payload = link[5:].partition(",")
    try:
        if header.endswith(";base64"):
            head = "".join(payload[:HEADER_CHARS].split())  # enough for any image header
            data = base64.b64decode(head[: len(head) // 4 * 4])
        else:
            data = urllib.parse.unquote_to_bytes(payload[:HEADER_CHARS])
    except (binascii.Error, ValueError):
        return None
    # The raster formats a template may embed, by their first bytes (as for fetched images):
    # never EPS, PostScript, SVG or any other decoder Pillow or CairoSVG would otherwise reach.
    sniffed = sniff(data)
    if sniffed is None:
        return None
    kind = sniffed.lower()
    size = _dimensions(kind, data)
    return (kind, *size) if size else None


def _dimensions(kind: str, data: bytes) -> tuple[int, int] | None:
    """Width and height from an image's header, without decoding it."""
    if kind == "png" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if kind == "gif" and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if kind == "jpeg":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                return None
            marker, length = data[index + 1], struct.unpack(">H", data[index + 2:index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return width, height
            index += 2 + length
        return None
    if kind == "webp" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        if chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return width & 0x3FFF, height & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _check_images(elements: list[etree._Element], limits: Limits) -> None:
    total = 0
    for node in elements:
        if local_name(node) not in ("image", "feImage"):
            continue
        link = href(node)
        if not link.startswith("data:"):
            continue  # external references are dropped before drawing (og fetches nothing here)
        found = embedded_image(link)
        if found is None:
            raise TemplateError(f"<{local_name(node)} id={node.get('id')!r}> embeds something that is not a "
                                "PNG, JPEG, WebP or GIF image")
        kind, width, height = found
        if width * height > limits.image_pixels:
            raise TemplateError(f"<image id={node.get('id')!r}> is {width}x{height} px; the most is "
                                f"{limits.image_pixels:,} pixels")
        total += width * height
        if total > limits.total_image_pixels:
            raise TemplateError(f"embedded images add up to more than {limits.total_image_pixels:,} pixels")
