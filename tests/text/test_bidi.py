"""og.text.bidi: ICU levels per code point and run reordering (UAX #9 rule L2)."""

from __future__ import annotations

import icu
import pytest

from og.text.bidi import embedding_levels
from og.text.bidi import visual_order

ALEF, BET = "\u05d0", "\u05d1"


@pytest.mark.parametrize("text, direction, para, levels", [
    ("abc", "auto", 0, [0, 0, 0]),
    (ALEF + BET, "auto", 1, [1, 1]),
    ("ab " + ALEF, "auto", 0, [0, 0, 0, 1]),
    (ALEF + " ab", "auto", 1, [1, 1, 2, 2]),
    ("abc", "rtl", 1, [2, 2, 2]),
    (ALEF + BET, "ltr", 0, [1, 1]),
    ("123", "auto", 0, [0, 0, 0]),
    ("", "rtl", 1, []),
    ("", "auto", 0, []),
])
def test_embedding_levels(text, direction, para, levels):
    assert embedding_levels(text, direction) == (para, levels)


def test_levels_are_per_code_point_with_astral_characters():
    # Each emoji is two UTF-16 units but one str index.
    assert embedding_levels("😀😀a" + ALEF + "😀b") == (0, [0, 0, 0, 1, 0, 0])
    assert embedding_levels(ALEF + "😀😀" + BET) == (1, [1, 1, 1, 1])


def test_arabic_digits_after_arabic_are_a_number_run():
    text = "Release الإصدار 2.0 is out"
    _, levels = embedding_levels(text)
    assert levels[text.index("2")] == 2
    assert levels[text.index("ا")] == 1
    assert levels[0] == levels[-1] == 0


@pytest.mark.parametrize("items, levels, expected", [
    ("abc", [0, 0, 0], list("abc")),
    ("abc", [1, 1, 1], list("cba")),
    ("abc", [0, 1, 1], list("acb")),
    ("abcd", [0, 1, 2, 1], list("adcb")),  # a level-2 run is reversed with its level-1 neighbours
    ("abcde", [1, 2, 2, 1, 0], list("dbcae")),
    ("", [], []),
])
def test_visual_order(items, levels, expected):
    assert visual_order(list(items), levels) == expected


@pytest.mark.parametrize("text", [
    "Release الإصدار 2.0 is out",
    "abc " + ALEF + BET + " 123 " + BET + " def",
    ALEF + " (abc) " + BET,
    "نسخة 3.14 من og",
])
def test_visual_order_of_characters_matches_icu(text):
    _, levels = embedding_levels(text)
    ours = "".join(visual_order(list(text), levels))
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(text), 0xFE)
    theirs = str(bidi.writeReordered(0))
    assert ours.replace("(", "").replace(")", "") == theirs.replace("(", "").replace(")", "")
