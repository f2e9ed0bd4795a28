"""og's template vocabulary: every ``og:`` attribute a designer may write, declared once.

Each :class:`Attribute` says where it is read, how its value parses, its default and what it
does in one line. The loader, the text-style reader, the typed-parameter reader and ``og check``
all read attributes through this table, and the designers' guide's reference table is generated
from it (``python -m og.svg.vocabulary`` prints it; a test keeps the guide equal to it), so an
attribute cannot be read without the linter and the guide knowing it.

og's own marks on laid-out cards (``og:dynamic``, ``og:glyphs``, ``og:off-page``) are not part of
the vocabulary: nobody writes them in a template.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
import typing as t

from lxml import etree

from ..errors import TemplateError
from ..text.model import Direction
from ..text.model import Hyphens
from ..text.model import MissingGlyphs
from ..text.model import VAlign
from ..text.model import WordBreak
from .css import length
from .names import OG_NS
from .names import SVG_NS

T = t.TypeVar("T")

#: Flag values: what reads as on, and as off (blank is off).
TRUTHY = ("1", "true", "yes", "on")
FALSY = ("", "0", "false", "no", "off")
#: A parameter's name (``og:image``, ``og:color``, ``og:choice``, ``og:show-if``).
NAME = re.compile(r"[A-Za-z0-9_-]+")
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

#: Where an attribute is read: the elements it belongs on, and how the guide says it.
PLACES: dict[str, tuple[frozenset[str] | None, str]] = {
    "root": (frozenset({"svg"}), "the `<svg>` element"),
    "text": (frozenset({"text", "flowRoot"}), "a text element"),
    "image": (frozenset({"image"}), "an `<image>`"),
    "rect": (frozenset({"rect"}), "a `<rect>`"),
    "element": (None, "any element"),
}


def is_truthy(value: str) -> bool:
    """A flag's reading of a value (the one reader of flags: attributes and query values).

    >>> is_truthy(" Yes"), is_truthy("off"), is_truthy("")
    (True, False, False)
    """
    return value.strip().lower() not in FALSY


def parse_flag(raw: str) -> bool:
    """``true`` or ``false`` (also ``1``/``0``, ``yes``/``no``, ``on``/``off``)"""
    if raw.strip().lower() not in TRUTHY + FALSY:
        raise ValueError("write true or false")
    return is_truthy(raw)


def parse_count(raw: str) -> int:
    """a whole number above 0"""
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError("write a whole number above 0")
    return int(raw)


def parse_number(raw: str) -> float:
    """a number above 0"""
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError("write a number above 0")
    return value


def parse_length(raw: str) -> float:
    """a length in px (or with a CSS unit)"""
    value = length(raw.strip())
    if value is None:
        raise ValueError("write a length in px")
    return value


def parse_text(raw: str) -> str:
    """text"""
    return raw.strip()


def parse_ellipsis(raw: str) -> str:
    """text, spaces kept; ``none``: no mark"""
    return "" if raw.strip() == "none" else (raw or "\u2026")


def parse_name(raw: str) -> str:
    """a parameter's name (letters, digits, ``_``, ``-``)"""
    if not NAME.fullmatch(raw):
        raise ValueError("write a name: letters, digits, _ and -")
    return raw


def parse_names(raw: str) -> tuple[str, ...]:
    """parameters' names, separated by spaces"""
    names = tuple(raw.split())
    if not names or not all(NAME.fullmatch(name) for name in names):
        raise ValueError("write a name (or names, separated by spaces)")
    return names


def parse_hex(value: str) -> str | None:
    """``#E11`` / ``e11d48`` → ``#ee1111`` / ``#e11d48``; anything else → None.

    >>> parse_hex("#E11"), parse_hex("e11d48"), parse_hex("red;filter:url(#x)")
    ('#ee1111', '#e11d48', None)
    """
    match = _HEX.fullmatch(value)
    if match is None:
        return None
    digits = match.group(1).lower()
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)


def parse_palette(raw: str) -> tuple[tuple[str, str], ...]:
    """``name:#rrggbb`` items, separated by commas

    >>> parse_palette("rose:#e11d48, sky:#08c")
    (('rose', '#e11d48'), ('sky', '#0088cc'))
    """
    palette = []
    for item in filter(None, (part.strip() for part in raw.split(","))):
        name, _, colour = item.partition(":")
        parsed = parse_hex(colour)
        if not NAME.fullmatch(name.strip()) or parsed is None:
            raise ValueError(f"item {item[:40]!r}: write name:#rrggbb")
        palette.append((name.strip(), parsed))
    return tuple(palette)


def parse_padding(raw: str) -> tuple[float, float, float, float]:
    """one, two or four lengths in px, in CSS ``padding`` order

    Read as (top, right, bottom, left).

    >>> parse_padding("4 8"), parse_padding("1,2,3,4")
    ((4.0, 8.0, 4.0, 8.0), (1.0, 2.0, 3.0, 4.0))
    """
    try:
        values = [float(v) for v in raw.replace(",", " ").split()]
    except ValueError:
        values = []
    if len(values) not in (1, 2, 4) or any(v < 0 or not math.isfinite(v) for v in values):
        raise ValueError("write one, two or four lengths in px, as in CSS")
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    return values[0], values[1], values[2], values[3]


class OneOf:
    """A value from a closed list (the first is the default one)."""

    def __init__(self, *values: str) -> None:
        self.values = values

    def __call__(self, raw: str) -> str:
        value = raw.strip()  # the XML editor keeps a stray space a designer typed
        if value not in self.values:
            raise ValueError(f"use {' or '.join(self.values)}")
        return value


def one_of(kind: t.Any) -> OneOf:
    """The strings of a ``Literal`` type, as a :class:`OneOf`."""
    return OneOf(*t.get_args(kind))


@dataclasses.dataclass(frozen=True)
class Attribute(t.Generic[T]):
    """One ``og:`` attribute: its local name, where it is read (a key of :data:`PLACES`), how its
    value parses (a ``ValueError`` says how to write it), its value when absent, a one-line doc,
    and the attributes it belongs with (it does nothing without one of them)."""

    name: str
    place: str
    parse: t.Callable[[str], T]
    default: T
    doc: str
    example: str
    needs: tuple[str, ...] = ()

    @functools.cached_property
    def qname(self) -> str:  # (cached: a card's texts ask for a dozen attributes each)
        return f"{{{OG_NS}}}{self.name}"

    def raw(self, node: etree._Element) -> str | None:
        """The value as written (None: not written)."""
        value = node.get(self.qname)
        return None if value is None else str(value)

    def read(self, node: etree._Element) -> T:
        """The parsed value; the default when it is not written, or written wrong (``og check``
        says so: :func:`problems`)."""
        raw = self.raw(node)
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            return self.default

    def given(self, node: etree._Element) -> T | None:
        """The parsed value, None when it is not written or written wrong (where the absence
        defers to something else: ``og:lang`` to ``xml:lang``)."""
        raw = self.raw(node)
        try:
            return None if raw is None else self.parse(raw)
        except ValueError:
            return None

    def require(self, node: etree._Element) -> T:
        """The parsed value (the default when not written) for readers that refuse a template
        written wrong.

        :raises TemplateError: naming the attribute, the value, the line and how to write it.
        """
        raw = self.raw(node)
        if raw is None:
            return self.default
        try:
            return self.parse(raw)
        except ValueError as error:
            raise TemplateError(f"og:{self.name}={raw[:40]!r} (line {node.sourceline}): {error}") from None

    def values(self) -> str:
        """What the guide says the value is."""
        if isinstance(self.parse, OneOf):
            return ", ".join(f"`{value}`" for value in self.parse.values)
        # each parser's docstring starts with how a designer writes its values
        return (self.parse.__doc__ or "text").split("\n")[0].strip().replace("``", "`")


# the card, on the root
QUALITY = Attribute("quality", "root", parse_number, None, example="85",
    doc="JPEG, WebP and AVIF quality of this template's cards (default: the deploy's `OG_QUALITY`)")
MAX_DPR = Attribute("max-dpr", "root", parse_number, None, example="1.5",
    doc="the largest `?dpr=` (default 2; lowered to what the pixel budget allows)")
# text
MAX_LINES = Attribute("max-lines", "text", parse_count, None, example="3",
    doc="at most this many lines; the rest is cut with an ellipsis (default: as many as fit the box)")
MIN_FONT_SIZE = Attribute("min-font-size", "text", parse_length, None, example="40",
    doc="shrink text that does not fit down to this size before cutting it")
MAX_LENGTH = Attribute("max-length", "text", parse_count, None, example="200",
    doc="longest value accepted for this text's placeholders (default 500)")
REQUIRED = Attribute("required", "text", parse_flag, False, example="true",
    doc="this text's placeholders must be given, and not blank, on every real card")
VALIGN = Attribute("valign", "text", one_of(VAlign), "top", example="middle",
    doc="vertical placement in the box")
BALANCE = Attribute("balance", "text", parse_flag, False, example="true",
    doc="lines of even length: no lonely last word")
ELLIPSIS = Attribute("ellipsis", "text", parse_ellipsis, "\u2026", example="none",
    doc="the mark a cut line ends with (`none`: no mark; default `…`)")
MAX_WIDTH = Attribute("max-width", "text", parse_length, None, example="600",
    doc="point text: cut with an ellipsis at this width (default: the card's edge)")
DIRECTION = Attribute("direction", "text", one_of(Direction), "auto", example="rtl",
    doc="the base direction (default: CSS `direction`, else from the text itself)")
LANG = Attribute("lang", "text", parse_text, "", example="ja",
    doc="language for line breaking, hyphenation and CJK glyph forms (default: `xml:lang`, else guessed)")
HYPHENS = Attribute("hyphens", "text", one_of(Hyphens), "manual", example="auto",
    doc="hyphenate words that do not fit (`auto`), only at soft hyphens (`manual`) or never")
WORD_BREAK = Attribute("word-break", "text", one_of(WordBreak), "auto", example="normal",
    doc="where lines may break (`auto`: the language's rule)")
MISSING_GLYPHS = Attribute("missing-glyphs", "text", one_of(MissingGlyphs), "drop", example="mark",
    doc="a character no font draws: left out, or drawn as U+FFFD (`mark`)")
# right-to-left cards, shapes that follow their text
MIRROR = Attribute("mirror", "element", OneOf("true", "move", "flip"), None, example="move",
    doc="on a right-to-left card: move (`move`, or `true` on a text) or flip (`flip`) to the mirrored "
        "place")
FOLLOW = Attribute("follow", "rect", parse_text, None, example="tag",
    doc="take the extent of the laid-out lines of the text with this id")
PADDING = Attribute("padding", "rect", parse_padding, (0.0, 0.0, 0.0, 0.0), example="15 24",
    needs=("follow",),
    doc="room around the followed text's lines, in CSS order")
# typed parameters
IMAGE = Attribute("image", "image", parse_name, None, example="avatar",
    doc="an image parameter: the embedded picture is its placeholder")
FIT = Attribute("fit", "image", OneOf("cover", "contain"), "cover", example="contain", needs=("image",),
    doc="fill the frame and crop, or show all of the photo")
IMAGE_FALLBACK = Attribute("image-fallback", "image", OneOf("placeholder", "error"), "placeholder",
    example="error", needs=("image",),
    doc="what a crawler sees when the photo cannot be fetched")
COLOR = Attribute("color", "element", parse_name, None, example="accent",
    doc="a colour parameter: this shape's fill (or a `<stop>`'s colour)")
COLOR_PROPERTY = Attribute("color-property", "element", OneOf("fill", "stroke", "stop-color"), "fill",
    example="stroke", needs=("color",),
    doc="what the colour parameter sets")
CHOICES: Attribute[tuple[tuple[str, str], ...]] = Attribute(
    "choices", "element", parse_palette, (), example="rose:#e11d48,sky:#0284c7", needs=("color",),
    doc="the colour parameter's palette: its only values")
CHOICE = Attribute("choice", "element", parse_name, None, example="theme",
    doc="a choice parameter: of sibling layers, only the chosen one is drawn")
VALUE = Attribute("value", "element", parse_text, "", example="dark", needs=("choice",),
    doc="the choice parameter's value that draws this layer")
SHOW_IF: Attribute[tuple[str, ...]] = Attribute("show-if", "element", parse_names, (), example="badge",
    doc="drawn only when one of these parameters is truthy (a flag) or not blank (a text)")
DEFAULT = Attribute("default", "element", parse_text, None, example="1",
    needs=("image", "color", "choice", "show-if"),
    doc="the default of this element's image, colour, choice or flag parameter")

#: Every attribute, by its local name.
VOCABULARY: dict[str, Attribute[t.Any]] = {item.name: item for item in (
    QUALITY, MAX_DPR, MAX_LINES, MIN_FONT_SIZE, MAX_LENGTH, REQUIRED, VALIGN, BALANCE, ELLIPSIS, MAX_WIDTH,
    DIRECTION, LANG, HYPHENS, WORD_BREAK, MISSING_GLYPHS, MIRROR, FOLLOW, PADDING, IMAGE, FIT, IMAGE_FALLBACK,
    COLOR, COLOR_PROPERTY, CHOICES, CHOICE, VALUE, SHOW_IF, DEFAULT)}


def problems(node: etree._Element) -> t.Iterator[str]:
    """What is wrong with the og attributes written on ``node``: unknown (with the nearest
    known name), on an element that does not read it, without the attribute it belongs with,
    or a value that does not parse (og then uses the default)."""
    tag = etree.QName(node).localname if etree.QName(node).namespace == SVG_NS else ""
    for qname, raw in node.attrib.items():
        name = etree.QName(qname)
        if name.namespace != OG_NS:
            continue
        known = VOCABULARY.get(name.localname)
        if known is None:
            near = difflib.get_close_matches(name.localname, VOCABULARY, n=1, cutoff=0.6)
            hint = f": did you mean og:{near[0]}?" if near else ""
            yield f"unknown og attribute og:{name.localname}{hint}"
            continue
        tags, where = PLACES[known.place]
        if tags is not None and tag not in tags:
            yield f"og:{known.name} on <{tag or etree.QName(node).localname}> does nothing: it belongs on " \
                  f"{where.replace('`', '')}"
        elif known.needs and not any(node.get(VOCABULARY[other].qname) is not None for other in known.needs):
            yield f"og:{known.name} does nothing without {' or '.join(f'og:{n}' for n in known.needs)}"
        try:
            known.parse(str(raw))
        except ValueError as error:
            default = "" if known.default is None else f" ({known.default!r})"
            yield f"og:{known.name}={str(raw)[:40]!r}: {error}; og uses the default{default}"


def markdown_table() -> str:
    """The guide's reference table of every attribute (``docs/designers.md``, section 4f)."""
    rows = ["| attribute | on | value | what it does |", "| --- | --- | --- | --- |"]
    for item in VOCABULARY.values():
        on = PLACES[item.place][1] + (f", with {' or '.join(f'`og:{n}`' for n in item.needs)}"
                                      if item.needs else "")
        rows.append(f'| `og:{item.name}="{item.example}"` | {on} | {item.values()} | {item.doc} |')
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
