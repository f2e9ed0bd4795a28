"""Fill a template's placeholders with values, in a copy of its parsed document.

A value is always text: Jinja renders each placeholder-holding text node of the
document (never the markup around it), the result is set as character data, and lxml
escapes it when the document is written. Jinja never evaluates a value, and characters
XML cannot hold are dropped first, so any query string gives a well-formed document.
"""

from __future__ import annotations

import copy
import re
import typing as t

from lxml import etree

from .layers import DYNAMIC
from .template import Template
from .template import find_node

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_value(value: str) -> str:
    """Drop what XML 1.0 forbids (NUL, most C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", value)


def fill(template: Template, values: t.Mapping[str, str]) -> etree._Element:
    """A new copy of the template's document with ``values`` in place of its placeholders."""
    root = copy.deepcopy(template.root)
    context = {name: clean_value(value) for name, value in values.items()}
    for text_fill in template.fills:
        node = find_node(root, text_fill.path)
        setattr(node, text_fill.attribute, clean_value(text_fill.jinja.render(context)) or None)
    for path in template.dynamic:
        find_node(root, path).set(DYNAMIC, "1")  # what og.layers must not cache
    return root
