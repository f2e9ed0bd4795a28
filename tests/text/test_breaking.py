"""og.text.breaking.break_lines on plain widths: no fonts involved."""

from __future__ import annotations

import pytest

from og.text.breaking import break_lines
from og.text.breaking import trimmed_end


def _words(text):
    """Each character 10 px wide; opportunities after each space (UAX #14 style) and at the end."""
    advances = [10.0] * len(text)
    opportunities = [i + 1 for i, c in enumerate(text) if c == " " and i + 1 < len(text)] + [len(text)]
    clusters = list(range(1, len(text) + 1))
    is_space = [c == " " for c in text]
    return advances, opportunities, clusters, is_space


def _lines(text, width):
    breaks = break_lines(*_words(text), width)
    return [text[s:e] for s, e in breaks.lines], breaks.forced


@pytest.mark.parametrize("text, width, lines", [
    ("aaa bbb ccc", 110, ["aaa bbb ccc"]),
    ("aaa bbb ccc", 70, ["aaa bbb ", "ccc"]),  # trailing space hangs: 'aaa bbb' is 70 px
    ("aaa bbb ccc", 69.995, ["aaa bbb ", "ccc"]),  # within WIDTH_EPSILON of 70
    ("aaa bbb ccc", 69.98, ["aaa ", "bbb ", "ccc"]),
    ("aaa bbb ccc", 60, ["aaa ", "bbb ", "ccc"]),
    ("aaa bbb ccc", 30, ["aaa ", "bbb ", "ccc"]),
    ("a b c d e f", 30, ["a b ", "c d ", "e f"]),
    ("", 100, []),
])
def test_greedy_lines(text, width, lines):
    assert _lines(text, width) == (lines, False)


def test_long_word_is_broken_between_clusters_and_flagged():
    lines, forced = _lines("abcdefghij kl", 40)
    assert forced is True
    assert lines == ["abcd", "efgh", "ij ", "kl"]
    assert all(len(line.rstrip()) * 10 <= 40 for line in lines)


def test_emergency_break_never_splits_a_cluster():
    # 'ab' + 3-code-point cluster + 'cd'; the cluster (one 30 px glyph on its first code point).
    advances = [10, 10, 30, 0, 0, 10, 10]
    clusters = [1, 2, 5, 6, 7]
    breaks = break_lines(advances, [7], clusters, [False] * 7, 35)
    assert breaks.forced
    ends = [end for _, end in breaks.lines]
    assert set(ends) <= set(clusters)
    assert breaks.lines[0] == (0, 2)


def test_cluster_wider_than_the_box_gets_its_own_line():
    breaks = break_lines([10, 50, 10], [3], [1, 2, 3], [False] * 3, 20)
    assert breaks.lines == [(0, 1), (1, 2), (2, 3)]


def test_lines_cover_the_text_without_gaps():
    text = "the quick brown fox jumps over the lazy dog " * 5
    breaks = break_lines(*_words(text), 123)
    assert breaks.lines[0][0] == 0 and breaks.lines[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(breaks.lines, breaks.lines[1:]))


@pytest.mark.parametrize("start, end, expected", [(0, 4, 3), (0, 3, 3), (2, 4, 3), (3, 4, 3), (0, 0, 0)])
def test_trimmed_end(start, end, expected):
    assert trimmed_end(start, end, [False, False, False, True]) == expected
