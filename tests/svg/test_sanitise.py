"""og/svg/sanitise.py ``without_marks``: the ``.svg`` og serves and ``og build --format svg`` writes
carry none of og's attributes (the template's options: ``og:max-lines``, ``og:follow``…) nor its namespace."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from lxml import etree

import og
import og.web
from og.cli import main
from og.svg.names import OG_NAMESPACES
from og.svg.names import OG_NS
from og.svg.names import SVG_NS
from og.svg.sanitise import without_marks
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for

NAMES = sorted(path.stem for path in BUNDLED_TEMPLATES.glob("*.svg"))


def og_marks(root: etree._Element) -> list[str]:
    """Every attribute, element or namespace declaration of og's in ``root``."""
    found = [f"{node.get('id')}: {name}" for node in root.iter(etree.Element)
             for name in node.attrib if etree.QName(name).namespace in OG_NAMESPACES]
    found += [f"element {node.tag}" for node in root.iter(etree.Element)
              if etree.QName(node).namespace in OG_NAMESPACES]
    found += [f"xmlns:{prefix}" for node in root.iter(etree.Element) for prefix, uri in node.nsmap.items()
              if uri in OG_NAMESPACES]
    return found


@pytest.fixture(scope="module")
def renderer(fonts: t.Any) -> og.Renderer:
    return og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)


@pytest.mark.parametrize("name", NAMES)
def test_the_served_svg_has_no_og_marks(renderer: og.Renderer, name: str) -> None:
    laid_out = renderer.lay_out(name, {}).root
    assert og_marks(laid_out), "the template's options should be there to remove"
    client = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()
    response = client.get(f"/{name}.svg")
    assert response.status_code == 200 and response.content_type.startswith("image/svg+xml")
    root = etree.fromstring(response.data)
    assert og_marks(root) == []
    paths = f".//{{{SVG_NS}}}path"
    assert len(root.findall(paths)) == len(laid_out.findall(paths)) > 0  # still the drawn card


def test_og_build_svg_writes_no_og_marks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OG_TEMPLATES_DIR", str(BUNDLED_TEMPLATES))
    data = tmp_path / "posts.csv"
    data.write_text("slug,title\nhello,Hello world\n", encoding="utf-8")
    assert main(["build", "article", str(data), "--out", str(tmp_path / "out"), "--name-column", "slug",
                 "--format", "svg"]) == 0
    root = etree.parse(str(tmp_path / "out" / "hello.svg")).getroot()
    assert og_marks(root) == [] and etree.QName(root).localname == "svg"


def test_without_marks_keeps_everything_else() -> None:
    namespaces = " ".join(f'xmlns:og{number}="{uri}"' for number, uri in enumerate(sorted(OG_NAMESPACES)))
    marks = " ".join(f'og{number}:dynamic="1"' for number in range(len(OG_NAMESPACES)))
    root = etree.fromstring(f'<svg xmlns="{SVG_NS}" xmlns:i="urn:i" {namespaces}>'
                            f'<path d="M0 0" i:label="kept" {marks}/></svg>')
    root[0].set(f"{{{OG_NS}}}max-lines", "2")
    assert without_marks(root) == len(OG_NAMESPACES) + 1
    assert og_marks(root) == [] and dict(root[0].attrib) == {"d": "M0 0", "{urn:i}label": "kept"}
