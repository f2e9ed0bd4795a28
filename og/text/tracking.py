"""Where letter-spacing may go: between the letters of a word, except in scripts whose letters
join inside a word.

CSS Text 3 §8.2: letter-spacing must not pull apart a cursive script. In Arabic, Syriac, N'Ko
or Mongolian the letters of a word are one connected stroke; in Devanagari, Bengali or
Gurmukhi they hang from one headstroke (the shirorekha). Tracking there would cut the word
into pieces (``इ न्फ्रा स्ट्र क्च र``), so og adds it only where such a word ends. The tracking a
designer set for Latin capitals still applies to the Latin runs of the same text.
"""

from __future__ import annotations

import typing as t

#: ISO 15924 codes of the scripts whose letters connect inside a word.
JOINED_SCRIPTS: frozenset[str] = frozenset({
    # cursive: letters join their neighbours
    "Arab", "Syrc", "Nkoo", "Mong", "Mand", "Adlm", "Phag", "Rohg", "Sogd", "Mani", "Phlp",
    "Ougr", "Chrs",
    # a headstroke joins the letters of a word
    "Deva", "Beng", "Guru", "Tirh", "Shrd", "Dogr", "Nand", "Sylo",
})


def joins_next(text: str, scripts: t.Sequence[str], index: int) -> bool:
    """Whether the character at ``index`` is joined to the one after it in the same word
    (so no letter-spacing goes between them). ``scripts`` are the resolved scripts of
    ``text`` (marks and joiners take their neighbour's).

    >>> text = "हिन्दी Hindi"
    >>> from og.text.segment import resolve_scripts
    >>> [joins_next(text, resolve_scripts(text), i) for i in (1, 5, 7)]
    [True, False, False]
    """
    following = index + 1
    if following >= len(text) or text[following].isspace():
        return False
    return scripts[index] in JOINED_SCRIPTS and scripts[following] == scripts[index]
