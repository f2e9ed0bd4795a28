"""A character no font draws is never a missing-glyph box and never silently lost: it is left
out and reported (``drop``, the default) or drawn as U+FFFD (``og:missing-glyphs="mark"``)."""

from __future__ import annotations

import typing as t

import pytest

from og.text.layout import Box
from og.text.layout import Span
from og.text.layout import TextBlock
from og.text.layout import TextOptions
from og.text.layout import TextStyle
from og.text.layout import layout_text

GARAY = "\U00010d4a"  # Garay (Unicode 16): no font of the chain draws it (see og doctor)


def _layout(fonts: t.Any, mode: str) -> t.Any:
    style = TextStyle(("Inter",), 40.0)
    block = TextBlock(((Span(f"Name {GARAY} here", style),),), Box(0, 0, 1000, 200),
                      TextOptions(missing_glyphs=mode))  # type: ignore[arg-type]
    return layout_text(block, fonts)


@pytest.mark.parametrize("mode", ["drop", "mark"])
def test_missing_characters_are_reported_either_way(fonts: t.Any, mode: str) -> None:
    assert _layout(fonts, mode).missing == ("U+10D4A",)


def test_mark_draws_a_replacement_character(fonts: t.Any) -> None:
    dropped, marked = _layout(fonts, "drop"), _layout(fonts, "mark")
    assert "\ufffd" in marked.lines[0].text and "\ufffd" not in dropped.lines[0].text
    glyphs = [sum(len(run.glyphs) for run in layout.lines[0].runs) for layout in (dropped, marked)]
    assert glyphs[1] == glyphs[0] + 1, "the mark is one more glyph drawn, where the character was"
    assert marked.lines[0].width > dropped.lines[0].width
