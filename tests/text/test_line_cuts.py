"""Lines cut out of their paragraph's shaping (og.text.paragraph with og.text.shape.Shaped):
every glyph id and position is what shaping each line again gives, in every script, because
a cut is taken only where HarfBuzz flags it safe."""

from __future__ import annotations

import collections
import itertools
from pathlib import Path

import pytest
from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from og.text.fonts import FontSet
from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextOptions
from og.text.layout import TextStyle
from og.text.layout import layout_text
from og.text.paragraph import Paragraph
from og.text.shape import Shaped
from og.text.writing_modes import Vertical
from tests.conftest import FONTS_DIR

TEXTS = [
    "AVAST! To. Ta. office affine flow fi fl ffi — WAVE “quoted” Type, LY Yo. T.V.A.",
    "The quick brown fox jumps over the lazy dog while the cat watches from the window",
    "مرحبا بالعالم، هذا عنوان عربي طويل يلتف على عدة أسطر في البطاقة",
    "שלום עולם 2026 גרסה 3.14 מספרים 123-456 בתוך טקסט עברי",
    "English with عربي inside and עברית too 123, then more English words",
    "नमस्ते दुनिया, यह एक लंबा हिंदी शीर्षक है जो कई पंक्तियों में टूटता है",
    "สวัสดีชาวโลก นี่คือหัวข้อภาษาไทยที่ยาวมากและต้องตัดบรรทัด",
    "日本語のタイトルは句読点で改行されます。「引用」も、正しく扱います。",
    "中文标题测试，包含标点符号。还有更多的文字在这里",
    "한국어 제목입니다 그리고 더 긴 문장이 여기에",
    "Emoji 👩‍💻 test ❤️ and 🇫🇷 flags 1️⃣ mid-word a👍b and more",
    "e\u0301le\u0300ve cafe\u0301 a\u0300\u0301\u0302\u0303\u0304 combining marks",
    "Incomprehensibilities and internationalization hyphenate beautifully",
    "soft\u00adhyphen\u00adated words in a nar\u00adrow box",
    "multiple   spaces\tand\ttabs\u00a0NBSP\u00a0here  end  ",
    "fallback mid-word abcαβγdef and Ꭰ Cherokee ᐊ syllabics 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]
OPTIONS = [
    TextOptions(),
    TextOptions(hyphens="auto", lang="en", balance=True, max_lines=3, min_font_size=12.0),
    TextOptions(direction="rtl", align="middle", word_break="normal"),
]


def _blocks() -> list[TextBlock]:
    blocks = []
    for text, family, width, options in itertools.product(
            TEXTS, ("Inter", "Noto Serif"), (90.0, 230.0, 520.0), OPTIONS):
        style = TextStyle(families=(family,), size=36.0)
        spaced = TextStyle(families=(family,), size=24.0, weight=700, letter_spacing=1.5, word_spacing=4.0)
        blocks.append(TextBlock(((Span(text, style),), (Span(text[:12], style), Span(text[12:], spaced))),
                                Box(0, 0, width, 400.0), options))
    for text in TEXTS[::3]:
        style = TextStyle(families=("Inter",), size=30.0)
        blocks.append(TextBlock(((Span(text, style),),), Box(600, 0, 300, 240.0), TextOptions(),
                                vertical=Vertical()))
    return blocks


def _uncut(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line shaped on its own, as og did before it cut lines out of paragraphs."""
    monkeypatch.setattr(Paragraph, "_cut_out", lambda self, start, end: None)


def _count_cuts(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    cut_out = Paragraph._cut_out

    def counted(self: Paragraph, start: int, end: int) -> object:
        found = cut_out(self, start, end)
        counts["cut" if found is not None else "shaped"] += 1
        return found

    monkeypatch.setattr(Paragraph, "_cut_out", counted)
    return counts


@pytest.fixture(scope="module")
def uncut_layouts() -> list[str]:
    """Every block laid out with lines shaped alone, by a font set of its own (no cache
    shared with the cut layouts)."""
    fonts = FontSet.from_folders(FONTS_DIR, allow_system=True)
    with pytest.MonkeyPatch.context() as patch:
        _uncut(patch)
        return [repr(layout_text(block, fonts)) for block in _blocks()]


def test_lines_cut_out_of_the_paragraph_are_the_lines_shaped_alone(fonts, uncut_layouts, monkeypatch):
    counts = _count_cuts(monkeypatch)
    cut = [repr(layout_text(block, fonts)) for block in _blocks()]
    assert len(cut) == len(uncut_layouts)
    for block, mine, alone in zip(_blocks(), cut, uncut_layouts, strict=True):
        assert mine == alone, block  # repr: glyph ids, positions (even -0.0), lines, sizes
    # Most lines were cut out (the speed), and some ends were not clean cuts (the care).
    assert counts["cut"] > 10 * counts["shaped"] > 0


def test_a_cut_harfbuzz_flags_unsafe_would_change_the_lines(fonts, uncut_layouts, monkeypatch):
    """What the flag is for: cutting everywhere a cluster starts changes glyphs (kerning in
    "AVAST" cut inside the word, Arabic joining), so the test above can fail."""
    monkeypatch.setattr(Shaped, "cuts_cleanly",
                        lambda self, at: any(info.cluster == at for info in self.infos))
    careless = [repr(layout_text(block, fonts)) for block in _blocks()]
    assert sum(mine != alone for mine, alone in zip(careless, uncut_layouts, strict=True)) > 3


def _kerned_space_font(path: Path, lookups: str) -> Path:
    """A tiny font: T, a, space, with the OpenType rules ``lookups`` (feature file syntax)."""
    names = [".notdef", "space", "T", "a"]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(" "): "space", ord("T"): "T", ord("a"): "a"})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != "space":
            pen.moveTo((50, 0))
            pen.lineTo((50, 600))
            pen.lineTo((450, 600))
            pen.closePath()
        glyphs[name] = pen.glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (250 if name == "space" else 500, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Kerned Space", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    if lookups:
        addOpenTypeFeaturesFromString(builder.font, lookups)
    builder.save(str(path))
    return path


@pytest.mark.parametrize("lookups, unsafe", [
    ("", None),
    ("feature kern { pos T space -300; } kern;", 0),  # a line may not end before the space
    ("feature kern { pos space a -200; } kern;", 1),  # nor start after it
])
def test_a_font_whose_rules_involve_the_space_is_not_cut_there(tmp_path, monkeypatch, lookups, unsafe):
    """Kerning against the space is lost when a line ending before it (or starting after it)
    is shaped alone: such a cut is not kept (the line is shaped again), and the lines are
    those shaped alone."""
    _kerned_space_font(tmp_path / "KernedSpace.ttf", lookups)
    text = "aT aT aT aT aT aT aT aT aT aT"
    block = TextBlock(((Span(text, TextStyle(families=("Kerned Space",), size=40.0)),),),
                      Box(0, 0, 170.0, 400.0))
    cut_fonts = FontSet.from_folders(tmp_path, allow_system=False)
    counts = _count_cuts(monkeypatch)
    whole = Paragraph(block.paragraphs[0], cut_fonts, block.options)._whole[0]
    assert whole is not None
    spaces = [index for index, char in enumerate(text) if char == " "]
    for offset in (0, 1):
        assert [whole.cuts_cleanly(index + offset) for index in spaces] == [offset != unsafe] * len(spaces)
    cut = layout_text(block, cut_fonts)
    assert len(cut.lines) > 2
    assert (counts["cut"] > counts["shaped"] == 0) if unsafe is None else counts["shaped"] > 0
    monkeypatch.undo()
    _uncut(monkeypatch)
    assert repr(cut) == repr(layout_text(block, FontSet.from_folders(tmp_path, allow_system=False)))
