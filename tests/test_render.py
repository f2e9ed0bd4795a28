"""The whole pipeline on the fixture templates: where lines go, fitting, anchors, hiding."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og.errors import UnknownFormat
from tests.helpers import SVG_NS
from tests.helpers import outside_box
from tests.helpers import report
from tests.helpers import text

LONG_TITLES = {
    "latin-300": ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
                  "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
                  "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure "
                  "dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur")[:300],
    "cjk": "日本語の長いタイトルは途中で折り返されて、枠からはみ出さずに省略記号で終わるべきです。" * 4,
    "arabic": "هذا عنوان طويل جدا باللغة العربية يجب أن يلتف داخل الصندوق ولا يخرج عن حدوده أبدا " * 4,
    "thai": "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำการตัดคำจึงต้องใช้พจนานุกรม" * 5,
    "emoji": "👩\u200d💻🚀🎉👍🏽🇯🇵❤️ " * 30,
    "no-spaces": "x" * 300,
}
# (template, text id) of each area-text kind
AREA_BOXES = [("card", "title", "title"), ("flowroot", "body", "title")]


@pytest.mark.parametrize("template, ident, param", AREA_BOXES)
@pytest.mark.parametrize("kind", sorted(LONG_TITLES))
def test_long_text_stays_in_its_box_and_is_cut_with_an_ellipsis(renderer, template, ident, param, kind):
    item = text(report(renderer, template, **{param: LONG_TITLES[kind]}), ident)
    assert outside_box(item) == []
    assert item["missing"] == []
    assert item["truncated"] is True
    assert item["lines"][-1]["text"].endswith("\u2026")
    assert not any(line["text"].endswith("\u2026") for line in item["lines"][:-1])


def test_max_lines_is_the_limit(renderer):
    item = text(report(renderer, "card", title=LONG_TITLES["latin-300"]), "title")
    assert len(item["lines"]) == 3  # og:max-lines="3"
    item = text(report(renderer, "flowroot", title=LONG_TITLES["latin-300"]), "body")
    assert len(item["lines"]) == 6  # og:max-lines="6"


def test_shrink_to_fit_stays_between_min_and_requested_size(renderer):
    title = ("Shrink to fit makes a longer title smaller before it ever cuts a single word off the end, "
             "so that readers see it all")
    item = text(report(renderer, "card", title=title), "title")
    assert item["shrunk"] is True
    assert item["truncated"] is False
    assert 40 <= item["font_size"] < 64  # og:min-font-size="40", font-size:64px
    assert item["requested_font_size"] == 64
    assert " ".join(line["text"] for line in item["lines"]) == title
    assert outside_box(item) == []


def test_short_title_is_not_shrunk(renderer):
    item = text(report(renderer, "card", title="Short"), "title")
    assert (item["font_size"], item["shrunk"], item["truncated"]) == (64, False, False)


def test_truncation_happens_at_the_minimum_size(renderer):
    item = text(report(renderer, "card", title=LONG_TITLES["latin-300"]), "title")
    assert item["font_size"] == 40
    assert item["shrunk"] is True


def test_without_min_font_size_text_is_cut_not_shrunk(renderer):
    item = text(report(renderer, "flowroot", title=LONG_TITLES["latin-300"]), "body")
    assert item["shrunk"] is False
    assert item["font_size"] == 40


@pytest.mark.parametrize("ident, anchor_x, align", [
    ("author", 80, "start"),
    ("tag", 600, "middle"),
    ("date", 1120, "end"),
])
def test_point_text_anchor(renderer, ident, anchor_x, align):
    item = text(report(renderer, "card", author="Ada Lovelace", tag="#centred-tag", date="1 June 2026"),
                ident)
    (line,) = item["lines"]
    assert item["align"] == align
    position = {"start": line["x"], "middle": line["x"] + line["width"] / 2,
                "end": line["x"] + line["width"]}[align]
    assert position == pytest.approx(anchor_x, abs=0.5)
    assert line["baseline"] == pytest.approx(560 if ident != "tag" else 600)


def test_centred_flowed_text_is_centred_in_its_box(renderer):
    item = text(report(renderer, "flowroot", title="Centred in the flowRoot box", subtitle="Me too"), "body")
    box = item["box"]
    for line in item["lines"]:
        assert line["x"] + line["width"] / 2 == pytest.approx(box["x"] + box["width"] / 2, abs=0.5)


def test_flowroot_paragraphs_in_order(renderer):
    item = text(report(renderer, "flowroot", title="Alpha paragraph", subtitle="Beta paragraph"), "body")
    assert [line["text"] for line in item["lines"]] == ["Alpha paragraph", "Beta paragraph"]
    tops = [line["top"] for line in item["lines"]]
    assert tops == sorted(tops)


def test_valign_middle_centres_the_lines_vertically(renderer):
    item = text(report(renderer, "flowroot", title="One", subtitle="Two"), "body")
    box = item["box"]
    advance = item["line_height"]
    block_top = box["y"] + (box["height"] - advance * len(item["lines"])) / 2
    block_bottom = block_top + advance * len(item["lines"])
    assert item["lines"][0]["top"] == pytest.approx(block_top, abs=advance / 2)
    assert item["lines"][-1]["bottom"] == pytest.approx(block_bottom, abs=advance / 2)


def test_valign_bottom_puts_the_last_line_at_the_bottom(renderer):
    for ident in ("greedy", "balanced"):
        item = text(report(renderer, "balance"), ident)
        box = item["box"]
        assert item["lines"][-1]["bottom"] == pytest.approx(box["y"] + box["height"], abs=item["line_height"] / 2)
        assert outside_box(item) == []


def test_balance_makes_the_last_line_longer(renderer):
    rep = report(renderer, "balance")
    greedy, balanced = text(rep, "greedy"), text(rep, "balanced")
    assert len(greedy["lines"]) == len(balanced["lines"]) == 2
    assert balanced["lines"][-1]["width"] > greedy["lines"][-1]["width"]
    assert max(line["width"] for line in balanced["lines"]) < max(line["width"] for line in greedy["lines"])
    assert " ".join(line["text"] for line in balanced["lines"]) == rep["params"]["title"]


def test_inline_size_text_wraps_at_its_width(renderer):
    item = text(report(renderer, "inline"), "quote")
    assert item["kind"] == "inline-size"
    assert len(item["lines"]) > 1
    assert item["lines"][0]["baseline"] == pytest.approx(90)  # y is the first baseline
    for line in item["lines"]:
        assert line["x"] == pytest.approx(60, abs=0.5)
        assert line["width"] <= 500 + 0.5
    assert item["lines"][0]["runs"][0]["font"] == "Noto Serif"  # font-family: serif


def test_hidden_layer_is_not_laid_out_or_drawn(renderer):
    rep = report(renderer, "card")
    assert "hidden-note" not in [item["id"] for item in rep["texts"]]
    root = etree.fromstring(renderer.render("card", {}, "svg"))
    layer = root.find(f".//{{{SVG_NS}}}g[@id='layer-notes']")
    assert layer is not None
    assert layer.findall(f".//{{{SVG_NS}}}path") == []
    assert layer.findall(f".//{{{SVG_NS}}}text") == []


def test_hidden_layer_leaves_no_red_pixels(renderer):
    # The hidden note is red (#ff0000); nothing else on the card is.
    pixels = np.asarray(Image.open(io.BytesIO(renderer.render("card", {}, "png"))).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    assert int(red.sum()) == 0


def test_flow_region_is_never_painted(renderer):
    # The flowRegion rect has fill:#ff0000; og must not paint the region.
    pixels = np.asarray(Image.open(io.BytesIO(renderer.render("flowroot", {}, "png"))).convert("RGB")).astype(int)
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] < 80)
    assert int(red.sum()) == 0


def test_text_is_drawn_where_the_report_says(renderer):
    # Dark ink inside the title's first line box, none in the empty band below the title box.
    rep = report(renderer, "card", title="Ink")
    line = text(rep, "title")["lines"][0]
    pixels = np.asarray(Image.open(io.BytesIO(renderer.render("card", {"title": "Ink"}, "png"))).convert("L"))
    inside = pixels[int(line["top"]):int(line["bottom"]), int(line["x"]):int(line["x"] + line["width"])]
    assert (inside < 100).mean() > 0.05
    assert (pixels[int(line["bottom"]) + 5:380, 80:1120] < 100).sum() == 0


def test_newline_in_a_value_is_a_line_break(renderer):
    item = text(report(renderer, "card", title="first\nsecond"), "title")
    assert [line["text"] for line in item["lines"]] == ["first", "second"]


def test_empty_value_renders(renderer):
    item = text(report(renderer, "card", title=""), "title")
    assert all(line["text"] == "" for line in item["lines"])
    assert renderer.render("card", {"title": ""}, "png").startswith(b"\x89PNG")


def test_unknown_format_is_an_og_error(renderer):
    with pytest.raises(UnknownFormat):
        renderer.render("card", {}, "gif")


def test_unknown_parameter_lists_accepted(renderer):
    with pytest.raises(og.BadParameter) as info:
        renderer.render("card", {"nope": "1"}, "json")
    assert info.value.details["accepted"] == ["author", "date", "tag", "tagline", "title"]


def test_render_is_deterministic(renderer):
    assert renderer.render("card", {"title": "Same"}, "png") == renderer.render("card", {"title": "Same"}, "png")


def test_report_is_the_json_cards_data(renderer: og.Renderer) -> None:
    png_plan = renderer.plan("card", {"title": "Reported"}, "png")
    data = renderer.report(png_plan)
    assert data == json.loads(renderer.render("card", {"title": "Reported"}, "json"))
    title = next(item for item in data["texts"] if item["id"] == "title")
    assert [line["text"] for line in title["lines"]] == ["Reported"]
