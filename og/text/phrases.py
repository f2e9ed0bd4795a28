"""Phrase-aware line breaking for Japanese and Chinese (``og:word-break="auto-phrase"``).

CJK text may break between almost any two characters, so a title can end a line in the
middle of a word ("天気予|報"). BudouX (a small model shipped with its package) splits a
sentence into phrases; like Chrome's ``word-break: auto-phrase``, og then prefers to break
between phrases and breaks inside one only when no phrase boundary fits the line.
"""

from __future__ import annotations

import itertools
import typing as t

import budoux

#: BudouX's bundled models, by the language tag's first subtag (Chinese also by script).
_PARSERS: dict[str, t.Callable[[], budoux.Parser]] = {
    "ja": budoux.load_default_japanese_parser,
    "zh-hans": budoux.load_default_simplified_chinese_parser,
    "zh-hant": budoux.load_default_traditional_chinese_parser,
    "th": budoux.load_default_thai_parser,
}
_TRADITIONAL_REGIONS = ("tw", "hk", "mo", "hant")


def _parser_for(lang: str) -> budoux.Parser | None:
    parts = lang.lower().replace("_", "-").split("-")
    key = parts[0]
    if key == "zh":
        key = "zh-hant" if any(part in _TRADITIONAL_REGIONS for part in parts[1:]) else "zh-hans"
    make = _PARSERS.get(key)
    return make() if make else None


def phrase_boundaries(text: str, lang: str) -> list[int] | None:
    """End offsets of BudouX's phrases of ``text``, or None when it has no model for ``lang``.

    >>> phrase_boundaries("今日は天気です。", "ja")
    [3, 8]
    """
    parser = _parser_for(lang)
    if parser is None or not text:
        return None
    return list(itertools.accumulate(len(phrase) for phrase in parser.parse(text)))


def inside_phrases(text: str, opportunities: t.Iterable[int], lang: str) -> frozenset[int]:
    """The break opportunities that would split a phrase: the line breaker uses them only
    when no other opportunity fits. One after white space is never inside a phrase (BudouX
    keeps "Hello world は" together; the space still separates words)."""
    boundaries = phrase_boundaries(text, lang)
    if boundaries is None:
        return frozenset()
    ends = set(boundaries)
    return frozenset(o for o in opportunities
                     if 0 < o < len(text) and o not in ends and not text[o - 1].isspace())
