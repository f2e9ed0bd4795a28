"""og.svg.css.Cascade: the one reader of presentation attributes, ``<style>`` rules and
``style=""`` — and the readers that went through their own copies of it (markers, the
opacity fix, cost estimates, mirroring)."""

from __future__ import annotations

import pytest
from lxml import etree

from og.svg.cairosvg_fixes import group_opacity
from og.svg.css import Cascade
from og.svg.css import parse_declarations
from og.svg.markers import expand_markers
from og.svg.names import OG_NS
from og.template.costs import dash_segments
from og.svg.dynamic import Dynamic
from og.svg.names import find_node
from og.template.mirror import mirror
from og.template.mirror import read_mirroring

SVG = "http://www.w3.org/2000/svg"


def document(body: str) -> etree._Element:
    return etree.fromstring(f'<svg xmlns="{SVG}" width="200" height="100">{body}</svg>')


def by_id(root: etree._Element, ident: str) -> etree._Element:
    found = root.find(f".//*[@id='{ident}']")
    assert found is not None
    return found


def test_style_wins_over_rules_which_win_over_attributes() -> None:
    root = document('<style>.a { fill: red; stroke: blue }</style>'
                    '<rect id="r" class="a" fill="green" stroke="black" opacity="0.5" style="fill: #fff"/>')
    cascade, rect = Cascade(root), by_id(root, "r")
    assert cascade.declared(rect, "fill") == "#fff"
    assert cascade.declared(rect, "stroke") == "blue"
    assert cascade.declared(rect, "opacity") == "0.5"
    assert cascade.declared(rect, "marker") is None


def test_an_empty_value_sets_nothing_and_declared_does_not_inherit() -> None:
    root = document('<g fill="red"><rect id="r" fill="blue" style="fill:"/></g>')
    cascade = Cascade(root)
    assert cascade.declared(by_id(root, "r"), "fill") == "blue"
    assert cascade.declared(by_id(root, "r"), "stroke") is None


def test_inherited_takes_the_nearest_ancestors_value_past_inherit() -> None:
    root = document('<style>g.outer { stroke-width: 7 }</style>'
                    '<g class="outer" stroke="red"><g stroke="inherit">'
                    '<rect id="r" stroke-width="inherit"/></g></g>')
    cascade, rect = Cascade(root), by_id(root, "r")
    assert cascade.inherited(rect, "stroke") == "red"
    assert cascade.inherited(rect, "stroke-width") == "7"
    assert cascade.inherited(rect, "fill") is None


def test_display_none_on_an_ancestor_by_any_route_hides() -> None:
    root = document('<style>#p2 { display: none }</style><g id="p2"><rect id="a"/></g>'
                    '<g style="display:none"><rect id="b"/></g><g display="inline"><rect id="c"/></g>')
    cascade = Cascade(root)
    assert cascade.display_none(by_id(root, "a")) and cascade.display_none(by_id(root, "b"))
    assert not cascade.display_none(by_id(root, "c"))
    assert cascade.is_hidden(by_id(root, "a"))


def test_a_style_attribute_changed_after_a_read_is_read_again() -> None:
    """The cascade reads each style attribute once, by its text: a shape whose style changes
    (a filled value's colour, a label hidden) is read as it is now, not as it was."""
    root = document('<g id="g" style="display:inline"><rect id="r" style="fill:red;stroke:blue"/>'
                    '<rect id="s" style="fill:red;stroke:blue"/></g>')
    cascade, rect, group = Cascade(root), by_id(root, "r"), by_id(root, "g")
    assert cascade.declared(rect, "fill") == "red" and not cascade.display_none(rect)
    rect.set("style", "fill:green")
    group.set("style", "display:none")
    assert cascade.declared(rect, "fill") == "green" and cascade.declared(rect, "stroke") is None
    assert cascade.display_none(rect)
    assert cascade.declared(by_id(root, "s"), "fill") == "red"  # the same text, read once
    assert cascade.computed(by_id(root, "s"))["stroke"] == "blue"


@pytest.mark.parametrize("settled", [False, True])
def test_display_none_is_the_same_settled_or_not(settled: bool) -> None:
    """A settled cascade (a card's text being read) memoises each element's display: it answers
    as the unsettled one does for every element, an ancestor asked first or last."""
    root = document('<style>#p2 { display: none }</style><g id="p2"><g id="in"><rect id="a"/></g></g>'
                    '<g id="l" style="display:none"><g id="m"><rect id="b"/></g></g>'
                    '<g id="n" display="inline"><g id="o" display="none"><rect id="c"/></g>'
                    '<rect id="d"/></g>')
    unsettled, asked = Cascade(root), Cascade(root, settled=settled)
    order = list(root.iter()) if settled else list(reversed(list(root.iter())))
    answers = {node: asked.display_none(node) for node in order if isinstance(node.tag, str)}
    assert answers == {node: unsettled.display_none(node) for node in answers}
    assert sorted(n.get("id") for n in answers if not answers[n] and n.get("id")) == ["d", "n"]


MARKER = ('<defs><marker id="m" markerWidth="4" markerHeight="4" orient="auto" overflow="visible">'
          '<rect width="4" height="4" style="fill:context-stroke"/></marker></defs>')


def test_markers_take_the_shapes_paint_from_a_rule_and_are_not_drawn_twice() -> None:
    root = document('<style>path.arrow { stroke: #00ff00; marker-end: url(#m) }</style>' + MARKER +
                    '<path id="p" class="arrow" d="M10 10 L90 10" style="marker-start:url(#m)"/>')
    assert expand_markers(root) == 2  # the start from style="", the end from the rule
    path = next(root.iter(f"{{{SVG}}}path"))
    declared = dict(parse_declarations(path.get("style", "")))
    # the rule's marker-end is stopped on the path itself (CairoSVG would draw it again)
    assert all(declared.get(name) == "none" for name in ("marker", "marker-start", "marker-mid",
                                                          "marker-end"))
    marker = f"{{{SVG}}}marker"
    drawn = [node for node in root.iter(f"{{{SVG}}}rect") if next(node.iterancestors(marker), None) is None]
    fills = {node.get("style") for node in drawn}
    assert fills == {"fill:#00ff00"}  # context-stroke: the stroke the rule gives the path


def test_opacity_moves_to_a_group_when_a_rule_strokes_the_shape() -> None:
    root = document('<style>.outlined { stroke: black }</style>'
                    '<rect id="r" class="outlined" width="10" height="10" opacity="0.5"/>')
    assert group_opacity(root) == 1
    parent = by_id(root, "r").getparent()
    assert parent is not None and parent.get("opacity") == "0.5"


def test_dash_costs_follow_a_stroke_set_by_a_rule_through_inherit() -> None:
    root = document('<style>g { stroke: red; stroke-dasharray: 1 1 }</style>'
                    '<g><line id="l" x2="100" stroke="inherit"/></g>')
    assert dash_segments(by_id(root, "l"), Cascade(root)) == 100


def test_mirroring_swaps_the_alignment_a_rule_gives_the_text() -> None:
    root = document('<style>text { text-anchor: end }</style>'
                    f'<text id="t" xmlns:og="{OG_NS}" og:mirror="true" x="150" y="50">'
                    'שלום</text>')
    marks = [(find_node(root, mark.path), mark) for mark in read_mirroring(root).marks]
    assert mirror(root, marks, (0.0, 200.0), rtl=True, dynamic=Dynamic()) == ["t"]
    text = by_id(root, "t")
    assert dict(parse_declarations(text.get("style", ""))).get("text-anchor") == "left"
    assert text.get("x") == "50"


def test_a_marker_set_only_by_a_rule_is_drawn_by_og() -> None:
    """A shape whose only marker comes from a <style> rule is expanded too (CairoSVG's own marker
    drawing knows no context-stroke nor orient="auto-start-reverse")."""
    root = document('<style>polyline { marker-end: url(#dot) }</style>'
                    '<marker id="dot" markerWidth="4" markerHeight="4"><circle r="2"/></marker>'
                    '<polyline points="0,0 50,50" stroke="#000"/>')
    assert expand_markers(root) == 1
