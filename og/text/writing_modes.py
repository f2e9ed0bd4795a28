"""Vertical writing modes (CSS Writing Modes 3): which way lines run and how each character
stands in them. Plain data and a character table; the layout is :mod:`.vertical`.

``writing-mode: vertical-rl`` (SVG 1.1's ``tb-rl``, what Inkscape writes) stacks characters
top to bottom in columns that follow each other right to left; ``vertical-lr`` (``tb``)
left to right. ``text-orientation: mixed`` sets characters that are upright in vertical
Japanese, Chinese and Korean (UAX #50 Vertical_Orientation U, Tu, Tr) upright and turns the
rest (Latin, digits, Arabic…) 90° clockwise; ``upright`` sets every character upright and
``sideways`` turns every one (and then the alphabetic baseline, not the central one, is on
the line's position).
"""

from __future__ import annotations

import bisect
import dataclasses
import typing as t

Mode = t.Literal["vertical-rl", "vertical-lr"]
Orientation = t.Literal["mixed", "upright", "sideways"]

#: CSS / SVG 1.1 values of ``writing-mode`` that make vertical text. (Inkscape 1.2 draws CSS 4's
#: ``sideways-rl``/``sideways-lr`` as horizontal text, and so does og.)
MODES: dict[str, Mode] = {"vertical-rl": "vertical-rl", "tb-rl": "vertical-rl", "tb": "vertical-rl",
                          "vertical-lr": "vertical-lr"}

#: Code point ranges whose characters stand upright in vertical text (UAX #50, ``U``/``Tu``/
#: ``Tr``), first and last of each, sorted: the East Asian scripts and their punctuation, full
#: width forms, symbols and emoji. Everything else is set sideways in ``mixed``.
_UPRIGHT = (
    (0x00A7, 0x00A7), (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x00B1, 0x00B1), (0x00BC, 0x00BE),
    (0x00D7, 0x00D7), (0x00F7, 0x00F7), (0x02EA, 0x02EB), (0x1100, 0x11FF), (0x1401, 0x167F),
    (0x18B0, 0x18FF), (0x2016, 0x2016), (0x2020, 0x2021), (0x2030, 0x2031), (0x203B, 0x203C),
    (0x2042, 0x2042), (0x2047, 0x2049), (0x2051, 0x2051), (0x2065, 0x2065), (0x20DD, 0x20E0),
    (0x20E2, 0x20E4), (0x2100, 0x2101), (0x2103, 0x2109), (0x210F, 0x210F), (0x2113, 0x2114),
    (0x2116, 0x2117), (0x211E, 0x2123), (0x2125, 0x2125), (0x2127, 0x2127), (0x2129, 0x2129),
    (0x212E, 0x212E), (0x2135, 0x213F), (0x2145, 0x214A), (0x214C, 0x214D), (0x214F, 0x2189),
    (0x218C, 0x218F), (0x221E, 0x221E), (0x2234, 0x2235), (0x2300, 0x2307), (0x230C, 0x231F),
    (0x2324, 0x2328), (0x232B, 0x232B), (0x237D, 0x239A), (0x23BE, 0x23CD), (0x23CF, 0x23CF),
    (0x23D1, 0x23DB), (0x23E2, 0x2422), (0x2424, 0x24FF), (0x25A0, 0x2619), (0x2620, 0x2767),
    (0x2776, 0x2793), (0x2B12, 0x2B2F), (0x2B50, 0x2B59), (0x2BB8, 0x2BFF), (0x2E80, 0x2FFF),
    (0x3000, 0x30FF), (0x3100, 0x312F), (0x3130, 0x318F), (0x3190, 0x31BF), (0x31C0, 0x31FF),
    (0x3200, 0x32FF), (0x3300, 0x33FF), (0x3400, 0x4DBF), (0x4DC0, 0x4DFF), (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xE000, 0xFAFF), (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F), (0xFE50, 0xFE6F), (0xFF01, 0xFF60), (0xFFE0, 0xFFE7), (0xFFF0, 0xFFF8),
    (0xFFFC, 0xFFFD), (0x1B000, 0x1B2FF), (0x1F000, 0x1FAFF), (0x20000, 0x3FFFD),
)
_STARTS = [low for low, _ in _UPRIGHT]


@dataclasses.dataclass(frozen=True)
class Vertical:
    """How a vertical text block runs: its writing mode and text orientation."""

    mode: Mode = "vertical-rl"
    orientation: Orientation = "mixed"


def stands_upright(char: str, orientation: Orientation) -> bool:
    """Whether ``char`` is set upright (not turned) in a line of ``orientation``.

    >>> [stands_upright(c, "mixed") for c in "日A、１"], stands_upright("A", "upright")
    ([True, False, True, True], True)
    """
    if orientation != "mixed":
        return orientation == "upright"
    code = ord(char)
    index = bisect.bisect_right(_STARTS, code) - 1
    return index >= 0 and _UPRIGHT[index][0] <= code <= _UPRIGHT[index][1]
