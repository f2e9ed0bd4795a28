"""The fallback chain: which bundled family draws a cluster the template's own fonts cannot.

The first family that covers a whole cluster wins, so order matters only where fonts share
code points (digits, punctuation, dandas, combining marks): Latin, Greek and Cyrillic come
first, then the fonts og bundled first (so what they drew before they still draw), then each
other script's font in the order of its Unicode block, then emoji. A serif text tries the serif
design of each script first (:func:`serif_counterpart`), where Noto has one.
"""

from __future__ import annotations

from pathlib import Path

#: Tried in order after the template's own families (see ``fonts/README.md`` for coverage); the
#: list itself, with why each group stands where it does, is ``fallback_families.txt``.
FALLBACK_FAMILIES: tuple[str, ...] = tuple(
    line.strip() for line in Path(__file__).with_name("fallback_families.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.lstrip().startswith("#"))

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
