"""Make the pictures of ``designers.md``'s section on drawing features (markers, clone opacity,
blend modes, noise and lighting filters, mesh gradients): each Inkscape test template of
``tests/data/inkscape`` drawn by plain CairoSVG, by og, and by Inkscape itself (the reference
PNG ``tools/export_inkscape_refs.py`` made), side by side.

Run from anywhere: ``python3 docs/make_feature_pictures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cairosvg
from lxml import etree
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from make_pictures import png_image  # noqa: E402
from make_pictures import save  # noqa: E402
from make_pictures import side_by_side  # noqa: E402

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402
from og.template.fill import fill  # noqa: E402

TEMPLATES = ROOT / "tests" / "data" / "inkscape"
#: picture name → the test template it shows
FEATURES = {"feature-markers": "markers", "feature-clone-opacity": "clone_opacity",
            "feature-blend-modes": "blend_modes", "feature-noise": "noise",
            "feature-filters": "filters_more", "feature-mesh": "mesh"}


def main() -> None:
    renderer = Renderer(Settings(templates_dir=TEMPLATES, fonts_dir=ROOT / "fonts", allow_system_fonts=False))
    for picture, name in FEATURES.items():
        template = renderer.templates.get(name)
        filled = fill(template, {n: p.default for n, p in template.params.items()})
        plain = png_image(cairosvg.svg2png(bytestring=etree.tostring(filled), unsafe=False))
        ours = png_image(renderer.render(name))
        inkscape = Image.open(TEMPLATES / "ref" / f"{name}.png").convert("RGBA")
        white = Image.new("RGBA", inkscape.size, "white")
        white.alpha_composite(inkscape)
        save(side_by_side([plain, ours, white.convert("RGB")], ["CairoSVG alone", "og", "Inkscape 1.2"]),
             picture)


if __name__ == "__main__":
    main()
