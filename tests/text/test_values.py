"""What a hostile or odd value can do to the rest of the card: nothing.

``tests/data/values/labels.svg`` has a point-text label (``site``), a flowed title with
``og:max-lines="3"`` and an end-anchored label left of the card's centre whose value is
followed by the template's own text (`` · 6 min read``).
"""

from __future__ import annotations

import pytest

import og
from og.template.fill import close_bidi_controls
from og.text.fonts import FontSet

from ..conftest import DATA
from ..conftest import settings_for
from ..helpers import report
from ..helpers import text


@pytest.fixture(scope="module")
def labels(fonts: FontSet) -> og.Renderer:
    return og.Renderer(settings_for(DATA / "values"), fonts=fonts)


@pytest.mark.parametrize(("value", "expected"), [
    ("\u202eABC", "\u202eABC\u202c"),
    ("\u2067x\u202by", "\u2067x\u202by\u202c\u2069"),
    ("a\u202eb\u202cc", "a\u202eb\u202cc"),
    ("\u2069\u202cplain", "\u2069\u202cplain"),
])
def test_bidi_controls_a_value_opens_are_closed(value: str, expected: str) -> None:
    assert close_bidi_controls(value) == expected


def test_a_right_to_left_override_cannot_reverse_the_template_text(labels: og.Renderer) -> None:
    line = text(report(labels, "labels", date="\u202eABC"), "date")["lines"][0]
    template_run = [run for run in line["runs"] if "read" in run["text"]]
    assert template_run and all(run["direction"] == "ltr" for run in template_run)


def test_line_feeds_in_a_point_label_stay_on_its_line(labels: og.Renderer) -> None:
    item = text(report(labels, "labels", site="x\n" * 30 + "x"), "site")
    assert len(item["lines"]) == 1
    assert item["lines"][0]["baseline"] == pytest.approx(60)


@pytest.mark.parametrize("separator", ["\n", "\r\n", "\u2028", "\u2029"])
def test_line_and_paragraph_separators_break_a_title(labels: og.Renderer, separator: str) -> None:
    item = text(report(labels, "labels", title=f"First{separator}Second"), "title")
    assert [line["text"] for line in item["lines"]] == ["First", "Second"]


def test_blank_lines_in_a_value_do_not_eat_the_title(labels: og.Renderer) -> None:
    item = text(report(labels, "labels", title="\n" * 200 + "Real\n\n\n\ntitle\n\n"), "title")
    assert [line["text"] for line in item["lines"]] == ["Real", "", "title"]


def test_end_anchored_label_left_of_centre_has_room(labels: og.Renderer) -> None:
    item = text(report(labels, "labels"), "date")
    line = item["lines"][0]
    assert line["text"] == "Hello world · 6 min read"
    assert line["x"] + line["width"] == pytest.approx(500, abs=0.1)
    assert item["box"]["x"] == pytest.approx(0) and item["box"]["width"] == pytest.approx(500)
    assert not item["truncated"]


def test_a_label_cut_to_its_width_reports_truncated(labels: og.Renderer) -> None:
    item = text(report(labels, "labels", site="x" * 200), "site")
    assert item["truncated"]
    assert item["lines"][0]["text"].endswith("…")


def test_synthetic_bold_keeps_the_advance(fonts: FontSet) -> None:
    """Faux bold (a bold request on a family without bold) thickens, it does not widen:
    HarfBuzz takes its strength as a fraction of the em."""
    regular = fonts.match("Noto Sans Symbols2", 400, False)
    bold = fonts.match("Noto Sans Symbols2", 800, False)
    assert regular is not None and bold is not None and bold.synthetic_bold
    gid = regular.hb_font.get_nominal_glyph(0x1F6E8)
    ratio = bold.hb_font.get_glyph_h_advance(gid) / regular.hb_font.get_glyph_h_advance(gid)
    assert 1.0 <= ratio < 1.1


def test_a_cluster_no_font_has_keeps_its_base(labels: og.Renderer) -> None:
    item = text(report(labels, "labels", title="Wow!\u0e39 done"), "title")
    assert item["lines"][0]["text"] == "Wow!\u0e39 done"
    assert item["missing"] == ["U+0E39"]  # only the Thai vowel on "!" is not drawn
    assert "U+0021" not in item["missing"]


def test_a_cluster_wider_than_the_box_is_cut_inside(labels: og.Renderer) -> None:
    wide = "a" + "\u0e33" * 150  # SARA AM is a spacing mark: one grapheme, very wide
    item = text(report(labels, "labels", title=wide), "title")
    box = item["box"]
    assert all(line["x"] + line["width"] <= box["x"] + box["width"] + 0.5 for line in item["lines"])


RANGES = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF),
          (0x900, 0x97F), (0xE00, 0xE7F), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
          (0x1F300, 0x1FAFF), (0x200B, 0x206F), (0x300, 0x36F), (0xFE00, 0xFE0F), (0x1F1E6, 0x1F1FF)]


def test_random_multiscript_values_stay_in_their_boxes(labels: og.Renderer) -> None:
    import random

    rng = random.Random(7)
    for _ in range(120):
        value = "".join(chr(rng.randint(*rng.choice(RANGES))) for _ in range(rng.randint(0, 200)))
        rep = report(labels, "labels", title=value, site=value[:40])
        for item in rep["texts"]:
            box = item["box"]
            for line in item["lines"]:
                assert line["x"] >= box["x"] - 0.5, (value, item["id"], line)
                assert line["x"] + line["width"] <= box["x"] + box["width"] + 0.5, (value, item["id"], line)
