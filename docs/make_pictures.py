"""Make the pictures of ``docs/designers.md`` (``docs/pictures/*.png``) by rendering them.

Nothing here is drawn by hand: every card comes from Inkscape (``inkscape`` on the PATH),
from og (:class:`og.Renderer`) or from plain CairoSVG, and Pillow only scales the results,
puts them side by side, writes captions and draws og's own layout report on top.
The small demo templates live in a temporary folder and exist only while this runs.
It also prints the output of ``og check -v`` on a deliberately flawed template, which
``designers.md`` quotes.

Run from anywhere: ``python3 docs/make_pictures.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import typing as t
from io import BytesIO
from pathlib import Path

import cairosvg
from lxml import etree
from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402
from og.template.fill import fill  # noqa: E402

OUT = ROOT / "docs" / "pictures"
WIDTH = 800  # every picture is this wide
GAP = 16  # between panels, in the panels' own pixels
LABEL_FONT = ROOT / "fonts" / "inter" / "InterVariable.ttf"
LONG_TITLE = ("Why our build cache missed every single time, and the three-line change that "
              "made continuous integration ten times faster for every team in the company")

#: The head of every demo template: an Inkscape-like 600x315 document with og's namespace.
DEMO_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<svg width="600" height="315" viewBox="0 0 600 315" version="1.1" id="svg1"
   xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
   xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
   xmlns:og="urn:og-cards:template:1">
"""
DEMO_TEXT_STYLE = ("font-size:40px;line-height:1.15;font-family:Inter;font-weight:800;"
                   "fill:#0f172a;letter-spacing:-0.5px;white-space:pre")


#: A narrow box and a Japanese style, for the hyphenation and phrase pictures.
NARROW_BOX = (40, 40, 300, 235)
DEMO_CJK_STYLE = "font-size:40px;line-height:1.3;font-family:'Noto Sans CJK JP';font-weight:700;fill:#0f172a"


def demo_box_template(attributes: str, box: tuple[int, int, int, int] = (40, 40, 520, 235),
                      style: str = DEMO_TEXT_STYLE) -> str:
    """A card with one flowed text box (drawn dashed, so the box shows) holding ``{{ title }}``."""
    x, y, w, h = box
    return DEMO_HEAD + f"""  <defs><rect x="{x}" y="{y}" width="{w}" height="{h}" id="title-box" /></defs>
  <rect width="600" height="315" style="fill:#f8fafc" id="bg" />
  <rect x="{x}" y="{y}" width="{w}" height="{h}" id="box-outline"
     style="fill:#e0f2fe;stroke:#0284c7;stroke-width:2;stroke-dasharray:8,6" />
  <text xml:space="preserve" {attributes} style="{style};shape-inside:url(#title-box)" id="title"><tspan
     x="{x}" y="{y + 40}" id="title-line">{{{{ title }}}}</tspan></text>
</svg>
"""


def demo_point_template(attributes: str) -> str:
    """A card with point text at x=40 and a dashed guide 300 px wide under it."""
    return DEMO_HEAD + f"""  <rect width="600" height="315" style="fill:#f8fafc" id="bg" />
  <rect x="40" y="120" width="300" height="75" id="guide"
     style="fill:#e0f2fe;stroke:#0284c7;stroke-width:2;stroke-dasharray:8,6" />
  <text xml:space="preserve" {attributes} style="{DEMO_TEXT_STYLE}" x="40" y="172" id="title"><tspan
     sodipodi:role="line" x="40" y="172" id="title-line">{{{{ title }}}}</tspan></text>
</svg>
"""


#: Each og attribute's picture: (file stem, value of {{ title }}, [(caption, template)]).
ATTRIBUTE_DEMOS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("attr-max-lines", LONG_TITLE, [
        ("no og:max-lines (as many lines as the box holds)", demo_box_template("")),
        ('og:max-lines="2"', demo_box_template('og:max-lines="2"')),
    ]),
    ("attr-min-font-size", LONG_TITLE, [
        ('og:max-lines="3"', demo_box_template('og:max-lines="3"')),
        ('og:max-lines="3" og:min-font-size="22"',
         demo_box_template('og:max-lines="3" og:min-font-size="22"')),
    ]),
    ("attr-valign", "Ship it on Friday", [
        ('og:valign="top" (default)', demo_box_template('og:valign="top"')),
        ('og:valign="middle"', demo_box_template('og:valign="middle"')),
        ('og:valign="bottom"', demo_box_template('og:valign="bottom"')),
    ]),
    ("attr-balance", "We rebuilt our search engine from scratch in Rust", [
        ("no og:balance", demo_box_template("")),
        ('og:balance="true"', demo_box_template('og:balance="true"')),
    ]),
    ("attr-ellipsis", LONG_TITLE, [
        ("default (…)", demo_box_template('og:max-lines="2"')),
        ('og:ellipsis="none"', demo_box_template('og:max-lines="2" og:ellipsis="none"')),
        ('og:ellipsis="[…]"', demo_box_template('og:max-lines="2" og:ellipsis="[…]"')),
    ]),
    ("attr-max-width", "acme.dev/blog/faster-ci", [
        ("point text, no og:max-width", demo_point_template("")),
        ('og:max-width="300" (the dashed guide)', demo_point_template('og:max-width="300"')),
    ]),
    ("attr-hyphens", "Die Donaudampfschifffahrtsgesellschaft lädt ein", [
        ('og:lang="de" (cut anywhere)', demo_box_template('og:lang="de"', NARROW_BOX)),
        ('og:hyphens="auto" og:lang="de"', demo_box_template('og:hyphens="auto" og:lang="de"', NARROW_BOX)),
    ]),
    ("attr-word-break", "今日は東京で桜が満開になりました", [
        ('og:word-break="normal"', demo_box_template('og:word-break="normal"', NARROW_BOX, DEMO_CJK_STYLE)),
        ("default: auto (phrases in Japanese)", demo_box_template("", NARROW_BOX, DEMO_CJK_STYLE)),
    ]),
]

#: Titles (and subtitles) in several scripts, for the announcement template.
SCRIPTS: list[dict[str, str]] = [
    {"title": "東京で開発者カンファレンスを開催します", "subtitle": "参加登録は本日から受付中です。",
     "tag": "日本語"},
    {"title": "نقدم لكم الإصدار الجديد من منصتنا السحابية", "subtitle": "وظائف على الحافة وتراجع فوري",
     "tag": "العربية"},
    {"title": "हमारे नए क्लाउड प्लेटफ़ॉर्म का परिचय", "subtitle": "हर पुल रिक्वेस्ट के लिए प्रीव्यू",
     "tag": "हिन्दी"},
    {"title": "ขอแนะนำแพลตฟอร์มคลาวด์รุ่นใหม่ของเรา", "subtitle": "ทดลองใช้ฟรีได้แล้ววันนี้",
     "tag": "ภาษาไทย"},
    {"title": "Launch day 🚀 We shipped it 🎉", "subtitle": "Thank you, everyone 💜✨", "tag": "Emoji"},
    {"title": "새로운 클라우드 플랫폼을 소개합니다", "subtitle": "中文：全新云平台现已上线",
     "tag": "한국어 · 中文"},
]

#: Filters, gradient text and outlined text, for the effects picture.
EFFECTS_TEMPLATE = DEMO_HEAD + """  <defs>
    <filter style="color-interpolation-filters:sRGB" inkscape:label="Drop Shadow" id="shadow"
       x="-0.1" y="-0.1" width="1.2" height="1.4">
      <feFlood flood-opacity="0.5" flood-color="rgb(0,0,0)" result="flood" />
      <feComposite in="flood" in2="SourceGraphic" operator="in" result="composite1" />
      <feGaussianBlur in="composite1" stdDeviation="4" result="blur" />
      <feOffset dx="6" dy="6" result="offset" />
      <feComposite in="SourceGraphic" in2="offset" operator="over" result="composite2" />
    </filter>
    <filter style="color-interpolation-filters:sRGB" inkscape:collect="always" id="blur"
       x="-0.5" y="-0.5" width="2" height="2">
      <feGaussianBlur inkscape:collect="always" stdDeviation="30" />
    </filter>
    <linearGradient id="rainbow">
      <stop offset="0" style="stop-color:#6366f1" /><stop offset="1" style="stop-color:#ec4899" />
    </linearGradient>
  </defs>
  <rect width="600" height="315" style="fill:#f1f5f9" id="bg" />
  <circle cx="500" cy="70" r="70" style="fill:#22d3ee;filter:url(#blur)" id="glow" />
  <text xml:space="preserve" x="40" y="90" id="shadowed"
     style="font-size:52px;font-family:Inter;font-weight:800;fill:#ffffff;filter:url(#shadow)"><tspan
     sodipodi:role="line" x="40" y="90">{{ a | default("Drop shadow") }}</tspan></text>
  <text xml:space="preserve" x="40" y="175" id="gradient"
     style="font-size:52px;font-family:Inter;font-weight:800;fill:url(#rainbow)"><tspan
     sodipodi:role="line" x="40" y="175">{{ b | default("Gradient text") }}</tspan></text>
  <text xml:space="preserve" x="40" y="260" id="outlined"
     style="font-size:52px;font-family:Inter;font-weight:800;fill:#ffffff;stroke:#0f172a;stroke-width:10;
            stroke-linejoin:round;paint-order:stroke"><tspan
     sodipodi:role="line" x="40" y="260">{{ c | default("Outlined text") }}</tspan></text>
</svg>
"""

#: A template with one of each problem ``og check`` reports (besides the placeholder in an attribute).
FLAWED_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<svg width="1200" height="630" viewBox="0 0 1200 630" version="1.1" id="svg1"
   xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
   xmlns:og="urn:og-cards:template:1">
  <defs>
    <filter id="grain"><feTurbulence baseFrequency="0.8" numOctaves="2" />
      <feComposite in2="SourceGraphic" operator="in" /></filter>
    <rect x="80" y="160" width="1040" height="300" id="title-box" />
  </defs>
  <rect width="1200" height="630" style="fill:#111827;filter:url(#grain)" id="bg" />
  <image xlink:href="logo.png" x="80" y="60" width="64" height="64" id="logo" />
  <circle cx="1100" cy="80" r="60" style="fill:#f472b6;mix-blend-mode:hue" id="blob" />
  <text xml:space="preserve" og:max-lines="3" og:shrink="true"
     style="font-size:72px;font-family:'DejaVu Sans';fill:#ffffff;shape-inside:url(#title-box)"
     id="title"><tspan x="80" y="230">{{ title | default("Hello") }}</tspan></text>
  <text xml:space="preserve" style="font-size:28px;font-family:'Comic Neue';fill:#ffffff"
     x="80" y="560" id="author"><tspan x="80" y="560">{{ author }}</tspan></text>
</svg>
"""

#: A placeholder in an attribute: og refuses the whole template.
ATTRIBUTE_PLACEHOLDER_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<svg width="1200" height="630" xmlns="http://www.w3.org/2000/svg">
  <rect width="1200" height="630" style="fill:{{ colour }}" id="bg" />
  <text x="80" y="300" style="font-size:72px;font-family:Inter" id="title">{{ title }}</text>
</svg>
"""


def label_font(size: float) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(LABEL_FONT), max(8, round(size)))
    font.set_variation_by_axes([600])  # Inter's weight axis: SemiBold
    return font


def png_image(data: bytes) -> Image.Image:
    return Image.open(BytesIO(data)).convert("RGB")


def to_width(image: Image.Image, width: int = WIDTH) -> Image.Image:
    if image.width == width:
        return image
    return image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)


def save(image: Image.Image, name: str) -> None:
    """Save as PNG; fall back to a 256-colour palette when the full-colour file is too big."""
    path = OUT / f"{name}.png"
    image.save(path, optimize=True)
    if path.stat().st_size > 180_000:
        image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(
            path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {image.width}x{image.height}, {path.stat().st_size // 1024} KB")


def side_by_side(panels: t.Sequence[Image.Image], captions: t.Sequence[str] = (),
                 columns: int | None = None) -> Image.Image:
    """Panels (all the same size) in a grid, each under its caption, scaled to WIDTH."""
    columns = columns or len(panels)
    rows = -(-len(panels) // columns)
    pw, ph = panels[0].size
    total_width = columns * pw + (columns + 1) * GAP
    scale = WIDTH / total_width
    font = label_font(15 / scale)  # about 15 px once scaled down
    band = round(font.size * 1.6) if captions else 0
    sheet = Image.new("RGB", (total_width, rows * (ph + band + GAP) + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    for index, panel in enumerate(panels):
        column, row = index % columns, index // columns
        x = GAP + column * (pw + GAP)
        y = GAP + row * (ph + band + GAP)
        if captions:
            draw.text((x, y + band // 2), captions[index], fill="#334155", font=font, anchor="lm")
        sheet.paste(panel, (x, y + band))
    return to_width(sheet)


def inkscape_png(svg: Path, width: int = WIDTH) -> Image.Image:
    """What Inkscape itself draws for ``svg`` (placeholders and all)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.png"
        subprocess.run(["inkscape", "--export-type=png", f"--export-width={width}",
                        f"--export-filename={out}", str(svg)],
                       check=True, capture_output=True)
        return Image.open(out).convert("RGB")


def draw_layout(image: Image.Image, report: dict[str, t.Any]) -> Image.Image:
    """og's render with each text's box (blue) and each line's extent (pink) on top."""
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    box_fill, box_edge = (56, 189, 248, 60), (56, 189, 248, 255)
    line_fill, line_edge = (244, 114, 182, 90), (244, 114, 182, 255)
    for text in report["texts"]:
        box = text["box"]
        if box["height"] is not None:  # a text box: the rectangle og wraps in
            draw.rectangle((box["x"], box["y"], box["x"] + box["width"], box["y"] + box["height"]),
                           fill=box_fill, outline=box_edge, width=3)
        elif box["width"] is not None:  # point text: the width it may take, along the baseline
            offset = {"middle": box["width"] / 2, "end": box["width"]}.get(text["align"], 0.0)
            left, y = box["x"] - offset, box["y"]
            draw.rectangle((left, y - 2, left + box["width"], y + 2), fill=box_edge)
            draw.rectangle((box["x"] - 5, y - 12, box["x"] + 5, y + 12), fill=box_edge)  # the anchor
        for line in text["lines"]:
            draw.rectangle((line["x"], line["top"], line["x"] + line["width"], line["bottom"]),
                           fill=line_fill, outline=line_edge, width=2)
    return Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")


def plain_cairosvg(renderer: Renderer, name: str, params: dict[str, str]) -> Image.Image:
    """The filled template drawn by CairoSVG alone (its own text drawing, no og layout)."""
    template = renderer.templates.get(name)
    svg = etree.tostring(fill(template, renderer.values_for(template, params)))
    return png_image(cairosvg.svg2png(bytestring=svg))


def check_output(folder: Path) -> str:
    """``og check -v`` on the flawed demo templates, run as a designer would."""
    templates = folder / "svg_templates"
    templates.mkdir(exist_ok=True)
    (templates / "flawed.svg").write_text(FLAWED_TEMPLATE, encoding="utf-8")
    (templates / "colour.svg").write_text(ATTRIBUTE_PLACEHOLDER_TEMPLATE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "og", "check", "-v", "svg_templates/flawed.svg",
                           "svg_templates/colour.svg"], cwd=folder, env=env, capture_output=True,
                          text=True)
    return f"$ python -m og check -v svg_templates/flawed.svg svg_templates/colour.svg\n{done.stdout}" \
           f"(exit status {done.returncode})"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    og = Renderer(Settings())

    # 1-2. The raw template in Inkscape, and what og makes of it.
    save(inkscape_png(ROOT / "svg_templates" / "article.svg"), "inkscape-view")
    save(to_width(png_image(og.render("article"))), "og-defaults")
    long_title = {"title": LONG_TITLE + ": a story in four acts, with benchmarks, graphs, "
                                        "and lessons learned the hard way"}
    save(to_width(png_image(og.render("article", long_title))), "og-long-title")

    # 3. The layout report drawn over the render.
    report = json.loads(og.render("article", long_title, "json"))
    save(to_width(draw_layout(png_image(og.render("article", long_title)), report)), "layout-boxes")

    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        demos = Renderer(Settings(templates_dir=folder))

        # 4. One picture per og attribute: demo templates that differ only in it.
        for stem, title, variants in ATTRIBUTE_DEMOS:
            panels = []
            for number, (_, svg) in enumerate(variants):
                (folder / f"{stem}-{number}.svg").write_text(svg, encoding="utf-8")
                panels.append(png_image(demos.render(f"{stem}-{number}", {"title": title})))
            save(side_by_side(panels, [caption for caption, _ in variants]), stem)

        # 5. Effects: plain CairoSVG next to og.
        (folder / "effects.svg").write_text(EFFECTS_TEMPLATE, encoding="utf-8")
        save(side_by_side([plain_cairosvg(demos, "effects", {}), png_image(demos.render("effects"))],
                          ["plain CairoSVG", "og"]), "effects")

        print(check_output(folder))

    # 6. Scripts in the announcement template.
    panels = []
    for values in SCRIPTS:
        report = json.loads(og.render("announcement", values, "json"))
        assert not report["missing"], f"no font for {report['missing']}"
        panels.append(png_image(og.render("announcement", values)))
    save(side_by_side(panels, columns=2), "scripts")

    # 7. Why og: CairoSVG's own text drawing next to og's.
    cases = [{"title": LONG_TITLE}, {"title": "東京で会議 · مرحبا بالعالم · नमस्ते"}]
    panels, captions = [], []
    for params in cases:
        panels += [plain_cairosvg(og, "article", params), png_image(og.render("article", params))]
        captions += ["plain cairosvg.svg2png", "og"]
    save(side_by_side(panels, captions, columns=2), "cairosvg-vs-og")


if __name__ == "__main__":
    main()
