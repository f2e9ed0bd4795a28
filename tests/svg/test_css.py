"""og reads plain style attributes with a split; it must read them exactly as tinycss2 does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from og.svg.css import parse_declarations
from og.svg.css import parse_declarations_css

NAMES = st.sampled_from(["fill", "FONT-size", "font-family", "-inkscape-font-specification", "stroke", "x", "1a"])
#: What style values are made of in real templates (tinycss2 also inserts ``/**/`` between
#: tokens such as ``0`` and ``-0`` that would otherwise read as one: never in a real style).
TOKENS = st.sampled_from(["#fff", "#1E293B", "64px", "0.5", "-0.02em", "Inter", "sans-serif", "url(#g)",
                          "none", "1.25", "Noto Sans CJK JP", "evenodd", "rgb(1, 2, 3)", "100%", "bold",
                          "'DejaVu Sans'", '"Noto Serif"', "'a b', serif"])
VALUES = st.lists(TOKENS, max_size=3).map(" ".join) | st.lists(TOKENS, max_size=3).map(", ".join)


@given(st.lists(st.tuples(NAMES, st.sampled_from([":", " : ", "", "::"]), VALUES), max_size=6),
       st.sampled_from([";", " ; ", ";;"]))
@settings(max_examples=400, deadline=None)
def test_plain_styles_read_as_css_does(declarations: list[tuple[str, str, str]], separator: str) -> None:
    text = separator.join(name + colon + value for name, colon, value in declarations)
    assert parse_declarations(text) == parse_declarations_css(text)


def test_what_the_split_leaves_to_css() -> None:
    for text in ["font-family:'Noto Serif', serif", "font-family:'It''s'", "fill:red !important", "fill:url('#a;b')",
                 "/* c */fill:red", "fill:r\\65 d", "a{b}"]:
        assert parse_declarations(text) == parse_declarations_css(text), text
