"""Make ``docs/pictures/text-features.png`` for ``docs/designers.md``: og's render of the text
feature fixtures (text on a path, text as a clipping path, vertical text) beside Inkscape's own
export of the same file (``tests/data/inkscape/ref``, made by ``tools/export_inkscape_refs.py``).

Run from anywhere: ``python3 docs/make_text_pictures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))
sys.path.insert(0, str(DOCS.parent))

from make_pictures import png_image  # noqa: E402
from make_pictures import save  # noqa: E402
from make_pictures import side_by_side  # noqa: E402

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402

FIXTURES = DOCS.parent / "tests" / "data" / "inkscape"
SHOWN = {
    "textpath_badge": "text around a circle badge",
    "textpath_arc": "text on an arc, centred",
    "clip_text": "a photo clipped by text",
    "vertical_japanese": "vertical Japanese",
    "vertical_flowed": "vertical text flowed in a frame",
}


def main() -> None:
    renderer = Renderer(Settings(templates_dir=FIXTURES, fonts_dir=DOCS.parent / "fonts",
                                 allow_system_fonts=False))
    panels, captions = [], []
    for name, what in SHOWN.items():
        panels.append(png_image(renderer.render(name)))
        panels.append(Image.open(FIXTURES / "ref" / f"{name}.png").convert("RGB"))
        captions.extend([f"og: {what}", "Inkscape 1.2"])
    save(side_by_side(panels, captions, columns=2), "text-features")


if __name__ == "__main__":
    main()
