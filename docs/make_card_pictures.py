"""Make the pictures of ``docs/designers.md`` about what a card does with its values and its geometry
(``left-out.png``…): every panel is a card og renders from a bundled template; Pillow only places them.

Run from anywhere: ``python3 docs/make_card_pictures.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from make_pictures import png_image  # noqa: E402
from make_pictures import save  # noqa: E402
from make_pictures import side_by_side  # noqa: E402
from make_pictures import to_width  # noqa: E402
from PIL import Image  # noqa: E402

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402


def left_out(renderer: Renderer) -> None:
    cards = [("article", {}), ("article", {"title": "Only a title on this card"}),
             ("announcement", {}), ("announcement", {"title": "Launch day"})]
    panels = [png_image(renderer.render(name, params)) for name, params in cards]
    captions = ["article: the specimen (no values)", "article?title=…",
                "announcement: the specimen", "announcement?title=… (no tag: no pill)"]
    save(side_by_side(panels, captions, columns=2), "left-out")


def mirrored(renderer: Renderer) -> None:
    cards = [("article", {"title": "How we cut CI times from 40 minutes to 4", "site": "blog.example",
                          "tag": "Engineering", "author": "Layla Ahmed", "date": "December 2026"}),
             ("article", {"title": "كيف خفّضنا زمن التكامل المستمر من أربعين دقيقة إلى أربع",
                          "site": "مدونة.مثال", "tag": "هندسة", "author": "Layla Ahmed",
                          "date": "December 2026"}),
             ("quote", {"quote": "Simplicity is prerequisite for reliability.", "author": "E. W. Dijkstra"}),
             ("quote", {"quote": "البساطة شرط أساسي للموثوقية.", "author": "E. W. Dijkstra"})]
    panels = [png_image(renderer.render(name, params)) for name, params in cards]
    captions = ["article, English title", "the same, Arabic title: logo moved, texts swap sides",
                "quote, English", "quote, Arabic: mark and edge flipped"]
    save(side_by_side(panels, captions, columns=2), "mirror")


def follow(renderer: Renderer) -> None:
    tags = ["New", "v2.0 · Now available", "Public beta in 30 new regions!", "إصدار جديد متاح الآن"]
    panels = [png_image(renderer.render("announcement", {"title": "Introducing Acme Cloud 2.0", "tag": tag}))
              .crop((0, 40, 1200, 200)) for tag in tags]
    captions = [f"tag={tag}" if tag.isascii() else "tag= an Arabic label" for tag in tags]
    save(side_by_side(panels, captions, columns=2), "follow")


def pages(renderer: Renderer) -> None:
    """The three pages of article.svg at one scale, side by side on white."""
    params = {"title": "How we cut CI times from 40 minutes to 4", "site": "blog.example",
              "tag": "Engineering", "author": "Jane Doe", "date": "December 2026"}
    cards = [png_image(renderer.render_plan(renderer.plan("article", params, page=page)))
             for page in ("wide", "x", "square")]
    gap = 40
    sheet = Image.new("RGB", (sum(c.width for c in cards) + gap * 4, max(c.height for c in cards) + gap * 2),
                      "white")
    x = gap
    for card in cards:
        sheet.paste(card, (x, gap))
        x += card.width + gap
    save(to_width(sheet), "pages")


def main() -> None:
    renderer = Renderer(Settings(templates_dir=ROOT / "svg_templates", fonts_dir=ROOT / "fonts"))
    left_out(renderer)
    mirrored(renderer)
    follow(renderer)
    pages(renderer)


if __name__ == "__main__":
    main()
