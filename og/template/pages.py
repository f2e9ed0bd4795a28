"""Every crop from one file: an Inkscape 1.2+ document with several pages is one template with
several sizes.

Inkscape writes each page as ``<inkscape:page x y width height inkscape:label>`` inside
``sodipodi:namedview``; the root's width, height and viewBox are the first page's, and the others
lie beside it in the same user space. A card of another page is the same document with the root's
viewBox on that page, and what lies wholly off it hidden (so its text is never laid out and its
marks never mirrored about the wrong page).
"""

from __future__ import annotations

import copy
import dataclasses
import typing as t

from lxml import etree

from ..errors import BadParameter
from ..errors import TemplateError
from ..formats import PAGE_LISTED_FORMATS
from ..svg.bounds import Box
from ..svg.bounds import apply
from ..svg.bounds import local_box
from ..svg.bounds import own_matrix
from ..svg.bounds import union
from ..svg.css import length
from ..svg.css import parse_declarations
from ..svg.dynamic import Dynamic
from ..svg.names import SODIPODI_NS
from ..svg.names import URL_ID
from ..svg.names import by_id
from ..svg.names import index_path
from ..svg.names import local_name
from ..svg.read_text import TEXT_TAGS
from .params import json_number

if t.TYPE_CHECKING:
    from .load import Template

INKSCAPE_NS = "http://www.inkscape.org/namespaces/inkscape"
#: The most pages one template may have (each is a size og may be asked to render).
MAX_PAGES = 12


@dataclasses.dataclass(frozen=True)
class Page:
    name: str  # its label in Inkscape's Pages panel, else its number from 1
    x: float
    y: float
    width: float
    height: float

    def to_dict(self, template: str) -> dict[str, object]:
        return {"name": self.name, "width": json_number(self.width), "height": json_number(self.height),
                "urls": {fmt: f"/{template}.{fmt}?page={self.name}" for fmt in PAGE_LISTED_FORMATS}}


def read_pages(root: etree._Element) -> tuple[Page, ...]:
    """The document's pages, in Inkscape's order; empty for a document of one page."""
    found = root.findall(f"{{{SODIPODI_NS}}}namedview/{{{INKSCAPE_NS}}}page")
    if len(found) < 2:
        return ()
    if len(found) > MAX_PAGES:
        raise TemplateError(f"{len(found)} pages; the most is {MAX_PAGES}")
    pages: list[Page] = []
    for number, node in enumerate(found, 1):
        sizes = [length(node.get(name)) for name in ("x", "y", "width", "height")]
        if sizes[2] is None or sizes[3] is None or sizes[2] <= 0 or sizes[3] <= 0:
            raise TemplateError(f"page {number} (line {node.sourceline}) needs a width and a height")
        name = (node.get(f"{{{INKSCAPE_NS}}}label") or "").strip() or str(number)
        if any(page.name == name for page in pages) or (name.isdigit() and name != str(number)):
            raise TemplateError(f"page {number} (line {node.sourceline}): its label {name[:40]!r} is another "
                                "page's label or number")
        pages.append(Page(name, sizes[0] or 0.0, sizes[1] or 0.0, sizes[2], sizes[3]))
    return tuple(pages)


def find_page(template: Template, wanted: str) -> Page:
    """A page by label or number; :class:`BadParameter` naming the pages otherwise."""
    names = [page.name for page in template.pages] or ["1"]
    for number, page in enumerate(template.pages, 1):
        if wanted in (page.name, str(number)):
            return page
    raise BadParameter(f"template {template.name!r} has no page {wanted[:40]!r}; its pages: "
                       f"{', '.join(names)}", parameter="page", allowed=names)


def with_pages(template: Template) -> Template:
    """A template of several pages, each page's document made once (on load): the same elements,
    so every path into them holds; the root's viewBox on the page, what lies wholly off it hidden
    (and listed, by path, in the page's ``off_page``). The template itself becomes its first page."""
    if not template.pages:
        return template
    roots, hidden = [], []
    for page in template.pages:
        root = copy.deepcopy(template.root)
        root.set("viewBox", f"{page.x:g} {page.y:g} {page.width:g} {page.height:g}")
        root.set("width", f"{page.width:g}")
        root.set("height", f"{page.height:g}")
        off: list[etree._Element] = []
        _hide_off_page(root, root, (page.x, page.y, page.x + page.width, page.y + page.height), off)
        roots.append(root)
        hidden.append(tuple(index_path(node) for node in off))
    first = template.pages[0]
    return dataclasses.replace(template, root=roots[0], width=first.width, height=first.height,
                               page_roots=tuple(roots), off_page=hidden[0], pages_off_page=tuple(hidden))


def for_page(template: Template, wanted: str | None) -> Template:
    """The template as a card of one page (None: the first, the template itself)."""
    if wanted is None:
        return template
    if not template.pages and wanted == "1":
        return template
    page = find_page(template, wanted)
    number = template.pages.index(page)
    if number == 0:
        return template
    return dataclasses.replace(template, root=template.page_roots[number], width=page.width,
                               height=page.height, page=page.name, off_page=template.pages_off_page[number])


def _box(root: etree._Element, node: etree._Element) -> Box | None:
    """Where an element is, in the root's user units: a text by its frame or its anchor, a group
    by what it holds."""
    if node.tag in TEXT_TAGS:
        frame = URL_ID.search(dict(parse_declarations(node.get("style", ""))).get("shape-inside", ""))
        target = by_id(root, frame.group(1)) if frame else None
        if target is not None:
            box = local_box(target)
        else:
            x = length((node.get("x") or "").split()[0] if node.get("x") else None)
            y = length((node.get("y") or "").split()[0] if node.get("y") else None)
            box = None if x is None or y is None else (x, y, x, y)
        return None if box is None else apply(own_matrix(node), box)
    if local_name(node) in ("g", "a", "switch"):
        return union([box for child in node if isinstance(child.tag, str)
                      and (box := _box(root, child)) is not None])
    box = local_box(node)
    return None if box is None else apply(own_matrix(node), box)


def _hide_off_page(root: etree._Element, parent: etree._Element, page: Box,
                   hidden: list[etree._Element]) -> None:
    for node in parent:
        if not isinstance(node.tag, str) or local_name(node) in ("defs", "namedview", "metadata"):
            continue
        box = _box(root, node)
        if box is None:
            continue
        if box[2] <= page[0] or box[0] >= page[2] or box[3] <= page[1] or box[1] >= page[3]:
            hidden.append(node)
            node.set("style", ";".join(["display:none", *(f"{k}:{v}" for k, v in
                                                          parse_declarations(node.get("style", ""))
                                                          if k != "display")]))
        elif local_name(node) in ("g", "a", "switch") and node.tag not in TEXT_TAGS:
            _hide_off_page(root, node, page, hidden)


def settle_off_page(off_page: t.Iterable[etree._Element], dynamic: Dynamic) -> None:
    """In a filled page's document, what lies off the page (``off_page``: the hidden elements)
    holds no value: nothing in it may keep the page's static background from being drawn once
    (see og.raster.static)."""
    for node in off_page:
        for inside in node.iter(etree.Element):
            dynamic.discard(inside)
