"""The fallback chain: which bundled family draws a cluster the template's own fonts cannot.

The first family that covers a whole cluster wins, so order matters only where fonts share
code points (digits, punctuation, dandas, combining marks): Latin, Greek and Cyrillic come
first, then the fonts og bundled first (so what they drew before they still draw), then each
other script's font in the order of its Unicode block, then emoji. A serif text tries the serif
design of each script first (:func:`serif_counterpart`), where Noto has one.
"""

from __future__ import annotations

#: Tried in order after the template's own families (see ``fonts/README.md`` for coverage).
FALLBACK_FAMILIES: tuple[str, ...] = (
    # Latin (incl. Vietnamese), Greek, Cyrillic; then the scripts and symbols og bundled first,
    # which keep every character they draw (CJK punctuation stays CJK, ◌ stays a symbol)
    "Inter", "Noto Serif", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
    "Noto Sans Thai", "Noto Sans CJK JP", "Noto Sans Symbols", "Noto Sans Symbols2", "Noto Sans Math",
    # every other script Noto covers, in the order of its Unicode block: a font here draws
    # only what no font above has (tests/test_more_scripts.py checks that none steals a letter)
    "Noto Sans Armenian", "Noto Sans Syriac", "Noto Sans Thaana", "Noto Sans NKo", "Noto Sans Samaritan",
    "Noto Sans Mandaic", "Noto Sans Bengali", "Noto Sans Gurmukhi", "Noto Sans Gujarati",
    "Noto Sans Oriya", "Noto Sans Tamil", "Noto Sans Telugu", "Noto Sans Kannada", "Noto Sans Malayalam",
    "Noto Sans Sinhala", "Noto Sans Lao", "Noto Serif Tibetan", "Noto Sans Myanmar", "Noto Sans Georgian",
    "Noto Sans Ethiopic", "Noto Sans Cherokee", "Noto Sans Canadian Aboriginal", "Noto Sans Ogham",
    "Noto Sans Runic", "Noto Sans Tagalog", "Noto Sans Hanunoo", "Noto Sans Buhid", "Noto Sans Tagbanwa",
    "Noto Sans Khmer", "Noto Sans Mongolian", "Noto Sans Limbu", "Noto Sans Tai Le",
    "Noto Sans New Tai Lue", "Noto Sans Buginese", "Noto Sans Tai Tham", "Noto Sans Balinese",
    "Noto Sans Sundanese", "Noto Sans Batak", "Noto Sans Lepcha", "Noto Sans Ol Chiki",
    "Noto Sans Glagolitic", "Noto Sans Coptic", "Noto Sans Tifinagh", "Noto Sans Yi", "Noto Sans Lisu",
    "Noto Sans Vai", "Noto Sans Bamum", "Noto Sans Syloti Nagri", "Noto Sans PhagsPa",
    "Noto Sans Saurashtra", "Noto Sans Kayah Li", "Noto Sans Rejang", "Noto Sans Javanese",
    "Noto Sans Cham", "Noto Sans Tai Viet", "Noto Sans Meetei Mayek",
    # Supplementary Multilingual Plane, in block order
    "Noto Sans Linear B", "Noto Sans Lycian", "Noto Sans Carian", "Noto Sans Old Italic", "Noto Sans Gothic",
    "Noto Sans Old Permic", "Noto Sans Ugaritic", "Noto Sans Old Persian", "Noto Sans Deseret",
    "Noto Sans Shavian", "Noto Sans Osmanya", "Noto Sans Osage", "Noto Sans Elbasan",
    "Noto Sans Caucasian Albanian", "Noto Serif Todhri", "Noto Sans Linear A", "Noto Sans Cypriot",
    "Noto Sans Imperial Aramaic", "Noto Sans Palmyrene", "Noto Sans Nabataean", "Noto Sans Hatran",
    "Noto Sans Phoenician", "Noto Sans Lydian", "Noto Sans Meroitic", "Noto Sans Kharoshthi",
    "Noto Sans Old South Arabian", "Noto Sans Old North Arabian", "Noto Sans Manichaean", "Noto Sans Avestan",
    "Noto Sans Inscriptional Parthian", "Noto Sans Inscriptional Pahlavi", "Noto Sans Psalter Pahlavi",
    "Noto Sans Old Turkic", "Noto Sans Old Hungarian", "Noto Sans Hanifi Rohingya", "Noto Serif Yezidi",
    "Noto Sans Old Sogdian", "Noto Sans Sogdian", "Noto Serif Old Uyghur", "Noto Sans Elymaic",
    "Noto Sans Brahmi", "Noto Sans Kaithi", "Noto Sans Sora Sompeng", "Noto Sans Chakma",
    "Noto Sans Mahajani", "Noto Sans Sharada", "Noto Sans Khojki", "Noto Sans Multani", "Noto Sans Khudawadi",
    "Noto Sans Grantha", "Noto Sans Newa", "Noto Sans Tirhuta", "Noto Sans Siddham", "Noto Sans Modi",
    "Noto Sans Takri", "Noto Serif Ahom", "Noto Serif Dogra", "Noto Sans Warang Citi",
    "Noto Serif Dives Akuru", "Noto Sans Zanabazar Square", "Noto Sans Soyombo", "Noto Sans Pau Cin Hau",
    "Noto Sans Sunuwar", "Noto Sans Bhaiksuki", "Noto Sans Marchen", "Noto Sans Masaram Gondi",
    "Noto Sans Gunjala Gondi", "Noto Serif Makasar", "Noto Sans Kawi", "Noto Sans Tamil Supplement",
    "Noto Sans Cuneiform", "Noto Sans Egyptian Hieroglyphs", "Noto Sans Anatolian Hieroglyphs",
    "Noto Sans Mro", "Noto Sans Tangsa", "Noto Sans Bassa Vah", "Noto Sans Pahawh Hmong",
    "Noto Sans Medefaidrin", "Noto Sans Miao", "Noto Sans Nushu", "Noto Sans Duployan",
    "Noto Serif Hmong Nyiakeng", "Noto Serif Toto", "Noto Sans Wancho", "Noto Sans Mende Kikakui",
    "Noto Sans Adlam", "Noto Sans Indic Siyaq Numbers",
    # numerals and music, then colour emoji
    "Noto Sans Mayan Numerals", "Noto Music", "Noto Color Emoji",
)

#: Serif designs whose name does not follow the "Noto Sans X" / "Noto Serif X" pattern.
_SERIF_NAMED_OTHERWISE: dict[str, str] = {
    "Inter": "Noto Serif",
    "Noto Sans Arabic": "Noto Naskh Arabic",  # Naskh is the book hand that pairs with serif text
}


def serif_counterpart(family: str) -> str | None:
    """The serif design of a sans fallback family (``Noto Sans Bengali`` → ``Noto Serif Bengali``).

    :return: a family name that may or may not be bundled; ``None`` for a family with no
        serif naming (symbols, emoji, or one that is already serif).

    >>> serif_counterpart("Noto Sans Khmer"), serif_counterpart("Noto Color Emoji")
    ('Noto Serif Khmer', None)
    """
    if family in _SERIF_NAMED_OTHERWISE:
        return _SERIF_NAMED_OTHERWISE[family]
    if family.startswith("Noto Sans "):
        return "Noto Serif " + family.removeprefix("Noto Sans ")
    return None
