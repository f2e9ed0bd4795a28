"""A card's SVG made safe to open in a browser: a picture that runs and loads nothing.

``.svg`` responses are served from og's own origin, and ``og build --format svg`` writes files
that are served from anywhere, with no ``Content-Security-Policy`` to protect them. So a
template's ``<script>``, ``on*`` handlers, ``javascript:`` links, ``<foreignObject>`` HTML or
elements from another namespace (``html:img``, ``html:form action=javascript:``,
``html:meta http-equiv=refresh``) would run there, and an external ``href`` or CSS ``url()``
would make every viewer's browser fetch it. Templates are trusted to mean well, not to be safe.

CSS is read as tinycss2 tokens, CSS escapes decoded (``@\\69mport``, ``u\\72l(``), before deciding
what loads (:mod:`og.svg.css_loads`); what would is dropped, declaration by declaration.
"""

from __future__ import annotations

import re

import tinycss2
import tinycss2.ast
from lxml import etree

from .css_loads import loads
from .css_loads import loads_in_tokens
from .css_loads import might_load
from .names import OG_NAMESPACES
from .names import SVG_NS
from .names import XLINK_HREF
from .names import local_name

#: Elements that run code, embed documents or animate attributes into links: never in a served
#: ``.svg``, and never drawn on a card either (:func:`og.svg.cairosvg_fixes.drop_foreign`).
DROPPED = frozenset({"script", "foreignObject", "iframe", "embed", "object", "handler", "listener",
                      "animate", "set", "animateMotion", "animateTransform", "discard"})
#: Links that stay: fragment references and embedded raster images.
_SAFE_LINK = re.compile(r"^\s*(#|data:image/(png|jpeg|gif|webp)[;,])", re.IGNORECASE)


def sanitise(root: etree._Element) -> int:
    """Remove, in place, everything in ``root`` that could run or fetch; return how much."""
    removed = 0
    for node in list(root.iter()):
        if node is not root and (not isinstance(node.tag, str) or etree.QName(node).namespace != SVG_NS
                                 or local_name(node) in DROPPED):
            parent = node.getparent()
            if parent is not None:  # not already gone with a removed ancestor
                _keep_tail(node)
                parent.remove(node)
                removed += 1
            continue
        if not isinstance(node.tag, str):
            continue
        for name in list(node.attrib):
            value = node.attrib[name]
            handler = etree.QName(name).localname.lower().startswith("on")
            if handler or (name in (XLINK_HREF, "href") and not _SAFE_LINK.match(value)):
                del node.attrib[name]
                removed += 1
            elif might_load(value) and loads(value):
                if name == "style":
                    node.set(name, _declarations_without_loads(value))
                else:
                    del node.attrib[name]
                removed += 1
        if local_name(node) == "style" and node.text and might_load(node.text) and loads(node.text):
            node.text = _stylesheet_without_loads(node.text)
            removed += 1
    return removed


def without_marks(root: etree._Element) -> int:
    """Remove, in place, every attribute in og's namespace (the template's options, which the
    filled copy of its document still carries) and its namespace declaration; return how many: a
    served card is a plain SVG, og's vocabulary is for og's templates only."""
    removed = 0
    for node in root.iter(etree.Element):
        for name in [name for name in node.attrib if etree.QName(name).namespace in OG_NAMESPACES]:
            del node.attrib[name]
            removed += 1
    etree.cleanup_namespaces(root)
    return removed


def _loads(nodes: list[tinycss2.ast.Node]) -> bool:
    return any(True for _ in loads_in_tokens(nodes))


def _declarations(nodes: list[tinycss2.ast.Node]) -> str:
    """The declarations among ``nodes`` that load nothing, as ``name:value;`` text."""
    kept = []
    for item in nodes:
        if item.type == "declaration" and not _loads(item.value):
            important = " !important" if item.important else ""
            kept.append(f"{item.name}:{tinycss2.serialize(item.value).strip()}{important}")
    return ";".join(kept)


def _declarations_without_loads(text: str) -> str:
    return _declarations(tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True))


def _stylesheet_without_loads(text: str) -> str:
    """The stylesheet's rules with every declaration that would load dropped; at-rules that
    would (``@import``, an ``@font-face`` with a URL, an ``@media`` holding either) go whole."""
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            body = _declarations(tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                                 skip_whitespace=True))
            out.append(f"{prelude} {{ {body} }}")
        elif rule.type == "at-rule" and not _loads([rule]):
            out.append(tinycss2.serialize([rule]))
    return "\n".join(out)


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
