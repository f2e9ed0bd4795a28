"""The CSS cascade for the properties og itself needs (fonts, spacing, alignment, paint).

CairoSVG applies CSS to what it draws; og draws text itself, so it must know the same
computed values: presentation attributes, then ``<style>`` rules, then ``style=""``,
inherited down the tree. Only the properties below are computed.
"""

from __future__ import annotations

import re
import typing as t

import cssselect2
import tinycss2
from lxml import etree

INHERITED = frozenset({
    "font-family", "font-size", "font-weight", "font-style", "letter-spacing", "word-spacing",
    "line-height", "text-anchor", "text-align", "direction", "white-space", "visibility",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linejoin", "stroke-linecap", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "paint-order", "font-variant", "text-transform", "font-variation-settings",
    "writing-mode", "text-orientation",
})
#: Painting properties a tspan may set; they are copied onto the glyph paths.
PAINT = ("fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
         "stroke-linejoin", "stroke-linecap", "stroke-miterlimit", "stroke-dasharray",
         "stroke-dashoffset", "paint-order")
NOT_INHERITED = frozenset({"display", "shape-inside", "shape-padding", "inline-size", "opacity",
                           "baseline-shift"})
KNOWN = INHERITED | NOT_INHERITED

DEFAULT_FONT_SIZE = 16.0
#: Inkscape's superscript/subscript shifts, as fractions of the parent's font size.
SUPER_SHIFT_EM = 0.35
SUB_SHIFT_EM = 0.2
_LENGTH = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z%]*)\s*$", re.I)
_ABSOLUTE_UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4,
                   "cm": 96 / 2.54, "in": 96.0, "q": 96 / 101.6}
_FONT_SIZE_KEYWORDS = {"xx-small": 9, "x-small": 10, "small": 13, "medium": 16,
                       "large": 18, "x-large": 24, "xx-large": 32}
_WEIGHT_KEYWORDS = {"normal": 400, "bold": 700}

Style = dict[str, str]


#: Style text a plain split reads exactly as tinycss2 does: no escapes, comments,
#: ``!important`` or blocks; a ``;`` or ``:`` never inside parentheses or quotes; quoted
#: strings plain (tinycss2 writes them back in double quotes, as the split does).
_PLAIN_CHAR = r"[^\\\"'/!{}()\[\]]"
_QUOTED = r"(?:'[^'\"\\\n;:]*'|\"[^'\"\\\n;:]*\")"
_PARENTHESES = r"\([^\\\"'/!{}()\[\];:]*\)"
_PLAIN_STYLE = re.compile(f"(?:{_PLAIN_CHAR}|{_QUOTED}|{_PARENTHESES})*")
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
_PROPERTY_NAME = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")


def parse_declarations(text: str) -> tuple[tuple[str, str], ...]:
    """``"font-size:12px;fill:red"`` → ``(("font-size", "12px"), ("fill", "red"))``.

    Inkscape's style attributes are plain ``name:value;`` lists, read here with a split (a few
    microseconds; dozens are read per card); anything else goes to tinycss2, CSS's own
    grammar (tests check that both agree).

    >>> parse_declarations("font-size:64px; FILL : #FFF ;stroke:url(#g)")
    (('font-size', '64px'), ('fill', '#FFF'), ('stroke', 'url(#g)'))
    """
    if not _PLAIN_STYLE.fullmatch(text):
        return parse_declarations_css(text)
    out = []
    for part in text.split(";"):
        name, colon, value = part.partition(":")
        name = name.strip(" \t\n\r\f")
        if colon and _PROPERTY_NAME.fullmatch(name):
            value = value.strip(" \t\n\r\f")
            out.append((name.lower(), _SINGLE_QUOTED.sub(r'"\1"', value) if "'" in value else value))
        elif part.strip(" \t\n\r\f"):
            return parse_declarations_css(text)  # not a declaration: leave it to CSS's rules
    return tuple(out)


def parse_declarations_css(text: str) -> tuple[tuple[str, str], ...]:
    """``parse_declarations`` by tinycss2, for any CSS declaration list."""
    out = []
    for item in tinycss2.parse_declaration_list(text, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            out.append((item.lower_name, tinycss2.serialize(item.value).strip()))
    return tuple(out)


def length(value: str | None, font_size: float = DEFAULT_FONT_SIZE,
           percent_of: float | None = None) -> float | None:
    """A CSS length in px; ``em``/``ex`` relative to ``font_size``; None if unparsable."""
    if value is None:
        return None
    match = _LENGTH.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2).lower()
    if unit in _ABSOLUTE_UNITS:
        return number * _ABSOLUTE_UNITS[unit]
    if unit in ("em", "rem"):
        return number * font_size
    if unit == "ex":
        return number * font_size / 2
    if unit == "%":
        return number / 100 * (percent_of if percent_of is not None else font_size)
    return None


def fraction(value: str | None, default: float) -> float:
    """A number or a percentage as a fraction: ``"50%"`` → 0.5; ``None`` → ``default``."""
    if value is None:
        return default
    value = value.strip()
    try:
        return float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return default


def font_weight(value: str | None, parent: int = 400) -> int:
    if value is None:
        return parent
    value = value.strip().lower()
    if value in _WEIGHT_KEYWORDS:
        return _WEIGHT_KEYWORDS[value]
    if value == "bolder":
        return 700 if parent < 600 else 900
    if value == "lighter":
        return 100 if parent < 600 else 400
    try:
        return max(1, min(1000, int(float(value))))
    except ValueError:
        return parent


def font_variations(value: str | None) -> tuple[tuple[str, float], ...]:
    """``"'wght' 650, 'opsz' 14"`` → ``(("wght", 650.0), ("opsz", 14.0))``.

    >>> font_variations("'wght' 650, 'opsz' 14")
    (('wght', 650.0), ('opsz', 14.0))
    """
    out = []
    for part in (value or "").split(","):
        match = re.match(r"""\s*['"]([A-Za-z0-9 ]{4})['"]\s+([-+]?[\d.]+)\s*$""", part)
        if match:
            out.append((match.group(1), float(match.group(2))))
    return tuple(out)


def font_families(value: str | None) -> tuple[str, ...]:
    """``"'DejaVu Serif', serif"`` → ``("DejaVu Serif", "serif")``."""
    if not value:
        return ()
    names = []
    for part in value.split(","):
        name = part.strip().strip("'\"").strip()
        if name:
            names.append(name)
    return tuple(names)


class Stylesheet:
    """The ``<style>`` rules of one document, matched with cssselect2."""

    def __init__(self, root: etree._Element) -> None:
        self._by_element: dict[etree._Element, list[tuple[str, str]]] = {}
        texts = [node.text or "" for node in root.iter("{*}style")]
        if not any(text.strip() for text in texts):
            return
        matcher = cssselect2.Matcher()
        for text in texts:
            for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
                if rule.type != "qualified-rule":
                    continue
                declarations = parse_declarations(tinycss2.serialize(rule.content))
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue
                for selector in selectors:
                    matcher.add_selector(selector, declarations)
        wrapper = cssselect2.ElementWrapper.from_xml_root(root)
        for node in wrapper.iter_subtree():
            matches = matcher.match(node)
            if matches:
                merged: list[tuple[str, str]] = []
                # (specificity, order, pseudo-element, payload): cascade order is the sort order.
                for match in sorted(matches, key=lambda m: (m[0], m[1])):
                    merged.extend(match[3])
                self._by_element[node.etree_element] = merged

    def declarations(self, node: etree._Element) -> list[tuple[str, str]]:
        return self._by_element.get(node, [])

    def declared(self, node: etree._Element, name: str) -> str | None:
        """The last value the rules give ``name`` on the element (the one that wins), if any."""
        found = None
        for declared, value in self._by_element.get(node, ()):
            if declared == name:
                found = value
        return found


def specified(node: etree._Element, sheet: Stylesheet, own: t.Mapping[str, str] | None = None) -> Style:
    """Presentation attributes < stylesheet < ``style`` attribute (``own``: that attribute as
    :meth:`Cascade.style_attribute` read it), for known properties."""
    style: Style = {}
    for name, value in node.attrib.items():
        if name in KNOWN:
            style[name] = str(value)
    for name, value in sheet.declarations(node):
        style[name] = value
    style.update(dict(parse_declarations(node.get("style", ""))) if own is None else own)
    return style


class Cascade:
    """The cascade of one document: what each element's properties are, from its presentation
    attributes, the ``<style>`` rules and its ``style=""`` (computed styles memoised per element).
    The one place og reads them. The rules are matched when it is made: make it before changing
    the tree, and only where something will be looked up (a document without ``<style>`` costs
    one walk of the tree)."""

    def __init__(self, root: etree._Element, *, settled: bool = False) -> None:
        self.sheet = Stylesheet(root)
        self._computed: dict[etree._Element, Style] = {}
        #: With ``settled`` (no style changes while this cascade is asked: a card's text being read),
        #: :meth:`display_none` is memoised per element too, so a card's texts share their layers'.
        self._display_none: dict[etree._Element, bool] | None = {} if settled else None
        #: ``style`` attributes read, by their text: a card asks for an element's several times
        #: (is it hidden, its font, its paint) and for its ancestors' with each of its texts.
        self._styles: dict[str, dict[str, str]] = {}

    def style_attribute(self, node: etree._Element) -> dict[str, str]:
        """The declarations of the element's ``style`` attribute as it is now (not to be changed)."""
        text = node.get("style", "")
        found = self._styles.get(text)
        if found is None:
            found = self._styles[text] = dict(parse_declarations(text))
        return found

    def declared(self, node: etree._Element, name: str) -> str | None:
        """``name`` as set on the element itself: its ``style`` over the stylesheet's rules over its
        presentation attribute (stripped; an empty value sets nothing). No inheritance.

        >>> root = etree.fromstring('<svg><style>g {fill:red}</style><g fill="blue" style="stroke:x"/></svg>')
        >>> Cascade(root).declared(root[1], "fill"), Cascade(root).declared(root[1], "stroke")
        ('red', 'x')

        """
        value = self.style_attribute(node).get(name)
        if value is None or not value.strip():
            value = self.sheet.declared(node, name)
        if value is None or not value.strip():
            value = node.get(name)  # (each source read only when the one above says nothing)
        return value.strip() if value is not None and value.strip() else None

    def inherited(self, node: etree._Element, name: str) -> str | None:
        """``name`` as the element or its nearest ancestor that sets it declares it (``inherit``
        passes it on up): the value an inherited property takes."""
        for element in (node, *node.iterancestors()):
            value = self.declared(element, name)
            if value is not None and value != "inherit":
                return value
        return None

    def display_none(self, node: etree._Element) -> bool:
        """Not drawn: ``display:none`` on the element or an ancestor."""
        memo = self._display_none
        if memo is None:
            return any(self.declared(element, "display") == "none"
                       for element in (node, *node.iterancestors()))
        found = memo.get(node)
        if found is None:
            parent = node.getparent()
            found = memo[node] = self.declared(node, "display") == "none" or (
                parent is not None and self.display_none(parent))
        return found

    def computed(self, node: etree._Element) -> Style:
        if node in self._computed:
            return self._computed[node]
        parent = node.getparent()
        inherited = self.computed(parent) if parent is not None else {}
        own = specified(node, self.sheet, self.style_attribute(node))
        style = {name: value for name, value in inherited.items() if name in INHERITED}
        for name, value in own.items():
            if value == "inherit":
                if name in inherited:
                    style[name] = inherited[name]
                continue
            style[name] = value
        parent_size = float(inherited.get("font-size", DEFAULT_FONT_SIZE))
        size = own.get("font-size")
        if size is not None:
            resolved = _FONT_SIZE_KEYWORDS.get(size.strip().lower()) or length(size, parent_size)
            style["font-size"] = repr(float(resolved)) if resolved else repr(parent_size)
        else:
            style["font-size"] = repr(parent_size)
        if "font-weight" in own:
            style["font-weight"] = str(font_weight(own["font-weight"],
                                                   int(inherited.get("font-weight", "400"))))
        self._computed[node] = style
        return style

    def paint_between(self, top: etree._Element, node: etree._Element) -> tuple[tuple[str, str], ...]:
        """Paint set on ``node`` or its ancestors below ``top`` (what a tspan adds)."""
        chain: list[etree._Element] = []
        current: etree._Element | None = node
        while current is not None and current is not top:
            chain.append(current)
            current = current.getparent()
        paint: dict[str, str] = {}
        for element in reversed(chain):
            own = specified(element, self.sheet, self.style_attribute(element))
            paint.update((name, own[name]) for name in PAINT if name in own)
        return tuple(paint.items())

    def baseline_shift(self, top: etree._Element, node: etree._Element) -> float:
        """Upward shift (px) of ``node``'s baseline: ``baseline-shift`` adds up through tspans."""
        shift = 0.0
        current: etree._Element | None = node
        while current is not None and current is not top:
            own = specified(current, self.sheet, self.style_attribute(current)).get("baseline-shift", "")
            own = own.strip()
            parent = current.getparent()
            parent_style = self.computed(parent) if parent is not None else {}
            parent_size = as_float(parent_style, "font-size", DEFAULT_FONT_SIZE)
            if own == "super":
                shift += SUPER_SHIFT_EM * parent_size
            elif own == "sub":
                shift -= SUB_SHIFT_EM * parent_size
            elif own and own != "baseline":
                shift += length(own, parent_size, parent_size * 1.25) or 0.0
            current = parent
        return shift

    def is_hidden(self, node: etree._Element) -> bool:
        return self.display_none(node) or \
            self.computed(node).get("visibility", "visible").strip() in ("hidden", "collapse")


def as_float(style: t.Mapping[str, str], name: str, default: float) -> float:
    try:
        return float(style[name])
    except (KeyError, ValueError):
        return default


def own_property(node: etree._Element, name: str) -> str | None:
    """A property set on the element itself: its ``style`` wins over the presentation
    attribute, as in the cascade (no inheritance, no stylesheet)."""
    return dict(parse_declarations(node.get("style", ""))).get(name) or node.get(name)


def css_colour(text: str) -> tuple[int, int, int] | None:
    """A CSS colour as a template writes it (``#rgb``, ``#rrggbb``, ``rgb()``, ``hsl()``, a
    name) → its 8-bit RGB; anything else (``none``, ``url(…)``, ``currentColor``) → None. The one
    colour reader of og's drawing and template code (Pillow's, imported only when a colour is
    not plain hex: Pillow is for pictures, and cold start matters).

    >>> css_colour("#0af"), css_colour("white"), css_colour("rgb(255, 0, 0)"), css_colour("url(#g)")
    ((0, 170, 255), (255, 255, 255), (255, 0, 0), None)
    """
    text = text.strip()
    if text.startswith("#") and len(text) in (4, 7):
        digits = text[1:] if len(text) == 7 else "".join(ch * 2 for ch in text[1:])
        try:
            return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
        except ValueError:
            return None
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        return None
    return rgb[0], rgb[1], rgb[2]
