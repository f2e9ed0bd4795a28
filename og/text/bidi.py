"""The Unicode Bidirectional Algorithm (UAX #9), done before shaping.

Levels come from ICU per paragraph; reordering of a line's runs (rule L2) is done here
on whole runs, because og shapes runs, not single characters.
"""

from __future__ import annotations

import typing as t

import icu

from .segment import utf16_to_index

T = t.TypeVar("T")

_AUTO_LTR = 0xFE  # UBIDI_DEFAULT_LTR: first strong character decides, else LTR


def embedding_levels(text: str, direction: str = "auto") -> tuple[int, list[int]]:
    """Return the paragraph level (0 LTR, 1 RTL) and one embedding level per code point.

    :param direction: ``"ltr"``, ``"rtl"`` or ``"auto"`` (first strong character).

    >>> embedding_levels("abc אב")
    (0, [0, 0, 0, 0, 1, 1])
    """
    if not text:
        return (1 if direction == "rtl" else 0), []
    para = {"ltr": 0, "rtl": 1}.get(direction, _AUTO_LTR)
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(text), para)
    utf16_levels = bidi.getLevels()
    if max(text) <= "\uffff":
        return int(bidi.getParaLevel()), list(utf16_levels)  # one UTF-16 unit per code point
    to_index = utf16_to_index(text)
    levels = [0] * len(text)
    for offset, index in to_index.items():
        if index < len(text):
            levels[index] = utf16_levels[offset]
    return int(bidi.getParaLevel()), levels


def visual_order(items: t.Sequence[T], levels: t.Sequence[int]) -> list[T]:
    """Reorder a line's runs from logical to visual order (UAX #9 rule L2).

    From the highest level down to the lowest odd level, reverse every maximal
    sequence of runs at that level or higher.

    >>> visual_order("abc", [0, 1, 1])
    ['a', 'c', 'b']
    """
    order = list(range(len(items)))
    if not levels:
        return []
    highest = max(levels)
    lowest_odd = min(level for level in levels) | 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return [items[i] for i in order]
