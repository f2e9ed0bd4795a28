"""The XML names og reads and writes, and the small lookups every SVG-reading module needs.

Kept in one place so that a namespace or og's own attributes are spelled once.
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SODIPODI_NS = "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
#: og's namespace: template options (og:max-lines…) and og's own marks in laid-out cards. A URN,
#: not a URL: it needs no domain (nobody can take it over, no browser or tool tries to fetch it),
#: and its last part is the version of the template vocabulary.
OG_NS = "urn:og-cards:template:1"
#: The placeholder namespace of og's first templates: still read (renamed into :data:`OG_NS` when a
#: template is parsed, see :func:`adopt_namespace`); ``og check`` says how to update.
OG_LEGACY_NS = "https://og.example.com/ns"
#: Every namespace og reads its attributes in.
OG_NAMESPACES = frozenset({OG_NS, OG_LEGACY_NS})

XLINK_HREF = f"{{{XLINK_NS}}}href"

#: ``url(#id)`` in a property value; group 1 is the id.
URL_ID = re.compile(r"url\(\s*['\"]?#([^'\")\s]+)['\"]?\s*\)")
#: any ``url(...)``; group 1 is what it points to.
URL_ANY = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def adopt_namespace(root: etree._Element) -> int:
    """Rename, in place, og's attributes in :data:`OG_LEGACY_NS` into :data:`OG_NS` (one written in
    both keeps the new one), so every reader asks one namespace; return how many there were."""
    found = 0
    for node in root.iter(etree.Element):
        for name in [name for name in node.attrib if name.startswith(f"{{{OG_LEGACY_NS}}}")]:
            value = node.attrib.pop(name)
            current = f"{{{OG_NS}}}{etree.QName(name).localname}"
            if node.get(current) is None:
                node.set(current, value)
            found += 1
    return found


def svg(name: str) -> str:
    """The qualified tag of an SVG element: ``svg("text")`` → ``{http://…/svg}text``."""
    return f"{{{SVG_NS}}}{name}"


def local_name(node: etree._Element) -> str:
    """``text`` for ``{http://…/svg}text``; "" for comments and entities. Read off the tag (a
    local name holds no ``}``): a third of ``etree.QName``'s time, and the tree walks of every
    card ask it of each element."""
    tag = node.tag
    return tag[tag.rfind("}") + 1:] if isinstance(tag, str) else ""


def href(node: etree._Element) -> str:
    """The link of an element (``xlink:href`` or SVG2 ``href``), as written."""
    return str(node.get(XLINK_HREF) or node.get("href") or "")


def by_id(root: etree._Element, ident: str) -> etree._Element | None:
    """The element with id ``ident`` (the first one, as SVG renderers resolve references)."""
    return next((node for node in root.iter(etree.Element) if node.get("id") == ident), None)


def ids(root: etree._Element) -> dict[str, etree._Element]:
    """Every element of the document by its id; of two with one id, the first (as :func:`by_id`
    and SVG renderers resolve references, so what a load check counts is what is drawn)."""
    found: dict[str, etree._Element] = {}
    for node in root.iter(etree.Element):
        ident = node.get("id")
        if ident:
            found.setdefault(str(ident), node)
    return found


def index_path(node: etree._Element) -> tuple[int, ...]:
    """Child indices from the root to ``node``: finds the same node in a copy of the tree."""
    path: list[int] = []
    parent = node.getparent()
    while parent is not None:
        path.append(parent.index(node))
        node, parent = parent, parent.getparent()
    return tuple(reversed(path))


def find_node(root: etree._Element, path: tuple[int, ...]) -> etree._Element:
    """The node at ``path`` (see :func:`index_path`)."""
    node = root
    for index in path:
        node = node[index]
    return node
