"""Adjacent full-width punctuation set tighter, as Chromium's default ``text-spacing-trim``.

A full-width bracket or full stop carries half an em of blank space inside its glyph, so
``」、「`` or ``。」`` side by side leave a visible hole. CSS Text 4 ("trim-adjacent") sets one
of each such pair half-width: an opening bracket after an opening or closing mark, a middle
dot or an ideographic space loses its leading half; a closing mark before a closing mark, a
middle dot or an ideographic space loses its trailing half. The font does the trimming:
its ``chws`` feature where it has one (contextual, so the font decides), else ``halt``
(half-width forms) on exactly those characters. Punctuation at the start or end of a line
keeps its full width (CSS ``normal``), so only text with such pairs changes at all.
"""

from __future__ import annotations

import typing as t
import unicodedata

import uharfbuzz as hb

OPEN, CLOSE, MIDDLE, SPACE = "open", "close", "middle", "space"
IDEOGRAPHIC_SPACE = "\u3000"
#: Full stops and commas sit in the left half of the em in Japanese and Simplified Chinese
#: (closing-like, trimmable); Traditional Chinese centres them (never trimmed).
_STOPS = "\u3001\u3002\uff0c\uff0e"  # 、。，．
#: Colons and semicolons: centred in Japanese (a neighbour only), left-set in Simplified Chinese.
_COLONS = "\uff1a\uff1b"  # ：；
_MIDDLE_DOTS = "\u30fb\u00b7\u2027"  # ・·‧
_TRADITIONAL = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")

#: Feature tuples as :func:`og.text.shape.shape` passes them to HarfBuzz: (tag, start, end).
Features = tuple[tuple[str, int, int], ...]


def punctuation_class(char: str, lang: str) -> str | None:
    """How ``char`` takes part in trimming in ``lang``: open, close, middle, space or None.

    >>> [punctuation_class(c, "ja") for c in "「。：a"]
    ['open', 'close', 'middle', None]
    >>> punctuation_class("：", "zh-Hans"), punctuation_class("。", "zh-Hant")
    ('close', None)
    """
    lang = lang.lower()
    if char == IDEOGRAPHIC_SPACE:
        return SPACE
    if char in _MIDDLE_DOTS:
        return MIDDLE
    if char in _STOPS:
        return None if lang.startswith(_TRADITIONAL) else CLOSE
    if char in _COLONS:
        if lang.startswith(_TRADITIONAL):
            return None
        return CLOSE if lang.startswith("zh") else MIDDLE
    if unicodedata.east_asian_width(char) not in ("W", "F"):
        return None
    return {"Ps": OPEN, "Pe": CLOSE}.get(unicodedata.category(char))


def trimmed_positions(text: str, lang: str) -> frozenset[int]:
    """Indices of the characters set half-width by trim-adjacent.

    >>> sorted(trimmed_positions("国」、「国。」（「国", "ja"))
    [1, 3, 5, 7, 8]
    """
    of_char = {char: punctuation_class(char, lang) for char in set(text)}
    classes = [of_char[char] for char in text]
    trimmed = set()
    for index in range(len(text) - 1):
        here, after = classes[index], classes[index + 1]
        if here == CLOSE and after in (CLOSE, MIDDLE, SPACE):
            trimmed.add(index)
        if after == OPEN and here in (OPEN, CLOSE, MIDDLE, SPACE):
            trimmed.add(index + 1)
    return frozenset(trimmed)


def _gpos_features(face: hb.Face) -> set[str]:
    scripts = face.get_table_script_tags("GPOS")
    return {tag for index in range(len(scripts)) for tag in face.get_language_feature_tags("GPOS", index)}


def trim_features(face: hb.Face, trimmed: t.Collection[int], start: int, end: int) -> Features:
    """The HarfBuzz features that trim the characters of ``trimmed`` within ``[start, end)``
    in ``face``: ``chws`` over the range if the face has it, else ``halt`` per character."""
    inside = sorted(index for index in trimmed if start <= index < end)
    if not inside:
        return ()
    available = _gpos_features(face)
    if "chws" in available:
        return (("chws", start, end),)
    if "halt" in available:
        return tuple(("halt", index, index + 1) for index in inside)
    return ()
