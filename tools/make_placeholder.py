"""Draw the profile card's placeholder picture (a neutral silhouette) and embed it in the template.

The silhouette is SVG (below), rasterized by CairoSVG at the slot's device size (300x300) and
written, as a PNG data URI, into the ``href`` of ``<image id="avatar-photo">`` in
``svg_templates/profile.svg``; the rest of the file is left byte for byte as it is.

Run from anywhere: ``python3 tools/make_placeholder.py``.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import cairosvg
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "svg_templates" / "profile.svg"
SIZE_PX = 300
SILHOUETTE = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE_PX}" height="{SIZE_PX}" viewBox="0 0 300 300">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="300" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="#eef0f4"/><stop offset="1" stop-color="#dfe2e8"/>
    </linearGradient>
    <linearGradient id="figure" x1="0" y1="70" x2="0" y2="300" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="#b4bac6"/><stop offset="1" stop-color="#a3aab8"/>
    </linearGradient>
  </defs>
  <rect width="300" height="300" fill="url(#bg)"/>
  <circle cx="150" cy="122" r="54" fill="url(#figure)"/>
  <path d="M46 300 C52 226 96 192 150 192 C204 192 248 226 254 300 Z" fill="url(#figure)"/>
</svg>"""


def placeholder_png() -> bytes:
    """The silhouette as a small PNG (an exact 64-colour palette: it is two soft gradients)."""
    rgba = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=SILHOUETTE.encode()))).convert("RGB")
    out = io.BytesIO()
    rgba.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    uri = "data:image/png;base64," + base64.b64encode(placeholder_png()).decode()
    text = TEMPLATE.read_text(encoding="utf-8")
    pattern = re.compile(r'(<image\b[^>]*?\bid="avatar-photo"[^>]*?\bxlink:href=")[^"]*(")', re.S)
    if not pattern.search(text):
        pattern = re.compile(r'(<image\b[^>]*?\bxlink:href=")[^"]*("[^>]*?\bid="avatar-photo")', re.S)
    patched, count = pattern.subn(lambda m: m.group(1) + uri + m.group(2), text)
    if count != 1:
        raise SystemExit(f"{TEMPLATE}: no <image id=\"avatar-photo\" xlink:href=...> to write into")
    TEMPLATE.write_text(patched, encoding="utf-8")
    print(f"{TEMPLATE.name}: placeholder {len(uri)} characters")


if __name__ == "__main__":
    main()
