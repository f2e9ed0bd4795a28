"""Round trip: each bundled template, opened and re-saved by Inkscape's CLI, must keep og's
namespace attributes and placeholders and render the same pixels.

Inkscape re-wraps flowed text when it saves (one fallback <tspan> per line, splitting long
placeholders) and writes quotes as entities: this is what broke naive templating before.
The test installs Debian's inkscape itself under CI (as root) and is skipped, with the
reason, where it cannot.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og.config import Settings
from og.svg.names import OG_NS
from tests.helpers import debian_tool

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = sorted((ROOT / "svg_templates").glob("*.svg"))


@pytest.fixture(scope="module")
def resaved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    inkscape = debian_tool("inkscape", "inkscape")
    if not inkscape:
        pytest.skip("inkscape is not installed (CI installs Debian's inkscape as root)")
    out = tmp_path_factory.mktemp("resaved")
    for path in TEMPLATES:
        subprocess.run([inkscape, "--export-type=svg", f"--export-filename={out / path.name}", str(path)],
                       check=True, capture_output=True, timeout=180,
                       env={**os.environ, "HOME": str(out)})
    return out


def _og_attributes(path: Path) -> set[tuple[str | None, str, str]]:
    root = etree.parse(str(path)).getroot()
    return {(node.get("id"), name, value) for node in root.iter()
            for name, value in node.attrib.items() if name.startswith(f"{{{OG_NS}}}")}


def _pixels(renderer: og.Renderer, name: str, params: dict[str, str]) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(renderer.render(name, params))).convert("RGB")).astype(int)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_resave_keeps_og_attributes(resaved: Path, path: Path) -> None:
    before = _og_attributes(path)
    assert before, "a bundled template should use og attributes"
    assert _og_attributes(resaved / path.name) == before


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_resave_renders_the_same(resaved: Path, path: Path) -> None:
    original = og.Renderer(Settings(templates_dir=ROOT / "svg_templates", fonts_dir=ROOT / "fonts"))
    again = og.Renderer(Settings(templates_dir=resaved, fonts_dir=ROOT / "fonts"))
    name = path.stem
    assert again.templates.get(name).params == original.templates.get(name).params
    params_of = original.templates.get(name).params
    first = next((n for n, p in params_of.items() if p.required), next(iter(params_of)))
    long_value = "A long value that wraps over several lines of its box, " * 2
    for params in ({}, {first: long_value[: original.templates.get(name).params[first].max_length]}):
        a, b = _pixels(original, name, params), _pixels(again, name, params)
        differing = (np.abs(a - b).max(axis=2) > 32).mean()
        assert differing <= 0.02, f"{name} {params}: {differing:.2%} of pixels differ after re-save"
