"""WOFF and WOFF2 fonts in ``OG_FONTS_DIR`` (what Google Fonts downloads and ``@fontsource``
packages hold) work like the TrueType/OpenType files they were made from: the same faces,
weights, variable axes and fallback, and the same pixels.

The web fonts are made at test time from bundled OFL fonts with fontTools (WOFF2 needs brotli).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

import og
from og.config import Settings
from og.text.fonts import FontSet
from tests.conftest import FONTS_DIR
from tests.helpers import report
from tests.helpers import text

TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg" width="900" height="330" viewBox="0 0 900 330">
  <rect width="900" height="330" fill="#ffffff"/>
  <text id="light" x="30" y="70" style="font-size:48px;font-family:Inter;font-weight:300;fill:#000">
    {{ title }}</text>
  <text id="bold" x="30" y="150" style="font-size:48px;font-family:Inter;font-weight:700;fill:#000">
    {{ title }}</text>
  <text id="black" x="30" y="230" style="font-size:48px;font-family:Inter;font-weight:900;fill:#000;
    font-variation-settings:'opsz' 14">{{ title }}</text>
  <text id="hebrew" x="30" y="310"
    style="font-size:48px;font-family:'Noto Sans Hebrew';font-weight:700;fill:#000">{{ hebrew }}</text>
</svg>
"""
VALUES = {"title": "Web fonts: ship it שלום", "hebrew": "גופנים מהרשת"}


def _web_font(source: Path, target: Path, flavor: str) -> None:
    font = TTFont(source)
    font.flavor = flavor
    font.save(target)


@pytest.fixture(scope="module")
def web_fonts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Inter (variable: ``wght`` and ``opsz``) as WOFF2, Noto Sans Hebrew Regular and Bold as WOFF."""
    folder: Path = tmp_path_factory.mktemp("web-fonts")
    _web_font(FONTS_DIR / "inter" / "InterVariable.ttf", folder / "InterVariable.woff2", "woff2")
    for name in ("NotoSansHebrew-Regular", "NotoSansHebrew-Bold"):
        _web_font(FONTS_DIR / "noto-sans-hebrew" / f"{name}.ttf", folder / f"{name}.woff", "woff")
    shutil.copy(FONTS_DIR / "inter" / "OFL.txt", folder / "OFL.txt")
    return folder


def test_web_fonts_are_faces_like_their_ttfs(web_fonts, fonts):
    web = FontSet.from_folders(web_fonts, FONTS_DIR, allow_system=False)
    assert web.unreadable == ()
    for family, weight, italic in [("Inter", 300, False), ("Inter", 900, False),
                                   ("Noto Sans Hebrew", 700, False)]:
        mine, bundled = web.match(family, weight, italic), fonts.match(family, weight, italic)
        assert mine is not None and bundled is not None
        assert Path(mine.face.path).suffix in (".woff", ".woff2")
        assert (mine.weight, mine.synthetic_bold, mine.face.axes, mine.face.weight_min) == \
               (bundled.weight, bundled.synthetic_bold, bundled.face.axes, bundled.face.weight_min)
        assert mine.face.unicodes == bundled.face.unicodes
    inter = web.match("Inter", 400, False)
    assert inter is not None and ("wght", 100.0, 400.0, 900.0) in inter.face.axes


def _render(fonts_dir: Path, templates: Path) -> tuple[np.ndarray, dict]:
    renderer = og.Renderer(Settings(templates_dir=templates, fonts_dir=fonts_dir, allow_system_fonts=False))
    png = renderer.render("web", VALUES, "png")
    return np.asarray(Image.open(io.BytesIO(png)).convert("L")), report(renderer, "web", **VALUES)


def test_a_card_with_web_fonts_has_the_pixels_of_the_ttfs(web_fonts, tmp_path):
    (tmp_path / "web.svg").write_text(TEMPLATE, "utf-8")
    web_pixels, web_report = _render(web_fonts, tmp_path)
    ttf_pixels, ttf_report = _render(FONTS_DIR, tmp_path)
    assert (web_pixels < 128).sum() > 10_000  # text was drawn
    assert np.array_equal(web_pixels, ttf_pixels)
    files = {run["font"]: run["file"] for item in web_report["texts"]
             for line in item["lines"] for run in line["runs"]}
    # Inter from the WOFF2, and Hebrew in an Inter text falls back to the WOFF of Noto Sans Hebrew.
    assert files == {"Inter": "InterVariable.woff2", "Noto Sans Hebrew": "NotoSansHebrew-Bold.woff"}
    weights = {item["id"]: item["lines"][0]["runs"][0]["weight"] for item in web_report["texts"]}
    assert weights == {"light": 300, "bold": 700, "black": 900, "hebrew": 700}
    assert [text(web_report, i)["lines"][0]["width"] for i in ("light", "bold", "black")] == \
           [text(ttf_report, i)["lines"][0]["width"] for i in ("light", "bold", "black")]


def test_a_broken_woff2_is_reported_not_fatal(tmp_path):
    (tmp_path / "Broken.woff2").write_bytes(b"wOF2" + bytes(200))
    (tmp_path / "NotAFont.woff").write_bytes(b"<html>404</html>")
    found = FontSet.from_folders(tmp_path, allow_system=False)
    assert sorted(Path(path).name for path in found.unreadable) == ["Broken.woff2", "NotAFont.woff"]
    assert found.families == []
