"""What a template points at: links, CSS that would load something, and chains of references.

A template loads nothing but itself: a ``<use>``, pattern, gradient or filter points at ``#id``
in the same document, an ``<image>`` embeds a raster ``data:`` URI, and CSS never ``@import``\\ s
or ``url()``\\ s outside the document. Anything else — an SVG inside a ``data:`` URI (a PNG bomb
in a ``data:`` SVG behind a ``<use>`` took 2.1 GB), another file, a URL — is refused when the
template loads, as are masks, clips, filters, patterns, gradients and markers that point at
themselves or chain deeper than a renderer's recursion goes (CairoSVG fails inside Python's
recursion limit on a 200-deep chain of masks: a 500 on every card, not a template error).
"""

from __future__ import annotations

import typing as t

from lxml import etree

from ..errors import TemplateError
from ..svg.css import Stylesheet
from ..svg.css_loads import loads
from ..svg.css_loads import might_load
from ..svg.names import URL_ID
from ..svg.names import XLINK_HREF
from ..svg.names import href
from ..svg.names import local_name

#: Attributes read as CSS (``style``, and presentation attributes that take a ``url()``); others
#: (ids, labels, Inkscape's own) are not CSS, whatever they hold.
CSS_ATTRIBUTES = frozenset({"style", "fill", "stroke", "filter", "mask", "clip-path", "marker",
                            "marker-start", "marker-mid", "marker-end", "cursor", "color-profile",
                            "shape-inside", "shape-subtract"})
#: Elements whose link draws what it points at (an ``<a>``'s link is followed by a person).
RASTER_LINKS = frozenset({"image", "feImage"})


def _where(node: etree._Element) -> str:
    ident = f" id={node.get('id')!r}" if node.get("id") else ""
    return f"<{local_name(node)}{ident}> (line {node.sourceline})"


def check_links(elements: t.Sequence[etree._Element]) -> None:
    """Every link that draws something points into the document, or embeds a raster image
    (those :func:`og.template.limits.check_images` measures)."""
    for node in elements:
        link = href(node).strip()
        name = local_name(node)
        if not link or link.startswith("#") or name == "a":
            continue
        if name in RASTER_LINKS:
            continue  # data: measured by check_images; anything else is dropped before drawing
        kind = "an SVG document in a data: URI" if link[:30].lower().replace(" ", "").startswith(
            "data:image/svg") else f"{link[:60]!r}"
        raise TemplateError(f"{_where(node)} points at {kind}: a template may only point at #id in itself "
                            "(embed pictures as PNG, JPEG, WebP or GIF)")


def check_css(elements: t.Sequence[etree._Element]) -> None:
    """No stylesheet, ``style`` or property value that would load anything (escapes decoded)."""
    for node in elements:
        texts = [(node.text or "", "<style>")] if local_name(node) == "style" else []
        texts += [(str(value), str(name)) for name, value in node.attrib.items() if name in CSS_ATTRIBUTES]
        for text, where in texts:
            if not might_load(text):
                continue
            found = loads(text)
            if found:
                raise TemplateError(f"{_where(node)}: the CSS in {where} would load {found[0][:80]!r}; "
                                    "og loads no files or URLs (point at #id, embed pictures)")


def _references(node: etree._Element, sheet: Stylesheet) -> t.Iterator[str]:
    """The ids ``node`` itself draws through: ``url(#id)`` in any attribute, its ``style`` or
    the stylesheet's rules for it, and a fragment link."""
    link = href(node).strip()
    if link.startswith("#") and local_name(node) != "a":
        yield link[1:]
    for name, value in node.attrib.items():
        if name not in (XLINK_HREF, "href") and "url(" in value:
            yield from URL_ID.findall(value)
    for _, value in sheet.declarations(node):
        if "url(" in value:
            yield from URL_ID.findall(value)


def check_references(elements: t.Sequence[etree._Element], sheet: Stylesheet, depth: int) -> None:
    """No element reaches itself through references (mask, clip-path, filter, fill, marker,
    ``href``…), and no chain of them is deeper than ``depth``."""
    by_id: dict[str, etree._Element] = {}
    for node in elements:
        if node.get("id"):
            by_id.setdefault(str(node.get("id")), node)  # the first, as renderers resolve
    if not by_id:
        return  # nothing to point at
    #: element → the ids its subtree draws through (children before parents)
    below: dict[etree._Element, set[str]] = {}
    for node in reversed(elements):
        refs = {ref for ref in _references(node, sheet) if ref in by_id}
        for child in node:
            refs |= below.get(child, set())
        below[node] = refs
    edges = {ident: below[node] for ident, node in by_id.items()}
    heights: dict[str, int] = {}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def height(ident: str, path: list[str]) -> int:
        if state.get(ident) == 2:
            return heights[ident]
        if state.get(ident) == 1:
            cycle = " → ".join(f"#{i}" for i in [*path[path.index(ident):], ident])
            raise TemplateError(f"{_where(by_id[ident])} points at itself: {cycle[:200]}")
        if len(path) > depth:
            raise TemplateError(f"references chain more than {depth} deep from {_where(by_id[path[0]])}: "
                                f"#{' → #'.join(path[:6])} …")
        state[ident] = 1
        path.append(ident)
        heights[ident] = 1 + max((height(ref, path) for ref in sorted(edges[ident])), default=0)
        path.pop()
        state[ident] = 2
        return heights[ident]

    for ident in by_id:
        height(ident, [])
