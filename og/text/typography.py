"""What a paragraph's options add to UAX #14: hyphenated breaks, phrases kept whole, and CJK
punctuation set tighter (each in its own module; this one combines them once per paragraph).

Text that uses none of them (no soft hyphen, no ``og:hyphens="auto"``, not Japanese, Chinese or
Korean, no adjacent full-width punctuation) gets exactly the opportunities ICU gave and no extra
shaping features, so it lays out as before.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .cjk_spacing import trimmed_positions
from .hyphens import hyphenation_points
from .hyphens import soft_hyphen_breaks
from .model import TextOptions
from .model import WordBreak
from .phrases import inside_phrases
from .segment import keep_all

#: The word-break rule ``auto`` stands for, by the language's first subtag.
_LANGUAGE_WORD_BREAK: dict[str, WordBreak] = {"ja": "auto-phrase", "zh": "auto-phrase", "ko": "keep-all"}


@dataclasses.dataclass(frozen=True)
class Typography:
    opportunities: list[int]  # where a line may end, hyphenation points included
    hyphen_breaks: frozenset[int]  # a line ending here draws a hyphen
    inside_phrases: frozenset[int]  # taken only when no other opportunity fits
    trimmed: frozenset[int]  # characters set half-width (adjacent CJK punctuation)
    word_break: WordBreak = "normal"  # the rule applied (never "auto")


def word_break_rule(asked: WordBreak, lang: str) -> WordBreak:
    """The rule a paragraph breaks by: what the template asked for, or for ``auto`` (the
    default) its language's: phrases in Japanese and Chinese, words in Korean.

    >>> word_break_rule("auto", "zh-Hant"), word_break_rule("auto", "ko"), word_break_rule("auto", "de")
    ('auto-phrase', 'keep-all', 'normal')
    >>> word_break_rule("normal", "ja")
    'normal'
    """
    if asked != "auto":
        return asked
    return _LANGUAGE_WORD_BREAK.get(lang.lower().replace("_", "-").split("-")[0], "normal")


def analyse(text: str, opportunities: t.Sequence[int], lang: str, options: TextOptions) -> Typography:
    """Refine ICU's ``opportunities`` of ``text`` by the paragraph's options.

    >>> found = analyse("Donau\\u00addampf", [6, 11], "", TextOptions())
    >>> found.opportunities, sorted(found.hyphen_breaks)
    ([6, 11], [6])
    >>> analyse("Donau\\u00addampf", [6, 11], "", TextOptions(hyphens="none")).opportunities
    [11]
    """
    soft = soft_hyphen_breaks(text, opportunities)
    found = list(opportunities)
    if options.hyphens == "none":
        # CSS hyphens: none: a soft hyphen is no break opportunity at all.
        found = [o for o in found if o not in soft]
        soft = []
    hyphenated = set(soft)
    if options.hyphens == "auto":
        taken = set(found)
        points = [p for p in hyphenation_points(text, lang) if p not in taken]
        found = sorted(taken.union(points))
        hyphenated.update(points)
    rule = word_break_rule(options.word_break, lang)
    if rule == "keep-all":
        found = keep_all(text, found)
    phrases = inside_phrases(text, found, lang) if rule == "auto-phrase" else frozenset()
    return Typography(found, frozenset(hyphenated), phrases, trimmed_positions(text, lang), rule)
