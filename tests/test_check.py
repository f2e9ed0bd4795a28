"""``og check``: what it reports for a flawed template, and that the bundled ones are clean.

``tests/data/check/flawed.svg`` has one of each problem: an external image (error), a
filter og cannot render (feDropShadow, warning), one it can (blur, info), an unknown og
attribute, a font family nobody has and point text with a placeholder but no og:max-width
(warnings). ``broken.svg`` puts a placeholder in
an attribute, which og refuses to load.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import og
import og.config
from og.check import check_file
from og.check import has_errors
from og.text.fonts import FontSet

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "check"


@pytest.fixture(scope="module")
def findings(fonts: FontSet) -> list[str]:
    return [str(f) for f in check_file(DATA / "flawed.svg", fonts)]


@pytest.mark.parametrize(("level", "words", "element"), [
    ("error", "external reference 'https://example.com/logo.png'", "#logo"),
    ("warning", "feDropShadow, which og cannot render", "#noise"),
    ("info", "feGaussianBlur) is pre-rendered by og", "#soft"),
    ("warning", "unknown og attribute og:colour", "#title"),
    ("warning", "'No Such Family Anywhere': none is available, og falls back to Inter", "#title"),
    ("info", "placeholder {{ title }}: default 'Hi'", ""),
    ("info", "text box (point) at 20,100", "#title"),
    ("warning", "placeholder and no og:max-width: long values run to the card's edge", "#title"),
])
def test_flawed_template_findings(findings: list[str], level: str, words: str, element: str) -> None:
    matching = [f for f in findings if f.startswith(f"{level}:") and words in f and element in f]
    assert matching, f"no {level} with {words!r} at {element!r} in:\n" + "\n".join(findings)


def test_placeholder_in_attribute_is_an_error(fonts: FontSet) -> None:
    findings = check_file(DATA / "broken.svg", fonts)
    assert has_errors(findings)
    assert "placeholder in attribute 'fill'" in findings[0].message


@pytest.mark.parametrize("path", sorted((ROOT / "svg_templates").glob("*.svg")), ids=lambda p: p.stem)
def test_bundled_templates_are_clean(fonts: FontSet, path: Path) -> None:
    problems = [str(f) for f in check_file(path, fonts) if f.level != "info"]
    assert problems == []


def test_cli_exit_status() -> None:
    def run(*files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "og", "check", *map(str, files)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)

    bad = run(DATA / "flawed.svg")
    assert bad.returncode == 1
    assert "error: external reference" in bad.stdout
    assert "Traceback" not in bad.stderr
    good = run(*sorted((ROOT / "svg_templates").glob("*.svg")))
    assert good.returncode == 0, good.stdout


INKSCAPE = ROOT / "tests" / "data" / "inkscape"


@pytest.mark.parametrize(("name", "level", "words", "element"), [
    ("mesh", "info", "Inkscape's mesh gradient polyfill <script>: dropped", "#mesh_polyfill"),
    ("mesh", "info", "mesh gradient (6 patches): drawn by og (Coons patches)", "#mesh-card"),
    ("mesh_bicubic", "info", "mesh gradient (6 patches): drawn by og (bicubic", "#mesh-card"),
    ("markers", "info", "markers (marker-start url(#Dot), marker-end url(#ArrowWide)): drawn by og",
     "#arrow-path"),
    ("clone_opacity", "info", "a clone with opacity: drawn by og as a group", "#clone-half"),
    ("blend_modes", "info", "mix-blend-mode luminosity: drawn by og", "#c-luminosity"),
    ("noise", "info", "feTurbulence) is pre-rendered by og", "#filter-clouds"),
])
def test_drawing_features_are_named(fonts: FontSet, name: str, level: str, words: str, element: str) -> None:
    """``og check`` names what og draws itself (issue 20), and Inkscape's own mesh polyfill is no
    error: check and the server agree (the server drops it and draws the mesh)."""
    findings = [str(f) for f in check_file(INKSCAPE / f"{name}.svg", fonts)]
    matching = [f for f in findings if f.startswith(f"{level}:") and words in f and element in f]
    assert matching, "\n".join(findings)
    assert not has_errors(check_file(INKSCAPE / f"{name}.svg", fonts))


def test_any_other_script_is_dropped_by_check_and_server_alike(fonts: FontSet, tmp_path: Path) -> None:
    """A script that is not Inkscape's polyfill: og check warns that it is dropped, and the server
    serves the template without it (neither calls it an error the other would not)."""
    source = (INKSCAPE / "mesh.svg").read_text(encoding="utf-8").replace('id="mesh_polyfill"', 'id="tracker"')
    (tmp_path / "mesh.svg").write_text(source, encoding="utf-8")
    findings = check_file(tmp_path / "mesh.svg", fonts)
    assert not has_errors(findings)
    assert any(f.level == "warning" and "<script> is dropped" in str(f) and "#tracker" in str(f) for f in findings)
    renderer = og.Renderer(og.config.Settings(templates_dir=tmp_path), fonts=fonts)
    assert renderer.render("mesh", {}, "png").startswith(b"\x89PNG")
    assert b"<script" not in renderer.render("mesh", {}, "svg")


def test_foreign_content_is_neither_drawn_nor_served(fonts: FontSet, tmp_path: Path) -> None:
    """What og check says is dropped is dropped from the PNG as from the served SVG: CairoSVG
    alone would draw the SVG inside a foreignObject."""
    (tmp_path / "foreign.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100" '
        'fill="#ffffff"/><foreignObject width="100" height="100"><svg xmlns="http://www.w3.org/2000/svg">'
        '<rect width="100" height="100" fill="#ff0000"/></svg></foreignObject></svg>', encoding="utf-8")
    assert any(f.level == "warning" and "<foreignObject> is dropped" in str(f)
               for f in check_file(tmp_path / "foreign.svg", fonts))
    renderer = og.Renderer(og.config.Settings(templates_dir=tmp_path), fonts=fonts)
    from PIL import Image
    import io

    with Image.open(io.BytesIO(renderer.render("foreign", {}, "png"))) as card:
        assert card.convert("RGB").getpixel((50, 50)) == (255, 255, 255)
    assert b"foreignObject" not in renderer.render("foreign", {}, "svg")
