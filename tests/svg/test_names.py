"""og/svg/names.py: og's namespace is ``urn:og-cards:template:1``; templates in the old placeholder
``https://og.example.com/ns`` keep working (read the same, drawn the same) and ``og check`` says how
to update; the bundled templates use the new one and still open and export in Inkscape."""

from __future__ import annotations

import io
import os
import subprocess
import typing as t
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og.check import check_file
from og.svg.names import OG_LEGACY_NS
from og.svg.names import OG_NS
from og.svg.names import adopt_namespace
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for
from tests.helpers import require_debian_tool

BUNDLED = sorted(BUNDLED_TEMPLATES.glob("*.svg"))
CARD = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="{ns}" width="600" height="300" og:quality="40">
  <rect width="600" height="300" fill="#234"/>
  <text x="30" y="80" font-family="Inter" font-size="40" fill="#fff" og:max-width="300"
        og:max-length="80">{{{{ title }}}}</text>
</svg>
"""


def _card(folder: Path, ns: str, fonts: t.Any) -> og.Renderer:
    folder.mkdir()
    (folder / "card.svg").write_text(CARD.format(ns=ns))
    return og.Renderer(settings_for(folder), fonts=fonts)


def test_the_namespace_is_a_urn() -> None:
    assert OG_NS == "urn:og-cards:template:1" and OG_LEGACY_NS == "https://og.example.com/ns"


def test_a_template_in_the_old_namespace_reads_and_draws_the_same(tmp_path: Path, fonts: t.Any) -> None:
    old, new = _card(tmp_path / "old", OG_LEGACY_NS, fonts), _card(tmp_path / "new", OG_NS, fonts)
    title = {"title": "A title much longer than three hundred pixels of width"}
    assert old.templates.get("card").options == new.templates.get("card").options
    assert old.templates.get("card").params["title"].max_length == 80
    reports = [r.report(r.plan("card", title, "json")) for r in (old, new)]
    assert reports[0]["texts"] == reports[1]["texts"] and reports[0]["texts"][0]["truncated"]
    pixels = [np.asarray(Image.open(io.BytesIO(r.render("card", title, "png"))).convert("RGB"))
              for r in (old, new)]
    assert np.array_equal(*pixels)


def test_og_check_says_how_to_update(tmp_path: Path, fonts: t.Any) -> None:
    for ns in (OG_LEGACY_NS, OG_NS):
        (tmp_path / "card.svg").write_text(CARD.format(ns=ns))
        notes = [str(f) for f in check_file(tmp_path / "card.svg", fonts) if OG_LEGACY_NS in f.message]
        if ns == OG_LEGACY_NS:
            assert len(notes) == 1 and notes[0].startswith("warning:") and f'xmlns:og="{OG_NS}"' in notes[0]
        else:
            assert notes == []


def test_adopt_namespace_keeps_an_attribute_written_in_both() -> None:
    root = etree.fromstring(f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:a="{OG_LEGACY_NS}" '
                            f'xmlns:b="{OG_NS}" a:max-lines="9" b:max-lines="2" a:valign="middle"/>')
    assert adopt_namespace(root) == 2
    assert dict(root.attrib) == {f"{{{OG_NS}}}max-lines": "2", f"{{{OG_NS}}}valign": "middle"}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_bundled_templates_use_the_new_namespace(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    assert root.nsmap.get("og") == OG_NS
    used = {etree.QName(name).namespace for node in root.iter(etree.Element) for name in node.attrib}
    assert OG_NS in used and OG_LEGACY_NS not in used


@pytest.mark.parametrize("path", BUNDLED[:1], ids=lambda p: p.stem)
def test_inkscape_opens_and_exports_a_bundled_template(path: Path, tmp_path: Path) -> None:
    inkscape = require_debian_tool("inkscape", "inkscape")
    out = tmp_path / "out.png"
    subprocess.run([inkscape, "--export-type=png", str(path), "-o", str(out)], check=True,
                   capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    image = Image.open(out)
    assert image.size == (1200, 630)
    assert len(image.convert("RGB").getcolors(1 << 20) or ()) > 100  # drawn, not blank
