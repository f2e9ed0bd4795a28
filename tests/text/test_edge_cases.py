"""Edge cases found while documenting templates for designers (``tests/data/edge``):
RTL values in start-anchored point text, an external image, text flowed into a path
frame, an ellipsis with leading space, text on a path."""

from __future__ import annotations

import io
import typing as t

import pytest
from PIL import Image

import og
from og.text.fonts import FontSet
from og.text.segment import line_break_opportunities

from ..conftest import DATA
from ..conftest import settings_for
from ..helpers import report
from ..helpers import text


@pytest.fixture(scope="module")
def edge(fonts: FontSet) -> og.Renderer:
    return og.Renderer(settings_for(DATA / "edge"), fonts=fonts)


def test_rtl_value_in_start_anchored_point_text_starts_at_the_anchor(edge: og.Renderer) -> None:
    line = text(report(edge, "edge"), "name")["lines"][0]
    assert line["direction"] == "rtl"
    assert line["x"] == pytest.approx(40, abs=0.01)


def test_external_image_is_dropped_not_a_server_error(edge: og.Renderer) -> None:
    png = edge.render("edge")
    assert Image.open(io.BytesIO(png)).size == (600, 315)
    assert b"logo.png" not in edge.render("edge", fmt="svg")


def test_text_flowed_into_a_path_frame_wraps_in_its_bounding_box(edge: og.Renderer) -> None:
    item = text(report(edge, "edge"), "framed")
    assert item["kind"] == "flowed"
    assert item["box"] == {"x": 40, "y": 40, "width": 260, "height": 190}
    assert len(item["lines"]) > 1
    assert all(line["x"] + line["width"] <= 300.5 for line in item["lines"])


def test_ellipsis_keeps_its_leading_space(edge: og.Renderer) -> None:
    line = text(report(edge, "edge"), "cut")["lines"][0]
    assert line["text"].endswith(" [more]")
    assert line["width"] <= 200.5


def test_text_on_a_path_starts_at_the_path(edge: og.Renderer) -> None:
    """Set along the curve (tests/text/test_on_path.py has the rest): from the path's start,
    the first glyph at the path's first point, the text within the curve's extent."""
    item = text(report(edge, "edge"), "curved")
    assert item["kind"] == "path" and item["path"]["start"] == 0
    line = item["lines"][0]
    assert line["runs"][0]["x"] == pytest.approx(0)
    assert 300 < line["x"] < 320 and 200 < line["top"] < line["bottom"] < 300


@pytest.mark.parametrize(("value", "lang"), [("플랫폼 엔지니어링 팀의 새로운 도구", "ko"),
                                             ("한국어 제목입니다", "")])
def test_korean_breaks_only_between_words(value: str, lang: str) -> None:
    from og.text.model import TextOptions
    from og.text.paragraph import guess_lang
    from og.text.typography import analyse

    lang = lang or guess_lang(value)
    opportunities = analyse(value, line_break_opportunities(value, lang), lang, TextOptions()).opportunities
    assert all(o == len(value) or value[o - 1] == " " for o in opportunities)


def test_check_does_not_claim_cairosvg_filters(fonts: FontSet, tmp_path: t.Any) -> None:
    from og.check import check_file

    path = tmp_path / "offset.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
                    '<filter id="f"><feOffset dx="2"/></filter></defs>'
                    '<rect id="r" width="5" height="5" style="filter:url(#f)"/></svg>')
    assert not [f for f in check_file(path, fonts) if "pre-rendered" in f.message]
