"""Vertical text (``writing-mode: tb-rl`` / ``vertical-rl`` / ``vertical-lr`` with
``text-orientation``), laid out by og in columns.

The fixtures ``tests/data/inkscape/vertical_*.svg`` were saved by Inkscape 1.2 and ``ref/``
holds Inkscape's own exports (``tools/export_inkscape_refs.py``): Japanese in columns with
punctuation in vertical forms and a Latin word turned, centred and end-anchored columns,
sideways Latin in ``vertical-lr``, upright Latin (a font without vertical metrics), and SVG 2
flowed text wrapping into columns in a frame.
"""

from __future__ import annotations

import pytest

import og
from og.text.layout import layout_text
from og.text.model import Box
from og.text.model import Span
from og.text.model import TextBlock
from og.text.model import TextStyle
from og.text.writing_modes import Vertical

from ..helpers import TOLERANCE
from ..helpers import inkscape_renderer
from ..helpers import report
from ..helpers import text


@pytest.fixture(scope="module")
def renderer() -> og.Renderer:
    return inkscape_renderer()


def test_report_describes_columns_right_to_left(renderer: og.Renderer) -> None:
    item = text(report(renderer, "vertical_japanese"), "jp")
    assert item["writing_mode"] == "vertical-rl" and item["text_orientation"] == "mixed"
    first, second = item["columns"]
    assert first["text"] == "日本語の縦書き、" and second["text"] == "「ＯＧ」とWeb。"
    assert first["x"] == pytest.approx(520) and second["x"] == pytest.approx(520 - 34 * 1.5)
    assert first["top"] == second["top"] == pytest.approx(30)
    # Eight full-width characters, one em each down the column (vmtx advances).
    assert first["length"] == pytest.approx(8 * 34, abs=TOLERANCE)


def test_centred_column_is_centred_on_its_anchor(renderer: og.Renderer) -> None:
    for value in ("中央揃えの見出し", "短い"):
        (column,) = text(report(renderer, "vertical_japanese", caption=value), "centred")["columns"]
        assert column["text"] == value
        assert (column["top"] + column["bottom"]) / 2 == pytest.approx(157, abs=TOLERANCE)


def test_end_anchored_column_ends_at_its_anchor(renderer: og.Renderer) -> None:
    (column,) = text(report(renderer, "vertical_latin"), "mixed")["columns"]
    assert column["bottom"] == pytest.approx(290, abs=TOLERANCE)


def test_vertical_lr_columns_run_left_to_right(renderer: og.Renderer) -> None:
    item = text(report(renderer, "vertical_latin"), "side")
    assert item["writing_mode"] == "vertical-lr" and item["text_orientation"] == "sideways"
    assert [c["x"] for c in item["columns"]] == pytest.approx([80, 120])


def test_flowed_vertical_text_wraps_into_columns_inside_its_frame(renderer: og.Renderer) -> None:
    long = "縦書きの文章は枠の中で折り返され、右から左へ列が並びます。" * 2
    for value in (None, long):
        params = {"body": value} if value else {}
        item = text(report(renderer, "vertical_flowed", **params), "flow")
        columns = item["columns"]
        assert len(columns) >= 5
        box = item["box"]
        xs = [c["x"] for c in columns]
        assert xs == sorted(xs, reverse=True)
        assert xs[0] == pytest.approx(box["x"] + box["width"] - 28 * 1.5 / 2)
        for column in columns:
            assert column["top"] == pytest.approx(box["y"])
            assert column["bottom"] <= box["y"] + box["height"] + TOLERANCE
            assert box["x"] <= column["x"] - 14 and column["x"] + 14 <= box["x"] + box["width"]
        if value:
            assert item["shrunk"] or item["truncated"]


def _glyphs(renderer: og.Renderer, words: str, vertical: Vertical | None) -> list[tuple[int, float]]:
    style = TextStyle(families=("Noto Sans CJK JP",), size=40)
    block = TextBlock(((Span(words, style),),), Box(300, 20), wraps=False, vertical=vertical)
    layout = layout_text(block, renderer.fonts)
    return [(glyph.gid, glyph.angle) for line in layout.lines for run in line.runs for glyph in run.glyphs]


def test_punctuation_takes_its_vertical_form_and_latin_turns(renderer: og.Renderer) -> None:
    horizontal = _glyphs(renderer, "書き、「Web」。", None)
    vertical = _glyphs(renderer, "書き、「Web」。", Vertical())
    assert len(horizontal) == len(vertical) == 9
    for index, char in enumerate("書き、「Web」。"):
        (h_gid, _), (v_gid, angle) = horizontal[index], vertical[index]
        if char in "、「」。":
            assert v_gid != h_gid, f"{char}: no vertical form"  # vert: turned or moved up right
        if char in "Web":
            assert (v_gid, angle) == (h_gid, 90.0)
        else:
            assert angle == 0.0
    upright = _glyphs(renderer, "Web", Vertical(orientation="upright"))
    assert [angle for _, angle in upright] == [0.0, 0.0, 0.0]


def test_a_long_value_is_cut_with_an_ellipsis_on_the_card(renderer: og.Renderer) -> None:
    """Vertical point text runs to the card's edge at most (as horizontal point text does),
    then ends with an ellipsis (the font's vertical form after Japanese)."""
    item = text(report(renderer, "vertical_japanese", caption="中央揃えの見出し" * 3), "centred")
    (column,) = item["columns"]
    assert item["truncated"] and column["text"].endswith("…")
    assert column["top"] >= -TOLERANCE and column["bottom"] <= 315 + TOLERANCE
    assert (column["top"] + column["bottom"]) / 2 == pytest.approx(157, abs=1)
    label = text(report(renderer, "vertical_flowed", label="A very long vertical label " * 3), "label")
    assert label["truncated"] and label["columns"][0]["bottom"] <= 315 + TOLERANCE


def test_a_long_value_in_a_frame_ends_its_last_column_with_an_ellipsis(renderer: og.Renderer) -> None:
    item = text(report(renderer, "vertical_flowed", body="縦書きの文章は枠の中で折り返され、" * 8), "flow")
    box = item["box"]
    assert item["truncated"] and item["columns"][-1]["text"].endswith("…")
    assert all(box["y"] + box["height"] + TOLERANCE >= c["bottom"] for c in item["columns"])
    assert item["columns"][-1]["x"] - 14 >= box["x"]


def test_inline_size_is_the_columns_length(renderer: og.Renderer) -> None:
    """SVG 2 ``inline-size`` on vertical text: columns of at most that length, the first
    column's line at x, anchored at y (``middle``: each column centred on it)."""
    rep = report(renderer, "vertical_inline")
    wrapped, middle = text(rep, "wrapped"), text(rep, "middle")
    assert [c["x"] for c in wrapped["columns"]] == pytest.approx([500 - 42 * n for n in range(4)])
    assert all(c["top"] == pytest.approx(40) and c["length"] <= 200 + TOLERANCE for c in wrapped["columns"])
    assert len(middle["columns"]) == 4
    for column in middle["columns"]:
        assert (column["top"] + column["bottom"]) / 2 == pytest.approx(157, abs=TOLERANCE)


def test_og_check_names_vertical_text(renderer: og.Renderer) -> None:
    from og.check import check_file

    path = renderer.templates.get("vertical_flowed").path
    findings = [str(f) for f in check_file(path, renderer.fonts)]
    assert any(f.startswith("info: vertical text: og sets it in columns") and "#flow" in f for f in findings)


def test_report_gives_a_vertical_point_texts_room_as_a_height(renderer: og.Renderer) -> None:
    rep = report(renderer, "vertical_japanese")
    assert text(rep, "jp")["box"] == {"x": 520, "y": 30, "width": None, "height": 315 - 30}
    centred = text(rep, "centred")["box"]
    assert centred["width"] is None and centred["y"] + centred["height"] / 2 == pytest.approx(157)
