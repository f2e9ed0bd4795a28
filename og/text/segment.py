"""Where text may be split: grapheme clusters, line-break opportunities, scripts.

Everything here comes from ICU, so that og follows the Unicode rules (UAX #29 for
clusters, UAX #14 plus ICU's dictionaries for Thai/Lao/Khmer/Burmese line breaks,
UAX #24 for scripts) instead of guessing with regular expressions.

ICU counts in UTF-16 code units; og counts in code points (Python ``str`` indices).
:func:`utf16_to_index` converts at the boundary so nothing else has to care.
"""

from __future__ import annotations

import threading
import typing as t

import icu

ZWJ = "\u200d"  # ZERO WIDTH JOINER: glues emoji into one sequence


def utf16_to_index(text: str) -> dict[int, int]:
    """Map each UTF-16 offset that starts a code point (and the end) to its str index."""
    mapping: dict[int, int] = {}
    offset = 0
    for index, char in enumerate(text):
        mapping[offset] = index
        offset += 2 if ord(char) > 0xFFFF else 1
    mapping[offset] = len(text)
    return mapping


def _boundaries(iterator: icu.BreakIterator, text: str) -> list[int]:
    iterator.setText(icu.UnicodeString(text))
    if max(text) <= "\uffff":
        return list(iterator)  # no surrogate pairs: UTF-16 offsets are str indices
    to_index = utf16_to_index(text)
    return [to_index[offset] for offset in iterator]


class _Iterators(threading.local):
    """ICU break iterators hold the text they walk: one set per thread, never shared."""

    def __init__(self) -> None:
        self.lines: dict[str, icu.BreakIterator] = {}
        self.characters = icu.BreakIterator.createCharacterInstance(icu.Locale.getRoot())

    def line(self, locale: str) -> icu.BreakIterator:
        if locale not in self.lines:
            self.lines[locale] = icu.BreakIterator.createLineInstance(icu.Locale(locale))
        return self.lines[locale]


_iterators = _Iterators()


def grapheme_boundaries(text: str) -> list[int]:
    """End offsets of the grapheme clusters of ``text`` (the last one is ``len(text)``).

    >>> grapheme_boundaries("e\u0301👩\u200d💻!")
    [2, 5, 6]
    """
    if not text:
        return []
    return _boundaries(_iterators.characters, text)


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters; fallback never splits one."""
    start = 0
    clusters = []
    for end in grapheme_boundaries(text):
        clusters.append(text[start:end])
        start = end
    return clusters


def line_break_opportunities(text: str, lang: str = "") -> list[int]:
    """Offsets before which a line may end (UAX #14 with ICU's locale tailoring).

    The language matters: Japanese gets kinsoku rules, Thai gets dictionary words.
    Korean words are kept whole by :func:`keep_all` (the paragraph's word-break rule).

    >>> line_break_opportunities("Hello big world")
    [6, 10, 15]
    """
    if not text:
        return []
    return _boundaries(_iterators.line(lang or "root"), text)


def keep_all(text: str, opportunities: t.Iterable[int]) -> list[int]:
    """The opportunities that are not between two letters (CSS ``word-break: keep-all``):
    Korean breaks at spaces and punctuation, not between the syllables of a word.

    >>> keep_all("한국어 제목입니다", line_break_opportunities("한국어 제목입니다", "ko"))
    [4, 9]
    """
    return [o for o in opportunities
            if o == len(text) or not (text[o - 1].isalnum() and text[o].isalnum())]


def script_of(char: str) -> str:
    """ISO 15924 code of a code point: ``Latn``, ``Arab``, ``Zyyy`` (common), ``Zinh``."""
    return str(icu.Script.getScript(ord(char)).getShortName())


def _has(prop: int, char: str) -> bool:
    return bool(icu.Char.hasBinaryProperty(ord(char), prop))


def is_ignorable(char: str) -> bool:
    """Default-ignorable code points (ZWJ, variation selectors…) need no glyph."""
    return _has(icu.UProperty.DEFAULT_IGNORABLE_CODE_POINT, char)


def is_emoji_cluster(cluster: str) -> bool:
    """True when a cluster should be drawn as a colour emoji (UTS #51 presentation)."""
    first = cluster[0]
    if "\ufe0e" in cluster:
        return False
    if "\ufe0f" in cluster or "\u20e3" in cluster:
        return True
    if _has(icu.UProperty.REGIONAL_INDICATOR, first):
        return True
    if _has(icu.UProperty.EMOJI_PRESENTATION, first):
        return True
    return ZWJ in cluster and _has(icu.UProperty.EXTENDED_PICTOGRAPHIC, first)


def resolve_scripts(text: str) -> list[str]:
    """One script per code point, with common/inherited ones taking their neighbour's.

    HarfBuzz needs a real script per run (Arabic joining, Indic reordering); spaces,
    digits and marks belong to the run they sit in.
    """
    of_char = {char: script_of(char) for char in set(text)}  # a title repeats its letters
    scripts = [of_char[char] for char in text]
    last = ""
    for index, script in enumerate(scripts):
        if script in ("Zyyy", "Zinh", "Zzzz"):
            scripts[index] = last
        else:
            last = script
    following = "Zyyy"
    for index in range(len(scripts) - 1, -1, -1):
        if scripts[index]:
            following = scripts[index]
        else:
            scripts[index] = following
    return scripts


def runs(values: t.Sequence[t.Hashable]) -> t.Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of the stretches of equal adjacent values."""
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            yield start, index
            start = index
