"""Fill a template's placeholders with values: Jinja with XML autoescaping, then parse.

A value is always text. Autoescaping turns ``<``/``&``/quotes into entities, Jinja never
evaluates a value, and characters XML cannot hold are dropped first, so any query
string gives a well-formed document.
"""

from __future__ import annotations

import re
import typing as t

from lxml import etree

from .errors import TemplateError
from .template import Template

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                         remove_comments=True)


def clean_value(value: str) -> str:
    """Drop what XML 1.0 forbids (NUL, most C0 controls, lone surrogates)."""
    return _NOT_XML.sub("", value)


def fill(template: Template, values: t.Mapping[str, str]) -> etree._Element:
    """The template's document with ``values`` in place of its placeholders."""
    source = template.jinja.render({name: clean_value(value) for name, value in values.items()})
    try:
        return etree.fromstring(source.encode("utf-8"), PARSER)
    except etree.XMLSyntaxError as error:  # only a broken template can get here
        raise TemplateError(f"template {template.name!r} does not give valid XML: {error}") from None
