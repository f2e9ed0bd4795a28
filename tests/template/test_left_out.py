"""A card with a value left out (issue 15): the template's example text never reaches a real card or
its alt; an optional value left out hides its element and the decoration that goes with it; a
required value left out or blank is a 400 that names it. Served over HTTP from the bundled
templates, checked in decoded pixels and the layout report."""

from __future__ import annotations

import io
import json
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
import og.web
from og.check import check_file
from og.errors import BadParameter
from og.http.meta import card_tags
from tests.conftest import BUNDLED_TEMPLATES
from tests.helpers import text

REQUIRED = {"article": "title", "announcement": "title", "profile": "name", "quote": "quote"}


def _png(bundled_http: t.Any, name: str, /, **params: str) -> np.ndarray:
    response = bundled_http.get(f"/{name}.png", query_string=params)
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.data)).convert("L")).astype(float)


def _report(bundled_http: t.Any, name: str, /, **params: str) -> dict[str, t.Any]:
    response = bundled_http.get(f"/{name}.json", query_string=params)
    assert response.status_code == 200, response.data[:300]
    return t.cast(dict[str, t.Any], json.loads(response.data))


def _ink(pixels: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """How much is drawn in a box (x, y, w, h): the spread of its grey levels. The bundled
    backgrounds are smooth gradients, so an empty box spreads by a few levels, text by tens."""
    x, y, w, h = (round(v) for v in box)
    return float(pixels[y:y + h, x:x + w].std())


def _line_box(report: dict[str, t.Any], ident: str) -> tuple[float, float, float, float]:
    line = text(report, ident)["lines"][0]
    return line["x"], line["top"], line["width"], line["bottom"] - line["top"]


def _examples(renderer: og.Renderer, name: str) -> list[str]:
    return [p.example for p in renderer.templates.get(name).params.values() if p.example]


def test_examples_are_the_specimen_only(bundled_http: t.Any) -> None:
    """No values: the template's specimen, every example drawn. One value: a real card."""
    specimen = _report(bundled_http, "article")
    assert text(specimen, "site")["lines"][0]["text"] == "og.example.com"
    real = _report(bundled_http, "article", title="Real title")
    assert [line["text"] for item in real["texts"] for line in item["lines"] if line["text"].strip()] \
        == ["Real title"]


@pytest.mark.parametrize("ident", ["site", "tag", "author", "date"])
def test_a_left_out_text_leaves_its_region_empty(bundled_http: t.Any, ident: str) -> None:
    full = {"title": "Real title", "site": "blog.example", "tag": "Design", "author": "Ann Lee",
            "date": "1 May 2026", "reading_time": "3 min read"}
    box = _line_box(_report(bundled_http, "article", **full), ident)
    drawn = _ink(_png(bundled_http, "article", **full), box)
    gone = {ident, "reading_time"} if ident == "date" else {ident}  # the date line holds both
    left_out = _ink(_png(bundled_http, "article", **{k: v for k, v in full.items() if k not in gone}), box)
    assert drawn > 25, f"{ident} is not drawn when given ({drawn:.1f})"
    assert left_out < 4, f"{ident} left out still draws something ({left_out:.1f})"


def test_the_tag_pill_goes_with_its_tag(bundled_http: t.Any) -> None:
    pill = (444, 84, 312, 62)  # the pill in announcement.svg, with its stroke
    with_tag = _ink(_png(bundled_http, "announcement", title="Launch", tag="New"), pill)
    without = _ink(_png(bundled_http, "announcement", title="Launch"), pill)
    assert with_tag > 10 and without < 4, (with_tag, without)


@pytest.mark.parametrize(("name", "divider", "footer"), [
    ("article", (80, 486, 1040, 2), {"author": "Ann"}),
    ("profile", (560, 474, 530, 2), {"website": "ann.dev"}),
    ("quote", (120, 500, 48, 4), {"source": "A book"}),
])
def test_a_divider_goes_with_the_values_it_divides(bundled_http: t.Any, name: str,
                                                   divider: tuple[int, int, int, int],
                                                   footer: dict[str, str]) -> None:
    """The divider's rows against the rows just above it: a line where it is drawn, none left."""
    def contrast(pixels: np.ndarray) -> float:
        x, y, w, h = divider
        return abs(float(pixels[y:y + h, x:x + w].mean() - pixels[y - 6:y - 6 + h, x:x + w].mean()))
    main = {REQUIRED[name]: "Real text"}
    shown = contrast(_png(bundled_http, name, **main, **footer))
    hidden = contrast(_png(bundled_http, name, **main))
    assert shown > 5 and hidden < 1, (shown, hidden)


def test_the_separator_dot_needs_both_sides(bundled_http: t.Any) -> None:
    def date(**params: str) -> str:
        line = text(_report(bundled_http, "article", title="T", **params), "date")["lines"][0]["text"]
        return " ".join(line.split())
    assert date(reading_time="3 min read") == "3 min read"
    assert date(date="1 May 2026") == "1 May 2026"
    assert date(date="1 May 2026", reading_time="3 min read") == "1 May 2026 · 3 min read"


@pytest.mark.parametrize("name", sorted(REQUIRED))
@pytest.mark.parametrize("value", ["", "   "])
def test_a_blank_required_value_is_a_400_naming_it(bundled_http: t.Any, name: str, value: str) -> None:
    response = bundled_http.get(f"/{name}.png", query_string={REQUIRED[name]: value},
                        headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["parameter"] == REQUIRED[name] and repr(REQUIRED[name]) in body["message"]
    assert "empty" in body["message"]


def test_a_missing_required_value_on_a_real_card_is_a_400(bundled_http: t.Any) -> None:
    response = bundled_http.get("/article.png?author=Ann", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "title" and "missing" in response.get_json()["message"]


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_alt_is_made_of_real_values_only(bundled: og.Renderer, name: str) -> None:
    def tags(params: dict[str, str]) -> dict[str, str]:
        return dict(card_tags(bundled, name, "png", params, keys=(),
                              absolute=lambda url: "https://cards.example" + url))
    alt = tags({REQUIRED[name]: "Real words"})["og:image:alt"]
    assert alt == "Real words"
    for example in _examples(bundled, name):
        assert example not in alt
    with pytest.raises(BadParameter, match=REQUIRED[name]):  # tags are never the specimen's
        tags({})


def test_templates_lists_examples_and_required(bundled_http: t.Any) -> None:
    listed = {item["name"]: item for item in bundled_http.get("/templates").get_json()["templates"]}
    params = {p["name"]: p for p in listed["article"]["params"]}
    assert params["title"]["required"] is True and params["title"]["default"] == ""
    assert params["site"]["example"] == "og.example.com" and "required" not in params["site"]


def test_og_check_explains_required_and_examples(fonts: t.Any) -> None:
    messages = [f.message for f in check_file(BUNDLED_TEMPLATES / "article.svg", fonts)]
    assert any("{{ title }}: required" in m for m in messages), messages
    assert any("{{ site }}: empty when left out, example 'og.example.com'" in m for m in messages), messages
    assert not any("unknown og attribute" in m for m in messages)


def test_show_if_with_several_names_and_text_values(tmp_path: Path) -> None:
    from og.template.fill import fill
    from og.template.load import create_jinja_environment
    from og.template.load import load_template
    from og.template.params import checked_values

    path = tmp_path / "t.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns" '
                    'width="60" height="30"><text id="a">{{ a }}</text><text id="b">{{ b }}</text>'
                    '<rect id="r" og:show-if="a b" width="9" height="9"/></svg>')
    template = load_template("t", path, create_jinja_environment(), 100)
    assert set(template.params) == {"a", "b"}  # text placeholders, not flags

    def kept(**given: str) -> bool:
        root = fill(template, checked_values("t", template.params, given)).root
        return bool(root.xpath("//*[@id='r']"))
    assert kept(a="0") and kept(b="x") and not kept(a=" ") and not kept(a="", b="")


def test_a_crawler_gets_an_error_card_for_a_blank_required_value(bundled_http: t.Any) -> None:
    response = bundled_http.get("/article.png?title=", headers={"Accept": "image/png,image/*"})
    assert response.status_code == 400 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)
