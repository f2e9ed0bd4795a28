"""og/effects/elements.py walks a card once for its effects, skipping what is drawn elsewhere (defs,
masks, clip paths, patterns, markers, symbols): the same elements, in the same order, as asking each
element of the document for its ancestors."""

from __future__ import annotations

from lxml import etree

from og.effects.elements import _drawn_elements
from og.svg.names import local_name

DOCUMENT = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="urn:other" id="root">
  <!-- a comment --><?pi here?>
  <defs id="defs"><filter id="f"><feGaussianBlur/></filter><g id="in-defs"><rect id="deep"/></g></defs>
  <g id="layer"><rect id="r1" style="filter:url(#f)"/><mask id="m"><rect id="in-mask"/></mask>
    <clipPath id="c"><text id="in-clip">a</text></clipPath>
    <g id="inner"><pattern id="p"><circle id="in-pattern"/></pattern><circle id="c1"/></g>
    <x:defs id="foreign-defs"><rect id="in-foreign-defs"/></x:defs>
    <marker id="mk"><path id="in-marker"/></marker><symbol id="s"><rect id="in-symbol"/></symbol>
  </g>
  <rect id="last"/>
</svg>"""


def _by_ancestors(root: etree._Element) -> list[etree._Element]:
    """What the effects pass used to visit: every element without such an ancestor."""
    skip = ("defs", "mask", "clipPath", "pattern", "marker", "symbol")
    return [node for node in root.iter(etree.Element)
            if not any(local_name(a) in skip for a in node.iterancestors())]


def test_drawn_elements_are_those_without_an_ancestor_drawn_elsewhere() -> None:
    root = etree.fromstring(DOCUMENT)
    walked = _drawn_elements(root)
    assert walked == _by_ancestors(root)
    ids = [node.get("id") for node in walked]
    assert ids[:3] == ["root", "defs", "layer"]  # document order; a skipped element itself is visited
    assert "deep" not in ids and "in-mask" not in ids and "in-foreign-defs" not in ids
    assert {"r1", "c1", "last", "m", "p", "mk", "s"} <= set(ids)


def test_local_name_reads_the_tag() -> None:
    root = etree.fromstring(DOCUMENT)
    assert [local_name(node) for node in root.iter()][:4] == ["svg", "", "", "defs"]
    assert local_name(etree.fromstring("<plain><x:b xmlns:x='urn:a:b'/></plain>")[0]) == "b"
    assert local_name(etree.Element("noNamespace")) == "noNamespace"
