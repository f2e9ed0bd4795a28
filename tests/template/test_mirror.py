"""Mirroring for right-to-left cards (issue 19): what a template marks ``og:mirror`` moves, flips or
swaps sides when the card's main text is right-to-left, and nothing changes otherwise. Checked in
decoded pixels of the bundled templates served over HTTP, and in the layout report."""

from __future__ import annotations

import io
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
import og.web
from og.check import check_file
from og.errors import TemplateError
from og.svg.bounds import root_box
from og.template.fill import fill
from og.template.load import create_jinja_environment
from og.template.load import load_template
from og.template.params import checked_values
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for
from tests.helpers import text

ARABIC = "كيف خفّضنا زمن التكامل المستمر من أربعين دقيقة إلى أربع"
HEBREW = "ליאת כהן"


def _rgb(bundled_http: t.Any, name: str, /, **params: str) -> np.ndarray:
    response = bundled_http.get(f"/{name}.png", query_string=params)
    assert response.status_code == 200, response.data[:300]
    return np.asarray(Image.open(io.BytesIO(response.data)).convert("RGB")).astype(float)


def _ink(pixels: np.ndarray, x: int, y: int, w: int, h: int) -> float:
    return float(pixels[y:y + h, x:x + w].std(axis=(0, 1)).max())


def test_the_logo_moves_to_the_right_on_a_right_to_left_card(bundled_http: t.Any) -> None:
    ltr = _rgb(bundled_http, "article", title="How we cut CI times")
    rtl = _rgb(bundled_http, "article", title=ARABIC)
    left, right = (80, 64, 48, 48), (1072, 64, 48, 48)  # the mark, and its mirrored place
    assert _ink(ltr, *left) > 30 and _ink(ltr, *right) < 6
    assert _ink(rtl, *right) > 30 and _ink(rtl, *left) < 6
    # moved, not flipped: the mark's short third line stays on its left side
    assert np.abs(rtl[95:100, 1084:1112] - ltr[95:100, 92:120]).max() < 40


def test_text_swaps_sides_whatever_its_own_script(bundled_http: t.Any) -> None:
    def lines(title: str) -> dict[str, t.Any]:
        response = bundled_http.get("/article.json", query_string={"title": title, "author": "Jane Doe",
                                                          "date": "1 May 2026", "site": "blog.example"})
        return t.cast(dict[str, t.Any], response.get_json())
    ltr, rtl = lines("Plain title"), lines(ARABIC)
    for ident in ("author", "site"):  # Latin values on a right-to-left card: right-aligned
        before, after = text(ltr, ident)["lines"][0], text(rtl, ident)["lines"][0]
        assert after["x"] + after["width"] == pytest.approx(1200 - before["x"], abs=1), ident
    date_ltr, date_rtl = text(ltr, "date")["lines"][0], text(rtl, "date")["lines"][0]
    assert date_ltr["x"] + date_ltr["width"] == pytest.approx(1120, abs=1)
    assert date_rtl["x"] == pytest.approx(80, abs=1)  # the footer's date on the left, not mid-card
    title = text(rtl, "title")["lines"][0]
    assert title["x"] + title["width"] == pytest.approx(1120, abs=1)
    assert rtl["mirror"]["direction"] == "rtl" and rtl["mirror"]["main"] == "title"
    assert "layer-brand" in rtl["mirror"]["mirrored"] and ltr["mirror"]["mirrored"] == []


def test_flip_draws_the_quote_mark_and_edge_mirrored(bundled_http: t.Any) -> None:
    ltr = _rgb(bundled_http, "quote", quote="Simple words")
    rtl = _rgb(bundled_http, "quote", quote="كلمات بسيطة")
    edge = np.array([0xC2, 0x41, 0x0C])  # the accent's default, orange
    assert np.abs(ltr[300, 4] - edge).max() < 8 and np.abs(rtl[300, 1195] - edge).max() < 8
    assert np.abs(rtl[300, 4] - edge).max() > 40
    def mark(region: np.ndarray) -> np.ndarray:  # the mark's pixels: away from the paper's colour
        grey = region.mean(axis=2)
        return t.cast(np.ndarray, np.abs(grey - np.median(grey)) > 12)
    ltr_mark = mark(ltr[56:118, 64:350])  # the mark's top, above the quote's text
    rtl_mark = mark(rtl[56:118, 1200 - 350:1200 - 64])[:, ::-1]
    assert ltr_mark.sum() > 2000
    assert (ltr_mark & rtl_mark).sum() / (ltr_mark | rtl_mark).sum() > 0.95  # the mirror image


def test_the_avatar_moves_with_its_text_on_a_hebrew_profile(bundled_http: t.Any) -> None:
    ltr = _rgb(bundled_http, "profile", name="Liat Cohen", initials="LC")
    rtl = _rgb(bundled_http, "profile", name=HEBREW, initials="LC")
    # the monogram's letters are inside the moved group: upright, at the mirrored place
    assert np.abs(ltr[240:390, 255:405] - rtl[240:390, 795:945]).max() < 40


def test_left_to_right_cards_are_unchanged(bundled_http: t.Any, tmp_path: Path) -> None:
    """The same card with and without og:mirror marks: the same pixels."""
    source = (BUNDLED_TEMPLATES / "article.svg").read_text()
    plain = tmp_path / "article.svg"
    plain.write_text(source.replace('og:mirror="true" ', "").replace('og:mirror="move" ', ""))
    assert "og:mirror" not in plain.read_text()
    renderer = og.Renderer(settings_for(tmp_path))
    unmarked = np.asarray(Image.open(io.BytesIO(renderer.render("article", {"title": "Same"}))))
    marked = np.asarray(Image.open(io.BytesIO(bundled_http.get("/article.png?title=Same").data)))
    assert np.array_equal(unmarked, marked)


HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns" width="400" '
        'height="200" viewBox="0 0 400 200">')


def _load(tmp_path: Path, body: str) -> t.Any:
    path = tmp_path / "t.svg"
    path.write_text(HEAD + body + "</svg>")
    return load_template("t", path, create_jinja_environment(), 100)


def test_move_in_a_transformed_group_lands_in_the_mirrored_place(tmp_path: Path) -> None:
    template = _load(tmp_path, '<text og:required="true" x="10" y="20">{{ t }}</text>'
                               '<g transform="translate(30 10) scale(2)"><rect og:mirror="move" id="r" '
                               'x="5" y="5" width="20" height="10"/></g>')
    for value, box in (("abc", (40, 20, 80, 40)), ("אבג", (320, 20, 360, 40))):
        root = fill(template, checked_values("t", template.params, {"t": value})).root
        found = root_box(root.xpath("//*[@id='r']")[0])
        assert found == pytest.approx(box), value


@pytest.mark.parametrize(("body", "message"), [
    ('<rect og:mirror="sideways" width="9" height="9"/>', "use move or flip"),
    ('<text og:mirror="flip">{{ t }}</text>', "use true"),
    ('<g og:mirror="flip"><text>{{ t }}</text></g>', "would read backwards"),
])
def test_mirror_written_wrong_is_refused_at_load(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        _load(tmp_path, body)


def test_og_check_explains_mirroring(fonts: t.Any) -> None:
    findings = check_file(BUNDLED_TEMPLATES / "article.svg", fonts)
    said = [f for f in findings if "og:mirror" in f.message]
    assert {f.element_id for f in said} >= {"layer-brand", "site", "date"}
    assert all("{{ title }}" in f.message and "right-to-left" in f.message for f in said)
    assert not any("unknown og attribute" in f.message for f in findings)
