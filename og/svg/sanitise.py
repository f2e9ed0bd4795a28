"""A card's SVG made safe to open in a browser: a picture that runs and loads nothing.

``.svg`` responses are served from og's own origin, so a template's ``<script>``, ``on*``
handlers, ``javascript:`` links or ``<foreignObject>`` HTML would run there, and an external
``href`` would make every viewer's browser fetch it. Templates are trusted to mean well, not
to be safe; the response also carries a ``Content-Security-Policy`` (see :mod:`og.http.core`)
in case anything here is missed.
"""

from __future__ import annotations

import re

from lxml import etree

from .names import XLINK_HREF
from .names import local_name

#: Elements that run code, embed documents or animate attributes into links.
_DROPPED = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener",
                      "animate", "set", "animateMotion", "animateTransform", "discard"})
#: Links that stay: fragment references and embedded raster images.
_SAFE_LINK = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)
#: In CSS: any url() that is not a fragment, and @import.
_EXTERNAL_CSS = re.compile(r"@import[^;]*;?|url\(\s*(?!['\"]?\s*#)[^)]*\)", re.IGNORECASE)


def sanitise(root: etree._Element) -> int:
    """Remove, in place, everything in ``root`` that could run or fetch; return how much."""
    removed = 0
    for node in list(root.iter()):
        if not isinstance(node.tag, str):
            continue
        if local_name(node) in _DROPPED:
            parent = node.getparent()
            if parent is not None:
                _keep_tail(node)
                parent.remove(node)
                removed += 1
            continue
        for name in list(node.attrib):
            value = node.attrib[name]
            handler = etree.QName(name).localname.lower().startswith("on")
            if handler or (name in (XLINK_HREF, "href") and not _SAFE_LINK.match(value)):
                del node.attrib[name]
                removed += 1
            elif "url(" in value.lower() or "@import" in value.lower():
                cleaned = _EXTERNAL_CSS.sub("none", value)
                if cleaned != value:
                    node.set(name, cleaned)
                    removed += 1
        if local_name(node) == "style" and node.text and _EXTERNAL_CSS.search(node.text):
            node.text = _EXTERNAL_CSS.sub("none", node.text)
            removed += 1
    return removed


def _keep_tail(node: etree._Element) -> None:
    """Text after a removed element still belongs to its parent."""
    if not node.tail:
        return
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + node.tail
    else:
        parent = node.getparent()
        if parent is not None:
            parent.text = (parent.text or "") + node.tail
