"""Typography through the whole pipeline (``og.Renderer``): the layout report of the
``typography`` fixture (five narrow columns), decoded pixels, and ``og check``.

Columns: ``manual`` (soft hyphens, no options), ``de`` and ``nl`` (``og:hyphens="auto"``),
``ja`` and ``ja-phrase`` (the same title, the first with ``og:word-break="normal"``, the second
with og's default: phrases, the language guessed from the text).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from og.check import check_file
from og.text.phrases import phrase_boundaries
from tests.conftest import TEMPLATES
from tests.helpers import outside_box
from tests.helpers import report
from tests.helpers import text

HYPHEN = "\u2010"
SOFT = "\u00ad"
JA_TITLE = "日本語の見出しを読みやすい位置で改行する方法"


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(np.int16)


def _lines(item):
    return [line["text"] for line in item["lines"]]


@pytest.mark.parametrize("ident, word", [
    ("manual", "Konzertsaalbeleuchtung"),
    ("de", "Donaudampfschifffahrtsgesellschaft"),
    ("nl", "Arbeidsongeschiktheidsverzekering"),
])
def test_columns_break_with_a_hyphen_inside_the_box(renderer, ident, word):
    item = text(report(renderer, "typography"), ident)
    lines = _lines(item)
    assert len(lines) > 1 and not item["forced_breaks"] and not item["truncated"]
    assert all(line.endswith(HYPHEN) for line in lines[:-1]) and not lines[-1].endswith(HYPHEN)
    assert "".join(line.removesuffix(HYPHEN) for line in lines).replace(SOFT, "") == word
    for line in item["lines"][:-1]:
        hyphen = line["runs"][-1]
        assert hyphen["text"] == HYPHEN and hyphen["font"] == "Inter"
    assert outside_box(item) == []


def test_the_hyphen_is_drawn(renderer):
    """Ink where the report puts each hyphen, and none there once the word is not hyphenated."""
    item = text(report(renderer, "typography"), "manual")
    pixels = _pixels(renderer.render("typography", {}, "png"))
    blank = _pixels(renderer.render("typography", {"manual": "Konzertsaal"}, "png"))
    line = item["lines"][0]
    hyphen = line["runs"][-1]
    x0, x1 = int(hyphen["x"]), int(hyphen["x"] + hyphen["width"]) + 1
    y0, y1 = int(line["top"]), int(line["bottom"]) + 1
    dark = pixels[y0:y1, x0:x1].sum(axis=-1) < 300
    assert dark.sum() > 20
    assert (blank[y0:y1, x0:x1].sum(axis=-1) < 300).sum() == 0


def test_soft_hyphens_inside_a_line_draw_nothing(renderer):
    shy = renderer.render("card", {"title": "Kon\u00adzert\u00adsaal\u00adbe\u00adleuch\u00adtung"}, "png")
    plain = renderer.render("card", {"title": "Konzertsaalbeleuchtung"}, "png")
    assert np.array_equal(_pixels(shy), _pixels(plain))


def test_german_sentence_in_a_narrow_column(renderer):
    sentence = "Die Weltgesundheitsorganisation veröffentlicht ihren Jahresbericht"
    item = text(report(renderer, "typography", de=sentence), "de")
    lines = _lines(item)
    assert any(line.endswith(HYPHEN) for line in lines) and not item["forced_breaks"]
    joined = "".join(line.removesuffix(HYPHEN) if line.endswith(HYPHEN) else line + " " for line in lines)
    assert joined.split() == sentence.split()
    assert outside_box(item) == []


def test_japanese_phrases_stay_whole(renderer):
    rep = report(renderer, "typography")
    boundaries = set(phrase_boundaries(JA_TITLE, "ja") or [])

    def ends(ident):
        lines = _lines(text(rep, ident))
        assert "".join(lines) == JA_TITLE
        return {sum(len(line) for line in lines[: n + 1]) for n in range(len(lines) - 1)}

    assert not ends("ja") <= boundaries  # the og:word-break="normal" column splits phrases
    assert ends("ja-phrase") <= boundaries  # the default keeps them whole
    assert outside_box(text(rep, "ja-phrase")) == []
    assert (text(rep, "ja")["word_break"], text(rep, "ja-phrase")["word_break"]) == ("normal", "auto-phrase")
    assert text(rep, "ja-phrase")["lang"] == "ja"  # guessed from the kana


def test_adjacent_japanese_punctuation_is_narrower_on_the_card(renderer):
    # The card's 64 px title falls back to Noto Sans CJK JP: 「東京」「大阪」 is 7.5 em, not 8.
    (tight,) = text(report(renderer, "card", title="「東京」「大阪」"), "title")["lines"]
    (apart,) = text(report(renderer, "card", title="「東京」の「大阪」"), "title")["lines"]
    assert tight["width"] == pytest.approx(7.5 * 64, abs=0.05)
    assert apart["width"] == pytest.approx(9 * 64, abs=0.05)


def test_og_check_knows_the_new_attributes(fonts):
    findings = [str(f) for f in check_file(TEMPLATES / "typography.svg", fonts)]
    assert not [f for f in findings if "unknown og attribute" in f], findings
