"""Reading Inkscape text: which kind each element is, its box, og: options, styles."""

from __future__ import annotations

import json

import pytest
from lxml import etree

import og
from og.svg.read_text import find_text_slots
from og.template.fill import fill
from tests.conftest import DATA
from tests.conftest import settings_for


def slots(renderer, name, **values):
    template = renderer.templates.get(name)
    filled = {key: param.default for key, param in template.params.items()} | values
    root = fill(template, filled).root
    return {slot.id: slot for slot in find_text_slots(root, template.width)}


def test_card_kinds_and_boxes(renderer):
    found = slots(renderer, "card")
    assert {ident: slot.kind for ident, slot in found.items()} == {
        "title": "flowed", "tagline": "point", "author": "point", "tag": "point", "date": "point"}
    title = found["title"].block
    assert (title.box.x, title.box.y, title.box.width, title.box.height) == (80, 100, 1040, 280)
    assert found["author"].block.box.x == 80 and found["author"].block.box.y == 560
    assert found["author"].block.wraps is False


def test_og_attributes_become_options(renderer):
    options = slots(renderer, "card")["title"].block.options
    assert options.max_lines == 3
    assert options.min_font_size == 40
    assert options.ellipsis == "\u2026"
    assert slots(renderer, "flowroot")["body"].block.options.valign == "middle"
    balance = slots(renderer, "balance")
    assert balance["balanced"].block.options.balance is True
    assert balance["greedy"].block.options.balance is False
    assert balance["greedy"].block.options.valign == "bottom"


@pytest.mark.parametrize("ident, align", [("author", "start"), ("tag", "middle"), ("date", "end")])
def test_text_anchor(renderer, ident, align):
    assert slots(renderer, "card")[ident].block.options.align == align


def test_flowroot_reads_the_region_and_each_flowpara(renderer):
    slot = slots(renderer, "flowroot", title="One", subtitle="Two")["body"]
    assert slot.kind == "flowroot"
    box = slot.block.box
    assert (box.x, box.y, box.width, box.height) == (150, 100, 900, 420)
    assert [[span.text for span in paragraph] for paragraph in slot.block.paragraphs] == [["One"], ["Two"]]
    assert slot.block.options.align == "middle"  # text-align:center


def test_inline_size_box(renderer):
    slot = slots(renderer, "inline")["quote"]
    assert slot.kind == "inline-size"
    assert (slot.block.box.x, slot.block.box.width, slot.block.first_baseline) == (60, 500, 90)
    assert slot.block.paragraphs[0][0].style.families == ("serif",)


def test_hidden_layer_text_is_removed(renderer):
    template = renderer.templates.get("card")
    root = fill(template, {name: p.default for name, p in template.params.items()}).root
    ids = [slot.id for slot in find_text_slots(root, template.width)]
    assert "hidden-note" not in ids
    assert not [node for node in root.iter() if node.get("id") == "hidden-note"]


def test_style_attribute_font_size_and_weight(renderer):
    style = slots(renderer, "card")["title"].block.paragraphs[0][0].style
    assert (style.size, style.weight, style.families) == (64, 700, ("Inter",))


STYLED = b"""<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200">
  <style>.big { font-size: 44px } #bold { font-weight: 700 }</style>
  <text class="big" id="t" x="10" y="100">Hello</text>
  <text id="bold" style="font-size:20px" x="10" y="150">Bold</text>
</svg>"""


def test_style_sheet_class_sets_font_size():
    root = etree.fromstring(STYLED)
    found = {slot.id: slot for slot in find_text_slots(root, 400)}
    assert found["t"].block.paragraphs[0][0].style.size == 44
    assert found["bold"].block.paragraphs[0][0].style.weight == 700


def test_style_sheet_class_font_size_is_rendered(fonts):
    renderer = og.Renderer(settings_for(DATA / "extra"), fonts=fonts)
    report = json.loads(renderer.render("styled", {}, "json"))
    (item,) = report["texts"]
    assert item["font_size"] == 44


def test_a_style_sheet_template_does_not_stop_the_app(fonts):
    renderer = og.Renderer(settings_for(DATA / "extra"), fonts=fonts)
    og.web.create_app({"OG_RENDERER": renderer})
