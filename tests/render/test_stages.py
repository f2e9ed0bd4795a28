"""og/stages.py: each stage is a function from one value to the next, callable alone; between
them only values pass (the dynamic elements, the glyph paths), never a mark in og's namespace."""

from __future__ import annotations

import io
import typing as t

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og import stages
from og.svg.names import OG_NAMESPACES
from og.svg.names import SVG_NS
from og.template.fill import Filled
from tests.conftest import BUNDLED_TEMPLATES

NAMES = sorted(path.stem for path in BUNDLED_TEMPLATES.glob("*.svg"))
TEXT = f"{{{SVG_NS}}}text"


def _og_attributes(root: etree._Element) -> set[tuple[str, str]]:
    """(element id or tag, attribute) of every attribute in og's namespace under ``root``."""
    return {(str(node.get("id") or node.tag), str(name)) for node in root.iter(etree.Element)
            for name in node.attrib if etree.QName(name).namespace in OG_NAMESPACES}


def _values(bundled: og.Renderer, name: str) -> dict[str, str]:
    template = bundled.templates.get(name)
    return bundled.plan(name, {p: "Stage by stage" for p in template.params if template.params[p].required},
                        "png").values


def test_each_stage_takes_and_returns_a_value(bundled: og.Renderer) -> None:
    tools, template = bundled.tools, bundled.templates.get("article")
    values = _values(bundled, "article")

    filled = stages.fill(tools, template, values)
    assert isinstance(filled, Filled)
    title = next(node for node in filled.root.iter(TEXT) if node.get("id") == "title")
    assert title in filled.dynamic and "Stage by stage" in "".join(title.itertext())

    laid_out = stages.lay_out(tools, template, values, filled)
    assert laid_out.glyphs is None and laid_out.root.find(f".//{TEXT}") is not None, "laid out, not drawn"
    assert {slot.id for slot, _ in laid_out.texts} >= {"title", "site"}

    drawn = stages.draw(tools, laid_out)
    assert drawn.glyphs is not None and drawn.glyphs.runs
    assert drawn.root.find(f".//{TEXT}") is None, "every text is drawn as paths"
    group = next(node for node in drawn.root.iter(etree.Element) if node.get("id") == "title")
    assert group.tag == f"{{{SVG_NS}}}g" and group in drawn.dynamic, "the drawn title is still a value"

    raster = stages.rasterize(tools, drawn)
    assert raster.background is not None, "article keeps its decoration before its first value"
    entry = stages.encode(tools, raster, "png", None)
    assert entry.content_type == "image/png"
    assert Image.open(io.BytesIO(entry.body)).size == (1200, 630)


@pytest.mark.parametrize("name", NAMES)
def test_no_stage_leaves_a_mark_for_the_raster_stage(bundled: og.Renderer, name: str) -> None:
    """What reaches the raster stage carries no attribute in og's namespace that the template's
    designer did not write: no stage speaks to a later one through the tree."""
    template = bundled.templates.get(name)
    drawn = bundled.lay_out(name, _values(bundled, name))
    written = _og_attributes(drawn.root)
    assert written <= _og_attributes(template.root), sorted(written - _og_attributes(template.root))
    assert not {name for _, name in written if etree.QName(name).localname in ("dynamic", "glyphs")}


@pytest.mark.parametrize("name", NAMES)
def test_the_stages_one_by_one_make_the_card(bundled: og.Renderer, name: str) -> None:
    values = _values(bundled, name)
    tools, template = bundled.tools, bundled.templates.get(name)
    drawn = stages.draw(tools, stages.lay_out(tools, template, values, stages.fill(tools, template, values)))
    by_hand = stages.encode(tools, stages.rasterize(tools, drawn), "png", None).body
    served = bundled.render(name, values)
    decoded = [np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")) for png in (by_hand, served)]
    assert np.array_equal(*decoded)


def test_the_raster_stage_draws_only_the_glyph_paths_it_is_given(bundled: og.Renderer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The backend knows og's glyph paths from the value the draw stage returned, not from the
    document: given none, it leaves every path to CairoSVG."""
    from og.raster import backend

    drawn = bundled.lay_out("article", _values(bundled, "article"))
    assert drawn.glyphs is not None
    runs: list[str] = []
    real = backend.draw_glyph_run
    monkeypatch.setattr(backend, "draw_glyph_run", lambda context, data, paths: runs.append(data) or real(
        context, data, paths))
    bundled.backend.rasterize(drawn.svg_bytes(), glyphs=drawn.glyphs)
    assert runs and set(runs) <= drawn.glyphs.runs
    runs.clear()
    bundled.backend.rasterize(drawn.svg_bytes())
    assert runs == []


def test_the_json_report_stops_before_drawing(bundled: og.Renderer, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: t.Any, **kwargs: t.Any) -> t.Any:
        raise AssertionError("the layout report draws nothing")

    monkeypatch.setattr(stages, "draw", refuse)
    plan = bundled.plan("article", {"title": "Only the report"}, "json")
    assert b"Only the report" in stages.run(bundled.tools, plan, None, {}).body
