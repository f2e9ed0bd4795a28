"""Where a line may end with a hyphen: after a soft hyphen, and (``og:hyphens="auto"``) at the
syllables of pyphen's dictionaries, as CSS ``hyphens: manual`` and ``auto`` do.

A hyphenation point is an ordinary break opportunity to the line breaker: like a browser,
og takes the last one that still fits, so a word is split only when it does not fit the
rest of its line. What makes it different is the hyphen drawn at the end of such a line,
which :mod:`.paragraph` measures so the line still fits with it.
"""

from __future__ import annotations

import typing as t

import pyphen

SOFT_HYPHEN = "\u00ad"
#: The hyphen drawn at a hyphenated break: U+2010 HYPHEN where the font has it, as Chromium does.
HYPHEN_CHARACTERS = ("\u2010", "-")
#: CSS ``hyphenate-limit-chars``: a word needs this many letters to be hyphenated at all,
MIN_WORD_LETTERS = 5
#: and at least this many before the hyphen (on the line) and after it (on the next line).
MIN_BEFORE = 2
MIN_AFTER = 3


def soft_hyphen_breaks(text: str, opportunities: t.Iterable[int]) -> list[int]:
    """The break opportunities that come right after a soft hyphen (a hyphen is drawn there).

    >>> soft_hyphen_breaks("Donau\\u00addampf schiff", [6, 12, 18])
    [6]
    """
    return [o for o in opportunities if 0 < o < len(text) and text[o - 1] == SOFT_HYPHEN]


def dictionary_for(lang: str) -> str | None:
    """pyphen's dictionary for a BCP 47 tag (``de``, ``nl``, ``en-US``), or None without one.

    >>> dictionary_for("en-US"), dictionary_for("de-CH"), dictionary_for("ja")
    ('en_US', 'de_CH', None)
    """
    if not lang:
        return None
    found = pyphen.language_fallback(lang.replace("-", "_"))
    return str(found) if found else None


def _is_word_char(char: str) -> bool:
    return char.isalpha() or char == SOFT_HYPHEN or _is_mark(char)


def _is_mark(char: str) -> bool:
    return "\u0300" <= char <= "\u036f"


def _words(text: str) -> t.Iterator[tuple[int, int]]:
    start = None
    for index, char in enumerate(text + " "):
        if _is_word_char(char):
            start = index if start is None else start
        elif start is not None:
            yield start, index
            start = None


def hyphenation_points(text: str, lang: str) -> list[int]:
    """Offsets inside words where ``lang``'s dictionary allows a hyphenated break.

    Words shorter than MIN_WORD_LETTERS, words with a soft hyphen of their own (the author
    chose) and, in English, capitalised words (names; Chromium skips them too) are left
    whole; a point never leaves fewer than MIN_BEFORE / MIN_AFTER letters on either side.
    Points a dictionary marks as non-standard (changing letters) are not used.

    >>> text = "Die Donaudampfschifffahrtsgesellschaft"
    >>> [text[:o].split()[-1] for o in hyphenation_points(text, "de")][:3]
    ['Do', 'Donau', 'Donaudampf']
    """
    name = dictionary_for(lang)
    if name is None:
        return []
    dictionary = pyphen.Pyphen(lang=name, left=MIN_BEFORE, right=MIN_AFTER)
    skip_capitalised = lang.lower().startswith("en")
    points: list[int] = []
    for start, end in _words(text):
        word = text[start:end]
        if end - start < MIN_WORD_LETTERS or SOFT_HYPHEN in word or (skip_capitalised and word[0].isupper()):
            continue
        points.extend(start + position for position in dictionary.positions(word)
                      if position.data is None and not _is_mark(word[position]))
    return points
