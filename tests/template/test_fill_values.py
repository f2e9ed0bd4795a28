"""og/template/fill.py: a template and values → :class:`Filled`, the document and the set of its
elements that hold a value, which the later stages take as a value; og:mirror and og:follow are
read once when the template is loaded, not from each request's copy."""

from __future__ import annotations

import typing as t

from lxml import etree

import og
from og.svg.dynamic import Dynamic
from og.svg.names import OG_NS
from og.svg.names import find_node
from og.template.fill import fill
from og.template.pages import for_page
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for


def _fresh(fonts: t.Any) -> og.Renderer:
    """Its own template store: these tests change a loaded template's document."""
    return og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)


def _by_id(root: etree._Element, ident: str) -> etree._Element:
    return next(node for node in root.iter(etree.Element) if node.get("id") == ident)


def test_filled_names_the_elements_that_hold_values(bundled: og.Renderer) -> None:
    template = bundled.templates.get("article")
    filled = fill(template, bundled.plan("article", {"title": "T", "tag": "News"}, "png").values)
    assert {"title", "tag", "site"} <= {str(node.get("id")) for node in filled.dynamic}
    assert _by_id(filled.root, "layer-brand") not in filled.dynamic, "it holds no value"
    assert filled.dynamic.variant == (("rtl", False),), "og:mirror moves it with the direction: a variant"
    assert not any(etree.QName(name).localname == "dynamic" for node in filled.root.iter(etree.Element)
                   for name in node.attrib), "no mark is left on the tree"


def test_a_dynamic_set_keeps_what_replaces_a_value() -> None:
    root = etree.fromstring("<svg><g id='a'><text id='t'>x</text></g><rect id='r'/></svg>")
    group, text, rect = root[0], root[0][0], root[1]
    dynamic = Dynamic([text])
    assert dynamic.first(root) is text
    image = etree.Element("image")
    root.replace(group, image)  # as the effects stage draws a group holding a value
    dynamic.replaced(group, image)
    assert image in dynamic and dynamic.first(root) is image
    plain = etree.Element("image")
    root.replace(rect, plain)
    dynamic.replaced(rect, plain)
    assert plain not in dynamic


def test_mirroring_is_read_when_the_template_is_loaded(fonts: t.Any) -> None:
    renderer = _fresh(fonts)
    template = renderer.templates.get("article")
    assert template.mirroring.marks and template.mirroring.main_param({}) == "title"
    values = renderer.plan("article", {"title": "مرحبا بالعالم"}, "png").values
    before = _placed(fill(template, values).root)
    for node in template.root.iter(etree.Element):  # the loaded document no longer says og:mirror
        node.attrib.pop(f"{{{OG_NS}}}mirror", None)
    after = fill(template, values).root
    assert _placed(after) == before, "filling reads the marks found at load"
    assert _by_id(after, "layer-brand").get("transform"), "the brand still moved for right-to-left"


def _placed(root: etree._Element) -> list[tuple[str | None, ...]]:
    """Where each element is and how it is aligned."""
    return [(node.get("id"), node.get("transform"), node.get("x"), node.get("style"))
            for node in root.iter(etree.Element)]


def test_followers_are_read_when_the_template_is_loaded(fonts: t.Any) -> None:
    renderer = _fresh(fonts)
    template = renderer.templates.get("announcement")
    assert [f.follows for f in template.followers] == ["tag"]
    short = renderer.report(renderer.plan("announcement", {"title": "Launch", "tag": "New"}, "json"))
    pill = find_node(template.root, template.followers[0].path)
    pill.attrib.pop(f"{{{OG_NS}}}follow")  # the loaded document no longer says og:follow
    long = renderer.report(renderer.plan("announcement", {"title": "Launch", "tag": "Much longer"}, "json"))
    assert [shape["id"] for shape in long["shapes"]] == ["pill"]
    assert long["shapes"][0]["width"] > short["shapes"][0]["width"] + 50, "the pill still grows"


def test_what_lies_off_a_page_holds_no_value(bundled: og.Renderer) -> None:
    template = bundled.templates.get("article")
    assert template.pages, "the bundled article has several pages"
    for page in template.pages:
        paged = for_page(template, page.name)
        filled = fill(paged, bundled.plan("article", {"title": "T"}, "png", page=page.name).values)
        off = [find_node(filled.root, path) for path in paged.off_page]
        inside = {node for hidden in off for node in hidden.iter(etree.Element)}
        assert filled.dynamic.first(filled.root) is not None
        assert not any(node in inside for node in filled.dynamic), page.name
