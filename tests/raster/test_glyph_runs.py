"""Glyph runs drawn straight onto the background's rows: the same pixels as CairoSVG drawing the
foreground, and only when the foreground is nothing but plain glyph runs."""

from __future__ import annotations

import io
import typing as t
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og import stages
from og.config import Settings
from og.draw.elements import Glyphs
from og.raster import glyph_runs
from og.raster.workers import Workers
from og.text.fonts import FontSet

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import FONTS_DIR
from ..conftest import TEMPLATES

ROOT = Path(__file__).resolve().parent.parent.parent

#: Values in several scripts and lengths, for every template's main text parameters.
VALUES = [
    {},
    {"title": "Grüße aus Köln: ein Titel, der umbricht und weiter läuft als eine Zeile", "subtitle": "ß ü"},
    {"title": "مرحبا بالعالم — عنوان عربي طويل يلتف على سطرين", "name": "Ada", "quote": "שלום 123"},
    {"title": "日本語のタイトルは行を折り返す。絵文字も 🎉", "author": "Ελληνικά", "tag": "new"},
    {"title": "हिन्दी शीर्षक और ไทย ภาษา", "description": "x" * 3, "initials": "AB", "accent": "rose"},
]


def _pixels(png: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


@pytest.fixture(scope="module")
def renderers(fonts: FontSet) -> dict[str, og.Renderer]:
    made = {folder.name: og.Renderer(Settings(templates_dir=folder, fonts_dir=FONTS_DIR), fonts=fonts)
            for folder in (BUNDLED_TEMPLATES, TEMPLATES, ROOT / "bench")}
    for renderer in made.values():  # rows drawn in two halves side by side, whatever the machine's cores
        renderer.tools.workers = Workers(2)
    return made


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stages, "_plain_runs", lambda *args: None)


class _Spy:
    """Counts the cards drawn as glyph runs."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = stages._plain_runs

        def counted(*args: t.Any) -> list[glyph_runs.Run] | None:
            runs = original(*args)
            self.calls += runs is not None
            return runs

        monkeypatch.setattr(stages, "_plain_runs", counted)


def _cases(renderers: dict[str, og.Renderer]) -> t.Iterator[tuple[og.Renderer, str, dict[str, str]]]:
    for renderer in renderers.values():
        for name in renderer.templates.names():
            params = renderer.templates.get(name).params
            for values in VALUES:
                given = {key: value for key, value in values.items() if key in params}
                if given:  # a real card: what it cannot do without, from the template's examples
                    given |= {key: param.example or "Example" for key, param in params.items()
                              if param.required and key not in given}
                yield renderer, name, given


def _render(renderer: og.Renderer, name: str, values: dict[str, str], fmt: str, dpr: str) -> bytes:
    """The card drawn now (not from the renderer's storage)."""
    return stages.run(renderer.tools, renderer.plan(name, values, fmt, dpr), None, {}).body


@pytest.mark.parametrize(("fmt", "dpr"), [("png", "1"), ("png", "2"), ("png", "1.5"), ("webp", "1")])
def test_glyph_runs_draw_the_pixels_cairosvg_draws(renderers: dict[str, og.Renderer], dpr: str, fmt: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fast: list[tuple[str, bytes]] = []
    spy = _Spy(monkeypatch)
    for renderer, name, values in _cases(renderers):
        fast.append((name, _render(renderer, name, values, fmt, dpr)))
    assert spy.calls >= 10, "most cards here change only text: they take the glyph-run path"
    monkeypatch.undo()
    _slow(monkeypatch)
    for (name, png), (renderer, slow_name, values) in zip(fast, _cases(renderers), strict=True):
        slow = _render(renderer, slow_name, values, fmt, dpr)
        fast_pixels, slow_pixels = _pixels(png), _pixels(slow)
        assert fast_pixels.shape == slow_pixels.shape
        differ = int((fast_pixels != slow_pixels).any(axis=2).sum())
        assert differ == 0, f"{name} {values}: {differ} pixels differ from CairoSVG's"


def test_the_peer_card_is_drawn_as_runs_over_the_rows_its_text_covers(
        renderers: dict[str, og.Renderer]) -> None:
    renderer = renderers["bench"]
    laid_out = renderer.lay_out("peer_card", {"title": "A title over two lines, long enough to wrap",
                                              "subtitle": "A subtitle"})
    raster = stages.rasterize(renderer.tools, laid_out)
    assert raster.rows is not None, "the peer card's foreground is its text alone"
    first, end = raster.rows
    assert 0 < first < 90 and 380 < end < 420, raster.rows  # the title's and subtitle's rows, in whole bands
    background = np.frombuffer(raster.base.get_data(), np.uint8).reshape(raster.base.get_height(), -1)
    drawn = np.frombuffer(raster.surface.get_data(), np.uint8).reshape(raster.surface.get_height(), -1)
    assert np.array_equal(drawn[first:first + 2], background[first:first + 2]), "the rows start as the background's"
    assert not np.array_equal(drawn[first:end], background[first:end]), "and hold the text"
    whole = raster.whole()
    assert raster.rows is None and whole is raster.surface
    assert np.array_equal(np.frombuffer(whole.get_data(), np.uint8).reshape(whole.get_height(), -1)[:first],
                          background[:first]), "whole(): rows the text does not reach are the background's"


#: A card's foreground: what it paints from its first value on.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50" {root}>
  <g id="layer" {group}><path id="glyphs" d="{run}" {path}/></g>{extra}</svg>"""
RUN = "M 10 30 l 10 0 l 0 -10 z"


def _runs(root: str = "", group: str = "", path: str = "", extra: str = "",
          run: str = RUN) -> list[glyph_runs.Run] | None:
    document = etree.fromstring(SVG.format(root=root, group=group, path=path, extra=extra, run=run))
    return glyph_runs.plain_runs(document, Glyphs(runs={RUN}), 100, 50)


def test_plain_glyph_runs_are_read_with_their_paint() -> None:
    assert _runs() == [glyph_runs.Run(RUN, "black", 1.0, False)]
    painted = _runs(group='style="fill:#fff;fill-opacity:.5" fill="red"', path='opacity="0.5" fill-rule="evenodd"')
    assert painted == [glyph_runs.Run(RUN, "#fff", 0.25, True)]
    assert _runs(root='color="blue"', group='fill="currentColor"', path='style="fill:inherit"') == [
        glyph_runs.Run(RUN, "blue", 1.0, False)]
    assert _runs(extra="<defs><rect id='r' width='1' height='1'/></defs><title>t</title>") is not None
    hidden_page = '<g style="display:none" transform="translate(9,0)"><rect width="5" height="5"/></g>'
    assert _runs(extra=hidden_page) is not None, "what is not displayed at all paints nothing"
    assert _runs(extra=hidden_page.replace('style="', 'filter="url(#f)" style="')) is None


@pytest.mark.parametrize(("case", "arguments"), [
    ("a stroke", {"group": 'style="stroke:#000"'}),
    ("a transform", {"group": 'transform="translate(1,0)"'}),
    ("a translucent group", {"group": 'opacity="0.5"'}),
    ("a filter", {"group": 'filter="url(#f)"'}),
    ("a clip", {"path": 'clip-path="url(#c)"'}),
    ("a mask", {"group": 'style="mask:url(#m)"'}),
    ("invisible", {"path": 'visibility="hidden"'}),
    ("a gradient fill", {"path": 'fill="url(#g)"'}),
    ("!important", {"path": 'style="fill:red !important"'}),
    ("crisp edges", {"group": 'shape-rendering="crispEdges"'}),
    ("a feature test", {"group": 'systemLanguage="de"'}),
    ("a style sheet", {"extra": "<style>path { fill: red }</style>"}),
    ("another shape", {"extra": '<rect width="5" height="5"/>'}),
    ("a path og did not draw", {"run": "M 0 0 L 5 5 Z"}),
    ("SVG inside a foreign element", {"extra": '<x:y xmlns:x="urn:x"><rect width="5" height="5"/></x:y>'}),
    ("SVG inside metadata", {"extra": '<metadata><rect width="5" height="5"/></metadata>'}),
    ("a viewBox that scales", {"root": 'preserveAspectRatio="none"'}),
])
def test_anything_but_plain_glyph_runs_is_left_to_cairosvg(case: str, arguments: dict[str, str]) -> None:
    assert _runs(**arguments) is None, case


def test_a_root_whose_view_box_is_not_its_size_is_left_to_cairosvg() -> None:
    document = etree.fromstring(SVG.format(root="", group="", path="", extra="", run=RUN).replace(
        'viewBox="0 0 100 50"', 'viewBox="0 0 50 25"'))
    assert glyph_runs.plain_runs(document, Glyphs(runs={RUN}), 100, 50) is None
