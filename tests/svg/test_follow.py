"""Shapes that follow their text (issue 19): ``<rect og:follow="tag" og:padding="…">`` takes the laid-out
extent of its text plus the padding, keeping its corner radius. Checked in decoded pixels of the
bundled ``announcement`` badge served over HTTP, and in the layout report."""

from __future__ import annotations

import io
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
import og.web
from og.errors import TemplateError
from og.template.load import create_jinja_environment
from og.template.load import load_template
from tests.conftest import settings_for
from tests.helpers import text


def _grey(bundled_http: t.Any, **params: str) -> np.ndarray:
    response = bundled_http.get("/announcement.png", query_string=params)
    assert response.status_code == 200, response.data[:300]
    return np.asarray(Image.open(io.BytesIO(response.data)).convert("L")).astype(float)


def _pill_columns(bundled_http: t.Any, tag: str) -> tuple[int, int]:
    """Where the pill is drawn along its middle row (the label's glyphs lie inside its padding): the
    card with the tag against the card without it (no tag: no pill)."""
    with_pill = _grey(bundled_http, title="Launch", tag=tag)
    without = _grey(bundled_http, title="Launch")
    columns = np.flatnonzero(np.abs(with_pill[115] - without[115]) > 8)
    return int(columns.min()), int(columns.max()) + 1


@pytest.mark.parametrize("tag", ["New", "v2.0 · Now available", "Public beta in 30 new regions!",
                                 "إصدار جديد متاح الآن"])
def test_the_badge_is_its_label_plus_padding(bundled_http: t.Any, tag: str) -> None:
    report = bundled_http.get("/announcement.json", query_string={"title": "Launch", "tag": tag}).get_json()
    line = text(report, "tag")["lines"][0]
    (shape,) = report["shapes"]
    assert shape["follows"] == "tag"
    assert shape["x"] == pytest.approx(line["x"] - 24, abs=0.01)
    assert shape["x"] + shape["width"] == pytest.approx(line["x"] + line["width"] + 24, abs=0.01)
    assert shape["y"] == pytest.approx(line["top"] - 15, abs=0.01)
    left, right = _pill_columns(bundled_http, tag)
    assert left == pytest.approx(shape["x"], abs=2)
    assert right == pytest.approx(shape["x"] + shape["width"], abs=2)
    assert text(report, "tag")["font_size"] == 22  # the pill grows; the label does not shrink


def test_a_longer_label_widens_the_badge(bundled_http: t.Any) -> None:
    short = _pill_columns(bundled_http, "New")
    long = _pill_columns(bundled_http, "Public beta in 30 new regions!")
    assert long[1] - long[0] > 3 * (short[1] - short[0])
    assert (short[0] + short[1]) / 2 == pytest.approx(600, abs=2)  # still centred as drawn


def test_the_corner_radius_is_kept(bundled: og.Renderer) -> None:
    laid_out = bundled.lay_out("announcement", {"title": "Launch", "tag": "A long label for the badge"})
    (pill,) = laid_out.root.xpath("//*[@id='pill']")
    assert (pill.get("rx"), pill.get("ry")) == ("26", "26")
    assert float(pill.get("width")) > 300  # wider than drawn in Inkscape


HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns" width="400" '
        'height="200" viewBox="0 0 400 200">')
LABEL = ('<rect id="hl" og:follow="label" og:padding="4 10 6 8" rx="5" style="fill:#fde047" x="0" y="0" '
         'width="1" height="1"/><text id="label" og:mirror="true" og:required="true" x="40" y="100" '
         'style="font-size:30px;font-family:Inter;fill:#000">{{ label }}</text>')


def _renderer(tmp_path: Path, body: str) -> og.Renderer:
    (tmp_path / "t.svg").write_text(HEAD + body + "</svg>")
    return og.Renderer(settings_for(tmp_path))


@pytest.mark.parametrize(("label", "side"), [("Highlight", "left"), ("הדגשה", "right")])
def test_a_highlight_follows_a_mirrored_label(tmp_path: Path, label: str, side: str) -> None:
    renderer = _renderer(tmp_path, LABEL)
    report = renderer.lay_out("t", {"label": label}).report()
    line = text(report, "label")["lines"][0]
    (shape,) = report["shapes"]
    assert (shape["x"], shape["y"]) == pytest.approx((line["x"] - 8, line["top"] - 4), abs=0.01)
    assert shape["width"] == pytest.approx(line["width"] + 18, abs=0.01)
    assert shape["height"] == pytest.approx(line["bottom"] - line["top"] + 10, abs=0.01)
    png = renderer.render("t", {"label": label})
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    yellow = np.all(np.abs(pixels - [0xFD, 0xE0, 0x47]) < 10, axis=2)
    columns = np.flatnonzero(yellow.any(axis=0))
    assert columns.min() == pytest.approx(shape["x"], abs=2)
    assert columns.max() + 1 == pytest.approx(shape["x"] + shape["width"], abs=2)
    assert (columns.mean() < 200) == (side == "left")  # og:mirror moved the label, and its highlight


def test_an_empty_label_takes_its_shape_away(tmp_path: Path) -> None:
    other = '<text x="0" y="20">{{ x }}</text>'
    renderer = _renderer(tmp_path, LABEL.replace('og:required="true" ', "") + other)
    report = renderer.lay_out("t", {"x": "a"}).report()
    assert report["shapes"] == [{"id": "hl", "follows": "label", "hidden": True}]
    pixels = np.asarray(Image.open(io.BytesIO(renderer.render("t", {"x": "a"}))).convert("RGB")).astype(int)
    assert not np.all(np.abs(pixels - [0xFD, 0xE0, 0x47]) < 10, axis=2).any()


@pytest.mark.parametrize(("shape", "message"), [
    ('<circle og:follow="l" r="3"/>', "put it on a <rect>"),
    ('<rect og:follow="nope" width="1" height="1"/>', "no text has the id"),
    ('<rect og:follow="l" og:padding="1 2 3" width="1" height="1"/>', "one, two or four"),
    ('<rect og:follow="l" og:padding="-4" width="1" height="1"/>', "one, two or four"),
])
def test_follow_written_wrong_is_refused_at_load(tmp_path: Path, shape: str, message: str) -> None:
    (tmp_path / "t.svg").write_text(HEAD + shape + '<text id="l">{{ l }}</text></svg>')
    with pytest.raises(TemplateError, match=message):
        load_template("t", tmp_path / "t.svg", create_jinja_environment(), 100)
