"""Han ideographs and CJK in serif designs: what the bundled Noto CJK files draw.

- Every Han ideograph Noto Sans CJK draws in the unified block, Extension A, the compatibility
  ideographs and Extension B (HKSCS and JIS X 0213 characters of Hong Kong, Taiwanese and
  Japanese names) is drawn by the chain: common ones by the common subset, the rest by
  ``Noto Sans CJK JP Rare``, a separate file that a card without such a character never reads.
- Serif text gets Noto Serif CJK for Han, kana and Hangul; sans text keeps Noto Sans CJK.
"""

from __future__ import annotations

import typing as t

import pytest

import og
from og.text.fallbacks import FALLBACK_FAMILIES
from og.text.fonts import FontSet
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import FONTS_DIR
from tests.conftest import settings_for
from tests.helpers import report
from tests.helpers import text

COMMON = "Noto Sans CJK JP"
RARE = "Noto Sans CJK JP Rare"
SERIF = "Noto Serif CJK JP"

#: Per block: (first, last, code points Noto Sans CJK 2.004 draws there), from the full face of
#: Debian's fonts-noto-cjk. Unicode 13-14 added the last 16 of the unified block and 10 of
#: Extension A, which this Noto build lacks.
BLOCKS = {
    "unified": (0x4E00, 0x9FFF, 20_976),
    "extension A": (0x3400, 0x4DBF, 6_582),
    "compatibility": (0xF900, 0xFAFF, 366),
    "extension B": (0x20000, 0x2A6DF, 2_108),
    "compatibility supplement": (0x2F800, 0x2FA1F, 55),
}

#: From real titles og once drew without them: Hong Kong Cantonese, HKSCS, a Taiwanese given
#: name, 𠮷野家, 髙島屋, 山﨑 (a compatibility ideograph), JIS X 0213.
RARE_CHARACTERS = "嘅㗎𠮷靐埗哋咗啲嘢堃髙﨑𨋢𠝹𡃁"
TITLES = {
    "hong-kong": "深水埗茶餐廳：佢哋話今日食咗啲好嘢，嘅確係㗎",
    "taiwan": "工程師張堃分享部署經驗",
    "japan": "𠮷野家と髙島屋×山﨑賢人のコラボ",
}


@pytest.fixture(scope="module")
def bundled(fonts: FontSet) -> og.Renderer:
    return og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)


def _runs(item: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    return [run for line in item["lines"] for run in line["runs"]]


@pytest.fixture(scope="module")
def chain_draws(fonts: FontSet) -> frozenset[int]:
    """The code points some family of the fallback chain maps (what ``pick`` finds one by one)."""
    found: set[int] = set()
    for family in FALLBACK_FAMILIES:
        font = fonts.match(family, 400, False)
        assert font is not None and not font.face.system, family
        found |= font.face.unicodes
    return frozenset(found)


@pytest.mark.parametrize("block", sorted(BLOCKS))
def test_every_han_ideograph_noto_cjk_draws_is_drawn(chain_draws, block):
    first, last, expected = BLOCKS[block]
    assert len(chain_draws & set(range(first, last + 1))) == expected


def test_the_chain_draws_them_in_bold_too(fonts):
    for char in RARE_CHARACTERS:
        font = fonts.pick(("Inter",), 800, False, char)
        assert font is not None and (font.face.family, font.face.weight_min, font.synthetic_bold) == \
            (RARE, 700, False)


def test_rare_characters_come_from_the_rare_file_common_ones_do_not(fonts):
    for char in RARE_CHARACTERS:
        font = fonts.pick(("Inter",), 400, False, char)
        assert font is not None and font.face.family == RARE, char
    for char in "漢字日本語中文简体繁體한국어":
        font = fonts.pick(("Inter",), 700, False, char)
        assert font is not None and font.face.family == COMMON, char


@pytest.mark.parametrize("where", sorted(TITLES))
def test_real_titles_lose_no_character(bundled, where):
    item = text(report(bundled, "article", title=TITLES[where]), "title")
    assert item["missing"] == []
    shown = "".join(run["text"] for run in _runs(item))
    assert shown.replace(" ", "") == TITLES[where].replace(" ", "")
    rare = "".join(run["text"] for run in _runs(item) if run["font"] == RARE)
    assert rare and set(rare) <= set(RARE_CHARACTERS)


def test_a_common_card_never_reads_the_rare_file():
    """A fresh font set: a Japanese and a Chinese card read the common file, not the rare one."""
    fonts = FontSet.from_folders(FONTS_DIR, allow_system=False)
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    renderer.render("article", {"title": "即時ロールバックとコンパイラの高速化", "author": "山田太郎"}, "png")
    renderer.render("quote", {"quote": "一键回滚，部署时间缩短到十分之一", "author": "李明"}, "png")
    assert any("hb_face" in vars(face) for face in fonts.faces_of(COMMON))  # cached_property: read
    assert any("hb_face" in vars(face) for face in fonts.faces_of(SERIF))  # the quote
    assert not any("hb_face" in vars(face) for face in fonts.faces_of(RARE))  # never read
    renderer.render("article", {"title": "佢哋喺深水埗"}, "png")
    assert any("hb_face" in vars(face) for face in fonts.faces_of(RARE))


@pytest.mark.parametrize("cluster", ["漢", "か", "カ", "한", "「", "𠮷"])
def test_serif_text_gets_serif_cjk_sans_text_sans(fonts, cluster):
    serif = fonts.pick(("Noto Serif",), 400, False, cluster)
    sans = fonts.pick(("Inter",), 400, False, cluster)
    assert serif is not None and sans is not None
    if cluster == "𠮷":  # rare: no serif file for those, the sans one draws it
        assert serif.face.family == sans.face.family == RARE
    else:
        assert (serif.face.family, sans.face.family) == (SERIF, COMMON)


def test_bold_serif_cjk_is_synthesised_from_the_regular(fonts):
    """Only the Regular serif CJK is bundled (17.6 MB; a Bold would be as big again): bold serif
    text keeps its serif CJK, emboldened, rather than switching to the sans design."""
    bold = fonts.pick(("Noto Serif",), 700, False, "漢")
    assert bold is not None
    assert (bold.face.family, bold.face.weight_min, bold.synthetic_bold) == (SERIF, 400, True)


@pytest.mark.parametrize("quote, lang", [("明日の天気は晴れのち曇りでしょう", "ja"),
                                         ("简单是可靠的先决条件", "zh-Hans"),
                                         ("簡單是可靠的先決條件", "zh-Hant"),
                                         ("단순함은 신뢰성의 전제 조건이다", "ko")])
def test_the_serif_quote_card_sets_cjk_in_serif(bundled, quote, lang):
    rep = report(bundled, "quote", quote=quote, author="Edsger W. Dijkstra")
    item = text(rep, "quote")
    assert item["missing"] == [] and item["lang"] == lang
    cjk = {run["font"] for run in _runs(item) if run["script"] in ("Hani", "Hira", "Kana", "Hang")}
    assert cjk == {SERIF}
    author = {run["font"] for run in _runs(text(rep, "author"))}
    assert SERIF not in author
