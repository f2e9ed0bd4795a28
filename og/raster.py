"""SVG → pixels. The only module that imports CairoSVG."""

from __future__ import annotations

import base64
import typing as t
import urllib.parse

import cairosvg.parser
import cairosvg.surface

DPI = 96


def _data_only(url: str, resource_type: str) -> bytes:
    """Templates may embed images as data: URIs; og never fetches files or the network."""
    if not url.startswith("data:") or "," not in url:
        raise ValueError(f"external resource not allowed: {url[:80]}")
    header, _, payload = url[5:].partition(",")
    if header.endswith(";base64"):
        return base64.b64decode(payload)
    return urllib.parse.unquote_to_bytes(payload)


def rasterize(svg: bytes) -> t.Any:
    """Draw ``svg`` into a cairo ARGB32 image surface and return the surface."""
    tree = cairosvg.parser.Tree(bytestring=svg, url_fetcher=_data_only, unsafe=False)
    surface = cairosvg.surface.PNGSurface(tree, None, DPI)
    return surface.cairo
