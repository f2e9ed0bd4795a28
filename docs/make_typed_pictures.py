"""Make the pictures of the typed-parameters section of ``docs/designers.md`` by rendering them.

Every panel is a card og renders from a bundled template (``profile``, ``quote``) or from a small
demo template written to a temporary folder; the "photo" is a picture this script draws with
Pillow and serves from a temporary ``OG_ASSETS_DIR``. Pillow only scales and places panels.

Run from anywhere: ``python3 docs/make_typed_pictures.py``.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFilter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402

OUT = ROOT / "docs" / "pictures"
WIDTH = 800
GAP = 12
CHOICE_DEMO = """<?xml version="1.0" encoding="UTF-8"?>
<svg width="600" height="315" viewBox="0 0 600 315" version="1.1" xmlns="http://www.w3.org/2000/svg"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:og="urn:og-cards:template:1">
  <g inkscape:groupmode="layer" inkscape:label="Dark" og:choice="theme" og:value="dark" id="dark">
    <rect style="fill:#0f172a" width="600" height="315" id="dark-bg" />
    <text style="font-size:44px;font-family:Inter;font-weight:800;fill:#f8fafc" x="48" y="150" id="dark-title">Release notes</text>
    <text style="font-size:22px;font-family:Inter;font-weight:500;fill:#94a3b8" x="48" y="195" id="dark-sub">theme=dark</text>
  </g>
  <g inkscape:groupmode="layer" inkscape:label="Light" og:choice="theme" og:value="light" id="light">
    <rect style="fill:#f8fafc" width="600" height="315" id="light-bg" />
    <text style="font-size:44px;font-family:Inter;font-weight:800;fill:#0f172a" x="48" y="150" id="light-title">Release notes</text>
    <text style="font-size:22px;font-family:Inter;font-weight:500;fill:#64748b" x="48" y="195" id="light-sub">theme=light</text>
  </g>
  <g og:show-if="beta" id="beta">
    <rect style="fill:#f59e0b" width="96" height="40" x="456" y="40" rx="20" id="beta-pill" />
    <text style="font-size:20px;font-family:Inter;font-weight:800;fill:#1c1917;text-anchor:middle" x="504" y="67" id="beta-label">BETA</text>
  </g>
</svg>
"""


def photo() -> bytes:
    """A stand-in portrait: a soft backdrop, a head and shoulders, blurred like a shallow focus."""
    image = Image.new("RGB", (640, 480), (120, 150, 170))
    draw = ImageDraw.Draw(image)
    for y in range(480):
        draw.line([(0, y), (640, y)], fill=(96 + y // 8, 128 + y // 10, 150 + y // 12))
    draw.ellipse((380, 40, 620, 300), fill=(170, 190, 150))
    image = image.filter(ImageFilter.GaussianBlur(18))
    draw = ImageDraw.Draw(image)
    draw.ellipse((170, 380, 470, 700), fill=(38, 70, 120))
    draw.rectangle((290, 300, 350, 400), fill=(214, 170, 140))
    draw.ellipse((240, 120, 400, 320), fill=(224, 182, 150))
    draw.pieslice((232, 100, 408, 260), 180, 360, fill=(64, 44, 36))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def card(renderer: Renderer, name: str, **params: str) -> Image.Image:
    return Image.open(io.BytesIO(renderer.render(name, params))).convert("RGB")


def grid(panels: list[Image.Image], columns: int) -> Image.Image:
    """Panels side by side, ``columns`` to a row, scaled to WIDTH in all."""
    cell_w = (WIDTH - GAP * (columns - 1)) // columns
    cells = [p.resize((cell_w, round(p.height * cell_w / p.width)), Image.Resampling.LANCZOS) for p in panels]
    rows = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    height = sum(max(c.height for c in row) for row in rows) + GAP * (len(rows) - 1)
    sheet = Image.new("RGB", (WIDTH, height), (255, 255, 255))
    y = 0
    for row in rows:
        for number, cell in enumerate(row):
            sheet.paste(cell, (number * (cell_w + GAP), y))
        y += max(c.height for c in row) + GAP
    return sheet


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assets = Path(tmp) / "assets"
        (assets / "team").mkdir(parents=True)
        (assets / "team" / "jane.jpg").write_bytes(photo())
        bundled = Renderer(Settings(assets_dir=assets))
        grid([card(bundled, "profile"), card(bundled, "profile", avatar="@team/jane.jpg", verified="1"),
              card(bundled, "profile", initials="JD")], 3).save(OUT / "typed-image.png")
        grid([card(bundled, "quote", accent=name) for name in ("orange", "rose", "indigo", "emerald")],
             2).save(OUT / "typed-color.png")
        demo = Path(tmp) / "templates"
        demo.mkdir()
        (demo / "release.svg").write_text(CHOICE_DEMO)
        choices = Renderer(Settings(templates_dir=demo))
        grid([card(choices, "release"), card(choices, "release", theme="light", beta="yes")],
             2).save(OUT / "typed-choice.png")
    for name in ("typed-image", "typed-color", "typed-choice"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
