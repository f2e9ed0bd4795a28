"""Typography Chromium does: hyphens at soft-hyphen breaks, ``hyphens: auto`` (pyphen), adjacent
CJK punctuation trimmed, and (beyond Chromium's default) phrase-aware Japanese breaking."""

from __future__ import annotations

import pyphen
import pytest

from og.text.breaking import break_lines
from og.text.cjk_spacing import trim_features
from og.text.hyphens import MIN_AFTER
from og.text.hyphens import MIN_BEFORE
from og.text.hyphens import MIN_WORD_LETTERS
from og.text.hyphens import SOFT_HYPHEN
from og.text.hyphens import hyphenation_points
from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextOptions
from og.text.layout import TextStyle
from og.text.layout import layout_text
from og.text.phrases import phrase_boundaries

HYPHEN = "\u2010"
SIZE = 40.0
CJK = ("Noto Sans CJK JP",)


def lay(fonts, text, width, families=("Inter",), **options):
    style = TextStyle(families=families, size=SIZE)
    block = TextBlock(((Span(text, style),),), Box(0, 0, width, 2000), TextOptions(**options))
    return layout_text(block, fonts)


def one_line_width(fonts, text, families=("Inter",), **options):
    (line,) = lay(fonts, text, 5000, families, **options).lines
    return line.width


def texts(layout):
    return [line.text for line in layout.lines]


def inside(layout, width):
    return all(line.x >= -0.01 and line.x + line.width <= width + 0.01 for line in layout.lines)


# -- the line breaker's two new inputs, on plain widths -------------------------------------

def _plain(text):
    return [10.0] * len(text), list(range(1, len(text) + 1)), [c == " " for c in text]


def test_a_line_ending_with_extra_width_must_fit_with_it():
    advances, clusters, spaces = _plain("aaaabbbb")
    # A hyphenated break after 4 letters; 4 letters fit in 45 px, with a 10 px hyphen they do not.
    plain = break_lines(advances, [4, 8], clusters, spaces, 45)
    hyphenated = break_lines(advances, [2, 4, 8], clusters, spaces, 45, end_extra={2: 10.0, 4: 10.0})
    assert plain.lines == [(0, 4), (4, 8)]
    assert hyphenated.lines[0] == (0, 2)


def test_avoided_opportunities_are_taken_only_when_nothing_else_fits():
    advances, clusters, spaces = _plain("abcdefgh")
    # "abc|defgh" is a phrase boundary, 5 and 7 are inside phrases.
    assert break_lines(advances, [3, 5, 7, 8], clusters, spaces, 60, avoid={5, 7}).lines[0] == (0, 3)
    assert break_lines(advances, [3, 5, 7, 8], clusters, spaces, 60).lines[0] == (0, 5)
    # No boundary fits: an opportunity inside the phrase still beats an emergency break.
    result = break_lines(advances, [5, 7, 8], clusters, spaces, 60, avoid={5, 7})
    assert result.lines[0] == (0, 5) and not result.forced


# -- soft hyphens ----------------------------------------------------------------------------

WORD = "Kon\u00adzert\u00adsaal\u00adbe\u00adleuch\u00adtung"


def test_a_soft_hyphen_break_draws_a_hyphen_from_the_lines_font(fonts):
    layout = lay(fonts, WORD, 250)
    assert len(layout.lines) > 1 and not layout.forced_breaks
    for line in layout.lines[:-1]:
        assert line.text.endswith(HYPHEN) and SOFT_HYPHEN not in line.text[-2:]
        hyphen = line.runs[-1]
        assert hyphen.text == HYPHEN and hyphen.font.face.family == "Inter" and hyphen.glyphs
        # Drawn right after the last letter, inside the box.
        assert hyphen.x == pytest.approx(line.runs[-2].x + line.runs[-2].width, abs=0.01)
    assert not layout.lines[-1].text.endswith(HYPHEN)
    assert "".join(t.removesuffix(HYPHEN) for t in texts(layout)).replace(SOFT_HYPHEN, "") == \
        WORD.replace(SOFT_HYPHEN, "")
    assert inside(layout, 250)


def test_the_hyphen_is_measured_when_choosing_the_break(fonts):
    hyphen = one_line_width(fonts, HYPHEN)
    konzert = one_line_width(fonts, "Konzert")
    # "Konzert" fits, "Konzert‐" does not: the line must end earlier, at "Kon‐".
    layout = lay(fonts, "Kon\u00adzert\u00adsaal", konzert + hyphen / 2)
    assert texts(layout)[0] == "Kon" + HYPHEN
    assert inside(layout, konzert + hyphen / 2)


def test_soft_hyphens_draw_nothing_inside_a_line(fonts):
    (line,) = lay(fonts, WORD, 2000).lines
    (plain,) = lay(fonts, WORD.replace(SOFT_HYPHEN, ""), 2000).lines
    assert HYPHEN not in line.text and "-" not in line.text
    assert line.width == pytest.approx(plain.width, abs=0.01)
    drawn = [g.x for run in line.runs for g in run.glyphs]
    assert len(drawn) == len(WORD)  # the soft hyphens' glyphs are empty (HarfBuzz hides them)


def test_hyphens_none_makes_soft_hyphens_no_break(fonts):
    layout = lay(fonts, WORD, 250, hyphens="none")
    assert layout.forced_breaks  # broken like one long word, without hyphens
    assert not any(HYPHEN in t for t in texts(layout))


# -- hyphens: auto ---------------------------------------------------------------------------

def _unhyphenated(layout):
    return "".join(t.removesuffix(HYPHEN) + ("" if t.endswith(HYPHEN) else " ") for t in texts(layout))


def _break_offsets(layout):
    offsets, total = [], 0
    for text in texts(layout)[:-1]:
        total += len(text.removesuffix(HYPHEN))
        offsets.append(total)
    return offsets


@pytest.mark.parametrize("lang, word", [
    ("de", "Donaudampfschifffahrtsgesellschaft"),
    ("de", "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"),
    ("nl", "Arbeidsongeschiktheidsverzekering"),
    ("nl", "Kindercarnavalsoptochtvoorbereidingswerkzaamheden"),
])
def test_compounds_in_a_narrow_box_break_at_syllables(fonts, lang, word):
    width = 240
    anywhere = lay(fonts, word, width, lang=lang)
    assert anywhere.forced_breaks  # without hyphenation: cut anywhere, no hyphen
    layout = lay(fonts, word, width, lang=lang, hyphens="auto")
    assert not layout.forced_breaks and len(layout.lines) > 2
    assert all(t.endswith(HYPHEN) for t in texts(layout)[:-1])
    assert "".join(t.removesuffix(HYPHEN) for t in texts(layout)) == word
    syllables = set(pyphen.Pyphen(lang=lang, left=MIN_BEFORE, right=MIN_AFTER).positions(word))
    assert set(_break_offsets(layout)) <= syllables
    assert inside(layout, width)


@pytest.mark.parametrize("lang, sentence", [
    ("de", "Die Weltgesundheitsorganisation veröffentlicht ihren Jahresbericht zur "
           "Arzneimittelversorgung in Entwicklungsländern"),
    ("nl", "De gemeenteraadsverkiezingen in Nederland worden volgend voorjaar georganiseerd"),
])
def test_a_real_sentence_hyphenates_only_the_words_that_do_not_fit(fonts, lang, sentence):
    width = 330
    layout = lay(fonts, sentence, width, lang=lang, hyphens="auto")
    assert not layout.forced_breaks and inside(layout, width)
    assert _unhyphenated(layout).split() == sentence.split()
    assert any(t.endswith(HYPHEN) for t in texts(layout))
    # A line that ends with a hyphen could not have taken the whole word.
    for number, text in enumerate(texts(layout)[:-1]):
        if text.endswith(HYPHEN):
            rest = texts(layout)[number + 1].split()[0]
            whole = text.removesuffix(HYPHEN) + rest
            assert one_line_width(fonts, whole) > width, whole


def test_hyphenation_is_a_last_resort_not_a_habit(fonts):
    # Every word fits its line: the same lines as without hyphenation, no hyphen.
    text = "Die Katze schläft heute lange auf dem warmen Sofa"
    auto = lay(fonts, text, 1000, lang="de", hyphens="auto")
    assert texts(auto) == texts(lay(fonts, text, 1000, lang="de"))
    assert HYPHEN not in "".join(texts(auto))


def test_hyphenation_needs_og_lang(fonts):
    word = "Donaudampfschifffahrtsgesellschaft"
    assert lay(fonts, word, 240, hyphens="auto").forced_breaks  # no language, no dictionary


def test_hyphenation_points_keep_the_minimum_lengths():
    text = "Katze Donaudampfschifffahrt Schifffahrtsgesellschaft"
    points = hyphenation_points(text, "de")
    assert points
    for point in points:
        start = text.rfind(" ", 0, point) + 1
        end = text.find(" ", point) if " " in text[point:] else len(text)
        assert end - start >= MIN_WORD_LETTERS
        assert point - start >= MIN_BEFORE and end - point >= MIN_AFTER
    assert not [p for p in points if p < 5]  # "Katze": Kat-ze would leave two letters


def test_english_leaves_capitalised_words_whole():
    assert hyphenation_points("Representation", "en-US") == []
    assert hyphenation_points("representation", "en-US")
    assert hyphenation_points("Darstellung", "de")  # German capitalises every noun


# -- Japanese punctuation --------------------------------------------------------------------

@pytest.mark.parametrize("text, ems", [
    ("」、「", 2.0),  # 」 loses its trailing half (before 、), 「 its leading half (after 、)
    ("。」", 1.5),
    ("（「", 1.5),
    ("「東京」「大阪」", 7.5),
    ("国、国。国", 5.0),  # no adjacent pair: nothing trimmed
])
def test_adjacent_full_width_punctuation_is_tightened(fonts, text, ems):
    assert one_line_width(fonts, text, CJK, lang="ja") == pytest.approx(ems * SIZE, abs=0.01)


def test_the_trimmed_opening_bracket_moves_left(fonts):
    (line,) = lay(fonts, "」「", 5000, CJK, lang="ja").lines
    closing, opening = (g for run in line.runs for g in run.glyphs)
    # 」 keeps its em; 「 draws half an em further left than it would (halt's x offset), so
    # the two brackets' ink, each in the near half of its em, ends up half an em apart.
    assert opening.x - closing.x == pytest.approx(SIZE / 2, abs=0.01)
    assert line.width == pytest.approx(1.5 * SIZE, abs=0.01)


def test_the_cjk_font_has_halt_and_no_chws(fonts):
    font = fonts.pick(CJK, 400, False, "」")
    assert font is not None
    assert trim_features(font.face.hb_face, {1}, 0, 3) == (("halt", 1, 2),)
    assert trim_features(font.face.hb_face, {5}, 0, 3) == ()


def test_tightening_fits_one_more_character_on_a_line(fonts):
    width = 10 * SIZE
    # Two 。」 pairs save a whole em: eleven full-width characters in a ten-em line.
    layout = lay(fonts, "あ。」あ。」いうえおかきくけこ", width, CJK, lang="ja", word_break="normal")
    first = layout.lines[0]
    assert len(first.text) == 11 and first.width <= width
    spaced = lay(fonts, "あ。あ」あ。あ」いうえおかきくけこ", width, CJK, lang="ja", word_break="normal")
    assert len(spaced.lines[0].text) == 10  # the same marks, not adjacent: ten


# -- phrases ---------------------------------------------------------------------------------

TITLE = "日本語の見出しを読みやすい位置で改行する方法"


def _line_ends(layout):
    ends, total = [], 0
    for text in texts(layout)[:-1]:
        total += len(text)
        ends.append(total)
    return ends


def test_auto_phrase_breaks_only_between_phrases(fonts):
    phrases = set(phrase_boundaries(TITLE, "ja") or [])
    width = 6 * SIZE + 5
    plain = lay(fonts, TITLE, width, CJK, lang="ja", word_break="normal")
    assert not set(_line_ends(plain)) <= phrases  # ICU alone splits phrases here
    layout = lay(fonts, TITLE, width, CJK, lang="ja", word_break="auto-phrase")
    assert set(_line_ends(layout)) <= phrases
    assert "".join(texts(layout)) == TITLE and inside(layout, width)


def test_a_phrase_wider_than_the_box_still_breaks_inside_it(fonts):
    width = 3 * SIZE + 5  # "読みやすい" is five characters
    layout = lay(fonts, TITLE, width, CJK, lang="ja", word_break="auto-phrase")
    assert "".join(texts(layout)) == TITLE and inside(layout, width)
    assert not layout.forced_breaks


def test_auto_phrase_leaves_latin_text_alone(fonts):
    text = "Phrases are a CJK matter, Latin words break as before"
    assert texts(lay(fonts, text, 300, word_break="auto-phrase")) == texts(lay(fonts, text, 300))
