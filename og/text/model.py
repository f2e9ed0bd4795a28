"""The data text layout reads and writes: styled spans in a box in, placed glyph runs out.

All frozen (hashable): a :class:`TextBlock` is the key of the renderer's layout cache.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .fonts import ResolvedFont
from .path_geometry import TextPath
from .writing_modes import Vertical

ELLIPSIS = "\u2026"
Align = t.Literal["start", "middle", "end", "left", "right"]
VAlign = t.Literal["top", "middle", "bottom"]
Direction = t.Literal["auto", "ltr", "rtl"]
Hyphens = t.Literal["manual", "auto", "none"]  # CSS hyphens: soft hyphens only, also dictionaries, neither
#: What og does with a character no font draws: leave it out ("drop", the default: the card
#: shows no missing-glyph box, and the layout report lists it as ``missing``) or draw U+FFFD
#: in its place ("mark": the reader sees something is missing).
MissingGlyphs = t.Literal["drop", "mark"]
#: CSS word-break. ``auto`` (og's default) is the language's own rule: Japanese and Chinese
#: break between phrases (``auto-phrase``), Korean between words (``keep-all``), every other
#: language where UAX #14 allows (``normal``, which a designer can also ask for in CJK).
WordBreak = t.Literal["auto", "normal", "auto-phrase", "keep-all"]
_L = t.TypeVar("_L", bound=str)


def one_of(value: str | None, kind: t.Any, default: _L) -> _L:
    """``value`` if it is one of the ``Literal`` type ``kind``'s strings, else ``default``.

    >>> one_of("bottom", VAlign, "top"), one_of("sideways", VAlign, "top")
    ('bottom', 'top')
    """
    return t.cast(_L, value) if value in t.get_args(kind) else default


@dataclasses.dataclass(frozen=True)
class TextStyle:
    """What a run of text looks like; ``paint`` is SVG paint the drawing copies as is."""

    families: tuple[str, ...] = ("Inter",)
    size: float = 16.0
    weight: int = 400
    italic: bool = False
    letter_spacing: float = 0.0
    word_spacing: float = 0.0
    baseline_shift: float = 0.0  # px, positive raises (super/sub, baseline-shift)
    variations: tuple[tuple[str, float], ...] = ()  # font-variation-settings
    paint: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Span:
    text: str
    style: TextStyle


@dataclasses.dataclass(frozen=True)
class Box:
    """Area text wraps inside ``width`` x ``height``; point text has its baseline at ``y``.

    ``width``/``height`` of ``None`` mean unbounded.
    """

    x: float
    y: float
    width: float | None = None
    height: float | None = None


@dataclasses.dataclass(frozen=True)
class TextOptions:
    align: Align = "start"
    valign: VAlign = "top"  # area text only
    line_height: float = 1.25
    max_lines: int | None = None
    min_font_size: float | None = None
    ellipsis: str = ELLIPSIS
    balance: bool = False
    direction: Direction = "auto"
    lang: str = ""
    hyphens: Hyphens = "manual"
    word_break: WordBreak = "auto"
    missing_glyphs: MissingGlyphs = "drop"


@dataclasses.dataclass(frozen=True)
class TextBlock:
    paragraphs: tuple[tuple[Span, ...], ...]
    box: Box
    options: TextOptions = TextOptions()
    wraps: bool = True  # area text (a box) wraps; point text only truncates
    first_baseline: float | None = None  # SVG2 inline-size text: y is the first baseline
    path: TextPath | None = None  # text on a path (<textPath>): one line set along it
    vertical: Vertical | None = None  # vertical writing mode: columns, not lines


class PlacedGlyph(t.NamedTuple):
    """One glyph where it is drawn. A named tuple, not a frozen dataclass: a card makes
    hundreds of them (every run is placed, then moved to its line), and a tuple is made in a
    third of the time; it is as immutable and hashable, and reads the same."""

    gid: int
    x: float
    y: float
    angle: float = 0.0  # degrees, clockwise about (x, y): text on a path, sideways text


@dataclasses.dataclass(frozen=True)
class PlacedRun:
    """Glyphs of one font and style, positioned in the text's user space (px)."""

    text: str
    font: ResolvedFont
    style: TextStyle
    scale: float  # px per font unit
    rtl: bool
    script: str
    x: float
    width: float
    glyphs: tuple[PlacedGlyph, ...]


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    x: float
    baseline: float
    width: float
    rtl: bool
    runs: tuple[PlacedRun, ...]
    top: float = 0.0  # baseline - ascent of the block's first font
    bottom: float = 0.0  # baseline + descent


@dataclasses.dataclass(frozen=True)
class TextLayout:
    box: Box
    lines: tuple[Line, ...]
    font_size: float  # of the first span, after any shrinking
    shrunk: bool
    truncated: bool
    forced_breaks: bool
    missing: tuple[str, ...]  # "U+XXXX" code points no font could draw
    line_advance: float
    lang: str = ""  # of the first paragraph with text: the template's, else og's guess
    word_break: str = "normal"  # the rule its lines broke by (auto resolved), see WordBreak


