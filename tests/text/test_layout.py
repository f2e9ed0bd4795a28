"""og.text.layout.layout_text on explicit TextBlocks: spacing, balance, ellipsis, alignment."""

from __future__ import annotations

import pytest

from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextOptions
from og.text.layout import TextStyle
from og.text.layout import layout_text
from og.text.segment import grapheme_boundaries

LONG = "The quick brown fox jumps over the lazy dog while the cat watches from the window sill"


def block(text, *, box=Box(0, 0, 600, 400), wraps=True, size=40.0, **options):
    style_keys = {"letter_spacing", "word_spacing", "weight", "families", "italic"}
    style = TextStyle(size=size, **{k: v for k, v in options.items() if k in style_keys})
    opts = TextOptions(**{k: v for k, v in options.items() if k not in style_keys})
    paragraphs = tuple((Span(p, style),) for p in text.split("\n"))
    return TextBlock(paragraphs, box, opts, wraps=wraps)


def lay(fonts, text, **kwargs):
    return layout_text(block(text, **kwargs), fonts)


def test_letter_spacing_widens_each_cluster(fonts):
    plain = lay(fonts, "Hello world").lines[0].width
    spaced = lay(fonts, "Hello world", letter_spacing=5.0).lines[0].width
    assert spaced - plain == pytest.approx(5.0 * 11, abs=5.5)


def test_letter_spacing_counts_clusters_not_code_points(fonts):
    text = "e\u0301e\u0301e\u0301"  # three clusters, six code points
    plain = lay(fonts, text).lines[0].width
    spaced = lay(fonts, text, letter_spacing=10.0).lines[0].width
    assert spaced - plain == pytest.approx(10.0 * len(grapheme_boundaries(text)), abs=10.5)
    assert spaced - plain < 10.0 * 6 - 5


def test_word_spacing_widens_spaces(fonts):
    plain = lay(fonts, "a b c d").lines[0].width
    spaced = lay(fonts, "a b c d", word_spacing=10.0).lines[0].width
    assert spaced - plain == pytest.approx(30.0, abs=0.5)


def test_letter_spacing_can_push_text_onto_more_lines(fonts):
    assert len(lay(fonts, LONG, letter_spacing=8.0).lines) > len(lay(fonts, LONG).lines)


def test_balance_makes_the_last_line_longer(fonts):
    text = "The quick brown fox jumps over the lazy dog"
    greedy = lay(fonts, text, box=Box(0, 0, 520, 400))
    balanced = lay(fonts, text, box=Box(0, 0, 520, 400), balance=True)
    assert len(greedy.lines) == len(balanced.lines) == 2
    assert balanced.lines[-1].width > greedy.lines[-1].width
    assert max(line.width for line in balanced.lines) <= 520


def test_max_lines_1_ellipsis_fits_the_width(fonts):
    layout = lay(fonts, LONG, box=Box(10, 0, 300, None), max_lines=1)
    (line,) = layout.lines
    assert layout.truncated
    assert line.text.endswith("\u2026")
    assert line.width <= 300 + 0.01
    assert line.x >= 10 - 0.01
    assert LONG.startswith(line.text[:-1].rstrip())


def test_custom_and_no_ellipsis(fonts):
    custom = lay(fonts, LONG, box=Box(0, 0, 300, None), max_lines=1, ellipsis=" [more]")
    assert custom.lines[0].text.endswith(" [more]")
    assert custom.lines[0].width <= 300 + 0.01
    bare = lay(fonts, LONG, box=Box(0, 0, 300, None), max_lines=1, ellipsis="")
    assert bare.truncated and not bare.lines[0].text.endswith("\u2026")


def test_point_text_too_wide_gets_an_ellipsis(fonts):
    layout = lay(fonts, LONG, box=Box(100, 50, 250, None), wraps=False)
    (line,) = layout.lines
    assert line.text.endswith("\u2026")
    assert line.width <= 250 + 0.01
    assert line.baseline == 50


def test_height_limits_the_lines(fonts):
    layout = lay(fonts, LONG * 3, box=Box(0, 0, 300, 150), line_height=1.25)
    assert len(layout.lines) == 3  # floor(150 / 50)
    assert layout.truncated


def test_shrink_to_fit_and_min_font_size(fonts):
    layout = lay(fonts, LONG, box=Box(0, 0, 600, 100), min_font_size=20.0)
    assert layout.shrunk and not layout.truncated
    assert 20 <= layout.font_size < 40
    assert layout.line_advance == pytest.approx(layout.font_size * 1.25)
    floor = lay(fonts, LONG * 4, box=Box(0, 0, 600, 100), min_font_size=20.0)
    assert floor.font_size == 20 and floor.truncated


@pytest.mark.parametrize("align, expected_x", [("start", 0.0), ("middle", None), ("end", None)])
def test_horizontal_alignment_in_a_box(fonts, align, expected_x):
    layout = lay(fonts, "Short", box=Box(100, 0, 600, 200), align=align)
    line = layout.lines[0]
    left = {"start": 100.0, "middle": 100 + (600 - line.width) / 2, "end": 700 - line.width}[align]
    assert line.x == pytest.approx(left, abs=0.01)


@pytest.mark.parametrize("valign", ["top", "middle", "bottom"])
def test_vertical_alignment(fonts, valign):
    layout = lay(fonts, "One\nTwo", box=Box(0, 100, 600, 400), valign=valign, line_height=1.5)
    top = layout.lines[0].baseline - 40 * 1.5 / 2  # roughly the first line box's top
    block_height = layout.line_advance * 2
    expected = {"top": 100, "middle": 100 + (400 - block_height) / 2, "bottom": 500 - block_height}[valign]
    assert top == pytest.approx(expected, abs=20)
    assert [line.text for line in layout.lines] == ["One", "Two"]


def test_rtl_paragraph_aligns_to_the_right_in_a_start_box(fonts):
    layout = lay(fonts, "שלום עולם", box=Box(0, 0, 600, 200))
    line = layout.lines[0]
    assert line.rtl
    assert line.x + line.width == pytest.approx(600, abs=0.01)


def test_direction_option_forces_rtl(fonts):
    layout = lay(fonts, "abc", box=Box(0, 0, 600, 200), direction="rtl")
    assert layout.lines[0].rtl
    assert layout.lines[0].x + layout.lines[0].width == pytest.approx(600, abs=0.01)


def test_runs_are_contiguous_and_sum_to_the_line_width(fonts):
    layout = lay(fonts, "Mixed عربي text 👩\u200d💻 and 日本語", box=Box(0, 0, 1200, 200))
    (line,) = layout.lines
    x = line.x
    for run in line.runs:
        assert run.x == pytest.approx(x, abs=0.01)
        x += run.width
    assert x - line.x == pytest.approx(line.width, abs=0.01)


def test_missing_code_points_are_reported(fonts):
    layout = lay(fonts, "a\U000E01EFb\u0378")
    assert "U+0378" in layout.missing


def test_nothing_missing_for_common_text(fonts):
    assert lay(fonts, "Héllo wörld — “quotes” €100").missing == ()


def test_no_wrap_without_width(fonts):
    layout = lay(fonts, LONG, box=Box(0, 0, None, None))
    assert len(layout.lines) == 1 and not layout.truncated


def test_tight_line_height_stays_in_the_box(fonts):
    layout = lay(fonts, LONG * 2, box=Box(0, 100, 600, 230), line_height=1.0)
    assert layout.lines[0].top >= 100 - 0.5
    assert layout.lines[-1].bottom <= 330 + 0.5
