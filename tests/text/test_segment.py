"""og.text.segment: clusters, line-break opportunities and scripts, in str indices."""

from __future__ import annotations

import pytest

from og.text.segment import grapheme_boundaries
from og.text.segment import graphemes
from og.text.segment import is_emoji_cluster
from og.text.segment import line_break_opportunities
from og.text.segment import resolve_scripts
from og.text.segment import runs
from og.text.segment import script_of

WOMAN_TECHNOLOGIST = "\U0001F469\u200d\U0001F4BB"


@pytest.mark.parametrize("text, clusters", [
    ("abc", ["a", "b", "c"]),
    ("e\u0301x", ["e\u0301", "x"]),
    (WOMAN_TECHNOLOGIST + "!", [WOMAN_TECHNOLOGIST, "!"]),
    ("\U0001F44D\U0001F3FD", ["\U0001F44D\U0001F3FD"]),  # skin tone modifier
    ("\U0001F1EF\U0001F1F5\U0001F1FA\U0001F1F8", ["\U0001F1EF\U0001F1F5", "\U0001F1FA\U0001F1F8"]),  # flags
    ("1\ufe0f\u20e3", ["1\ufe0f\u20e3"]),  # keycap
    ("\u2764\ufe0f", ["\u2764\ufe0f"]),
    ("हिन्दी", ["हि", "न्दी"]),
    ("กำ", ["กำ"]),
    ("\r\n", ["\r\n"]),
    ("", []),
])
def test_graphemes(text, clusters):
    assert graphemes(text) == clusters
    assert "".join(clusters) == text


def test_grapheme_boundaries_are_str_indices_after_astral_characters():
    # 😀 is 2 UTF-16 units; the boundaries must count it as 1.
    assert grapheme_boundaries("😀a😀") == [1, 2, 3]
    assert grapheme_boundaries("a" + WOMAN_TECHNOLOGIST + "b") == [1, 4, 5]


@pytest.mark.parametrize("text, lang, expected", [
    ("Hello big world", "", [6, 10, 15]),
    ("😀 😀 😀", "", [2, 4, 5]),
    ("𝐀𝐁 𝐂", "", [3, 4]),  # mathematical bold letters: astral, one index each
    ("well-known", "", [5, 10]),
    ("a\u00a0b c", "", [4, 5]),  # no break at a no-break space
])
def test_line_break_opportunities(text, lang, expected):
    assert line_break_opportunities(text, lang) == expected


def test_opportunities_end_with_the_length_and_are_increasing():
    for text in ("日本語のテキスト。", "ภาษาไทยง่ายนิดเดียว", "مرحبا بالعالم", "a" * 50):
        found = line_break_opportunities(text)
        assert found[-1] == len(text)
        assert found == sorted(set(found))


def test_thai_breaks_between_words_not_inside_them():
    text = "ภาษาไทยง่ายนิดเดียว"  # ภาษา ไทย ง่าย นิด เดียว
    found = line_break_opportunities(text, "th")
    assert text.index("ไทย") in found
    assert text.index("ง่าย") in found
    assert 1 not in found and 2 not in found  # not inside ภาษา


def test_japanese_kinsoku_never_breaks_before_closing_punctuation():
    text = "日本語「括弧」です。終わり、です）ね"
    found = line_break_opportunities(text, "ja")
    for index, char in enumerate(text):
        if char in "。、」）":
            assert index not in found, f"break before {char!r}"
        if char in "「（":
            assert index + 1 not in found, f"break after {char!r}"


@pytest.mark.parametrize("char, script", [
    ("a", "Latn"), ("α", "Grek"), ("ж", "Cyrl"), ("ب", "Arab"), ("א", "Hebr"), ("ह", "Deva"),
    ("ก", "Thai"), ("あ", "Hira"), ("カ", "Kana"), ("漢", "Hani"), ("한", "Hang"), (" ", "Zyyy"),
    ("\u0301", "Zinh"),
])
def test_script_of(char, script):
    assert script_of(char) == script


def test_resolve_scripts_gives_common_characters_their_neighbours_script():
    assert resolve_scripts("ab 12 بت") == ["Latn"] * 6 + ["Arab"] * 2
    assert resolve_scripts(" 1 a") == ["Latn"] * 4
    assert resolve_scripts("123") == ["Zyyy"] * 3


@pytest.mark.parametrize("cluster, emoji", [
    (WOMAN_TECHNOLOGIST, True), ("\u2764\ufe0f", True), ("\u2764", False), ("\u2764\ufe0e", False),
    ("1\ufe0f\u20e3", True), ("1", False), ("\U0001F1EF\U0001F1F5", True), ("\U0001F600", True),
    ("#", False), ("\u2605", False),
])
def test_is_emoji_cluster(cluster, emoji):
    assert is_emoji_cluster(cluster) is emoji


def test_runs():
    assert list(runs("aabccc")) == [(0, 2), (2, 3), (3, 6)]
    assert list(runs([])) == []
