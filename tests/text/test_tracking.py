"""Letter-spacing never cuts a word of a joined script (og.text.tracking), checked from pixels.

A word of a cursive script (Arabic, Syriac, N'Ko, Mongolian) or a headstroke script (Devanagari,
Bengali, Gurmukhi) is drawn with and without ``letter-spacing``: with it, the word must fall
into exactly as many connected pieces of ink as without (the headstroke stays one stroke) and
keep its width, while Latin in the same text is still tracked.
"""

from __future__ import annotations

import io
from collections import deque
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextStyle
from og.text.layout import layout_text
from tests.conftest import settings_for

WORDS = {
    "devanagari": "इन्फ्रास्ट्रक्चर",
    "bengali": "কলকাতার",
    "gurmukhi": "ਪੰਜਾਬੀ",
    "arabic": "المستقبل",
    "syriac": "ܫܠܡܐ",
    "nko": "ߒߞߏߞߊ",
    "mongolian": "ᠮᠣᠩᠭᠣᠯ",
}
SPACING = 14.0

TEMPLATE = """<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="200" viewBox="0 0 1000 200">
  <rect width="1000" height="200" fill="#ffffff"/>
  <text id="word" x="40" y="130"
        style="font-size:72px;font-family:Inter;fill:#000000;{style}">{{{{ word }}}}</text>
</svg>
"""


@pytest.fixture(scope="module")
def spaced_renderer(tmp_path_factory: pytest.TempPathFactory, fonts: og.FontSet) -> og.Renderer:
    folder: Path = tmp_path_factory.mktemp("tracking")
    (folder / "plain.svg").write_text(TEMPLATE.format(style=""), "utf-8")
    (folder / "spaced.svg").write_text(TEMPLATE.format(style=f"letter-spacing:{SPACING}px"), "utf-8")
    return og.Renderer(settings_for(folder), fonts=fonts)


def _ink(renderer: og.Renderer, name: str, word: str) -> np.ndarray:
    png = renderer.render(name, {"word": word}, "png")
    grey = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    return grey < 128


def _components(ink: np.ndarray) -> int:
    """Connected pieces of ink (8-connected)."""
    seen = np.zeros_like(ink)
    height, width = ink.shape
    count = 0
    for y, x in zip(*np.nonzero(ink), strict=True):
        if seen[y, x]:
            continue
        count += 1
        seen[y, x] = True
        queue = deque([(y, x)])
        while queue:
            cy, cx = queue.popleft()
            for ny in (cy - 1, cy, cy + 1):
                for nx in (cx - 1, cx, cx + 1):
                    if 0 <= ny < height and 0 <= nx < width and ink[ny, nx] and not seen[ny, nx]:
                        seen[ny, nx] = True
                        queue.append((ny, nx))
    return count


def _ink_width(ink: np.ndarray) -> int:
    columns = np.nonzero(ink.any(axis=0))[0]
    return int(columns[-1] - columns[0] + 1)


@pytest.mark.parametrize("script", sorted(WORDS))
def test_letter_spacing_keeps_a_joined_word_in_one_piece(spaced_renderer, script):
    plain = _ink(spaced_renderer, "plain", WORDS[script])
    spaced = _ink(spaced_renderer, "spaced", WORDS[script])
    assert plain.any()
    assert _components(spaced) == _components(plain)
    assert abs(_ink_width(spaced) - _ink_width(plain)) <= 2


def test_latin_beside_a_joined_script_is_still_tracked(spaced_renderer):
    """"HINDI " (six clusters, the space too) is tracked; हिन्दी, after it, is not."""
    plain = _ink(spaced_renderer, "plain", "HINDI हिन्दी")
    spaced = _ink(spaced_renderer, "spaced", "HINDI हिन्दी")
    assert _ink_width(spaced) - _ink_width(plain) == pytest.approx(6 * SPACING, abs=3)


@pytest.mark.parametrize("text, joined", [("हिन्दी", True), ("العربية", True), ("HINDI", False),
                                          ("ภาษาไทย", False), ("日本語", False)])
def test_layout_adds_tracking_only_where_letters_do_not_join(fonts, text, joined):
    def width(spacing: float) -> float:
        style = TextStyle(size=40.0, letter_spacing=spacing)
        block = TextBlock(((Span(text, style),),), Box(0, 0, None, None), wraps=False)
        return layout_text(block, fonts).lines[0].width

    added = width(SPACING) - width(0.0)
    # Tracking after the last cluster only (it ends the word), or after every cluster.
    assert (added == pytest.approx(SPACING)) is joined
