"""Fill a template's placeholders with values, in a copy of its parsed document.

A value is always text: Jinja renders each placeholder-holding text node of the
document (never the markup around it), the result is set as character data, and lxml
escapes it when the document is written. Jinja never evaluates a value, and characters
XML cannot hold are dropped first, so any query string gives a well-formed document.

Template + values → :class:`Filled`: the document, and which of its elements hold a value
(:class:`~og.svg.dynamic.Dynamic`), the value the later stages take instead of marks on the tree.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import typing as t

from lxml import etree

from ..svg.dynamic import Dynamic
from ..svg.follow import Follower
from ..svg.names import find_node
from .load import Template
from .mirror import mirror
from .mirror import page_span
from .pages import settle_off_page
from .sandbox import render_text
from .typed import Path
from .typed import apply_typed

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c",
            "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}
_CLOSERS = frozenset("\u202c\u2069")


def close_bidi_controls(value: str) -> str:
    """Close the embeddings, overrides and isolates a value opens, so that a value's
    U+202E cannot reverse the template's own text that follows it."""
    stack: list[str] = []
    for char in value:
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char in _CLOSERS and stack:
            stack.pop()
    return value + "".join(reversed(stack))


def clean_value(value: str) -> str:
    """Drop what XML 1.0 forbids (NUL, most C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", value)


@dataclasses.dataclass
class Filled:
    """A request's copy of a template's document with its values in, and what the later stages
    need to know about it without reading marks off the tree."""

    root: etree._Element
    #: The elements whose drawing depends on the values (what a cached background must not hold).
    dynamic: Dynamic
    #: The shapes marked ``og:follow`` still in the document, to resize once the text is laid out.
    followers: list[tuple[etree._Element, Follower]] = dataclasses.field(default_factory=list)


def fill(template: Template, values: t.Mapping[str, str],
         pictures: t.Mapping[Path, bytes] | None = None) -> Filled:
    """A new copy of the template's document with ``values`` in place of its placeholders
    and typed parameters (``pictures``: fetched images by slot, see :mod:`og.template.typed`),
    mirrored where the template says when the card's main text is right-to-left
    (:mod:`og.template.mirror`)."""
    root = copy.deepcopy(template.root)
    context = {name: close_bidi_controls(clean_value(value)) for name, value in values.items()}
    for text_fill in template.fills:
        node = find_node(root, text_fill.path)
        setattr(node, text_fill.attribute, clean_value(render_text(text_fill.jinja, context)) or None)
    dynamic = Dynamic(find_node(root, path) for path in template.dynamic)
    # Found by path before og:show-if removes anything (removing shifts later siblings' paths).
    marks = [(find_node(root, mark.path), mark) for mark in template.mirroring.marks]
    followers = [(find_node(root, follower.path), follower) for follower in template.followers]
    off_page = [find_node(root, path) for path in template.off_page]
    apply_typed(root, template.typed, values, pictures or {}, dynamic)
    if template.typed.shown:
        marks, followers = _kept(root, marks), _kept(root, followers)
    mirror(root, marks, page_span(root, template.width), template.mirroring.is_rtl(values), dynamic)
    settle_off_page(off_page, dynamic)
    return Filled(root, dynamic, followers)


_Found = t.TypeVar("_Found")


def _kept(root: etree._Element,
          found: list[tuple[etree._Element, _Found]]) -> list[tuple[etree._Element, _Found]]:
    """The elements of ``found`` still in ``root``."""
    return [(node, what) for node, what in found if any(a is root for a in node.iterancestors())]
