"""Render one card per group of scripts into ``docs/scripts/*.png`` (see fonts/README.md).

The titles are those of ``tests/text/test_fallbacks.py``, set in the bundled ``article``
template (sans) and ``quote`` template (serif), so the pictures show what the tests check.
Run from anywhere: ``python3 docs/make_script_cards.py``.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from og import Renderer  # noqa: E402
from og.config import Settings  # noqa: E402
from tests.text.test_fallbacks import NEW_EMOJI  # noqa: E402
from tests.text.test_fallbacks import NO_SPACES  # noqa: E402
from tests.text.test_fallbacks import TITLES  # noqa: E402

OUT = ROOT / "docs" / "scripts"
WIDTH = 800  # as docs/pictures: the 1200 px cards, scaled, keep the repository small
#: card name → (tag line, the scripts whose titles it shows, one per line). Stacking scripts
#: (Balinese, Tibetan) go last: at the template's line-height their marks reach into the next
#: line, as they do in a browser with the same CSS.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "south-asia-north": ("South Asia · north", ("Beng", "Guru", "Gujr", "Orya")),
    "south-asia-south": ("South Asia · south", ("Taml", "Telu", "Knda", "Mlym")),
    "south-east-asia": ("Sri Lanka · South-East Asia", ("Sinh", "Laoo", "Khmr", "Mymr")),
    "indonesia": ("Java · Sunda · Bali", ("Java", "Sund", "Bali")),
    "caucasus": ("Caucasus", ("Armn", "Geor")),
    "africa": ("Africa", ("Ethi", "Tfng")),
    "west-africa-middle-east": ("West Africa · Middle East", ("Nkoo", "Adlm", "Syrc", "Thaa")),
    "americas-east-india": ("The Americas · East India", ("Cher", "Cans", "Olck", "Mtei")),
    "inner-east-asia": ("Mongolia · Yi · Tibet", ("Mong", "Yiii", "Tibt")),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(Settings(templates_dir=ROOT / "svg_templates", fonts_dir=ROOT / "fonts"))
    cards: dict[str, tuple[str, dict[str, str]]] = {
        name: ("article", {"tag": tag, "title": "\n".join(TITLES[s][0] for s in scripts),
                           "author": " · ".join(scripts)})
        for name, (tag, scripts) in GROUPS.items()
    }
    for script, title in NO_SPACES.items():
        cards[f"no-spaces-{script.lower()}"] = ("article", {"tag": "No spaces", "title": title,
                                                            "author": f"{script}: ICU dictionary words"})
    cards["emoji-16"] = ("article", {"tag": "Emoji 16.0 and 17.0", "title": "Emoji " + " ".join(NEW_EMOJI),
                                     "author": "Noto Color Emoji 2.051"})
    cards["serif"] = ("quote", {"quote": "\n".join(TITLES[s][0] for s in ("Beng", "Taml", "Geor", "Khmr")),
                                "author": "Noto Serif Bengali · Tamil · Georgian · Khmer"})
    for name, (template, params) in cards.items():
        card = Image.open(BytesIO(renderer.render(template, params, "png")))
        card.resize((WIDTH, card.height * WIDTH // card.width), Image.Resampling.LANCZOS).save(
            OUT / f"{name}.png", optimize=True)
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
