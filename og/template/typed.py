"""Typed parameters: images, colours, choices and flags a designer declares with og attributes.

Placeholders stand only in text, so a value never becomes markup. Typed parameters keep that:
og parses each value into a closed form (a colour's three bytes, one of the designer's names,
a URL og fetches itself) and writes what *it* serialises into the attribute, never the value.

===========================================  ====================================================
``<image og:image="avatar">``                an image slot (``og:fit="cover|contain"``,
                                             ``og:image-fallback="placeholder|error"``); the
                                             embedded picture is the placeholder
``og:color="accent"``                        a shape's fill (``og:color-property="stroke"``):
                                             ``#rgb``/``#rrggbb`` (``#`` optional), or only the
                                             names of ``og:choices="rose:#e11d48,sky:#0284c7"``
``<g og:show-if="badge">``                   shown when the value is truthy (not empty, ``0``,
                                             ``false``, ``no`` or ``off``); naming a text
                                             placeholder: shown when that text is not blank;
                                             ``"handle website"``: when any of them is
``<g og:choice="theme" og:value="dark">``    one of sibling layers: only the chosen one stays
===========================================  ====================================================

``og:default`` on any of them gives the default (a colour's default is otherwise the shape's own
colour, a choice's the first layer in document order, a flag's off).
"""

from __future__ import annotations

import base64
import dataclasses
import math
import re
import typing as t

from lxml import etree

from ..errors import BadParameter
from ..errors import ImageUnavailable
from ..errors import TemplateError
from ..svg.css import length
from ..svg.css import parse_declarations
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.geometry import view_matrix
from ..svg.names import DYNAMIC
from ..svg.names import OG_NS
from ..svg.names import XLINK_HREF
from ..svg.names import find_node
from ..svg.names import index_path
from ..svg.names import local_name
from .params import Param

Path = tuple[int, ...]

#: og's attributes for typed parameters (``og check`` knows them).
TYPED_ATTRIBUTES = frozenset({"image", "fit", "image-fallback", "color", "choices", "color-property",
                              "show-if", "choice", "value", "default"})
FALSY = ("", "0", "false", "no", "off")
TRUTHY = ("1", "true", "yes", "on")
#: Longest colour, choice or flag value (names are short; a URL gets the template's limit).
SHORT_VALUE = 64
_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAME = re.compile(r"[A-Za-z0-9_-]+")


def _og(name: str) -> str:
    return f"{{{OG_NS}}}{name}"


@dataclasses.dataclass(frozen=True)
class ImageSlot:
    param: str
    path: Path
    size: tuple[int, int]  # device pixels the picture covers on the card
    fit: t.Literal["cover", "contain"]
    fallback: t.Literal["placeholder", "error"]


@dataclasses.dataclass(frozen=True)
class ColorSlot:
    param: str
    path: Path
    prop: str  # fill | stroke
    palette: tuple[tuple[str, str], ...]  # (name, #rrggbb); empty: any hex colour


@dataclasses.dataclass(frozen=True)
class Shown:
    """An element kept only when ``param``'s value is truthy (``value`` None) or equals ``value``.

    ``og:show-if`` may name several parameters (``"handle website"``): kept when any of them is.
    """

    param: str
    path: Path
    value: str | None
    #: Those of the names that are text placeholders: kept when not blank (a tag "0" is a tag).
    texts: frozenset[str] = frozenset()

    def keeps(self, values: t.Mapping[str, str]) -> bool:
        if self.value is not None:
            return values.get(self.param, "") == self.value
        return any(bool(values.get(name, "").strip()) if name in self.texts else truthy(values.get(name, ""))
                   for name in self.param.split())


@dataclasses.dataclass(frozen=True)
class Typed:
    params: dict[str, Param] = dataclasses.field(default_factory=dict)
    images: tuple[ImageSlot, ...] = ()
    colors: tuple[ColorSlot, ...] = ()
    shown: tuple[Shown, ...] = ()


def parse_hex(value: str) -> str | None:
    """``#E11`` / ``e11d48`` → ``#ee1111`` / ``#e11d48``; anything else → None.

    >>> parse_hex("#E11"), parse_hex("e11d48"), parse_hex("red;filter:url(#x)")
    ('#ee1111', '#e11d48', None)
    """
    match = _HEX.fullmatch(value)
    if match is None:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def truthy(value: str) -> bool:
    return value.strip().lower() not in FALSY


def _refuse(name: str, value: str, allowed: t.Sequence[str]) -> BadParameter:
    return BadParameter(f"parameter {name!r} cannot be {value[:40]!r}; use one of: {', '.join(allowed)}",
                        parameter=name, allowed=list(allowed))


def _checker(kind: str, allowed: tuple[str, ...]) -> t.Callable[[str, str], str]:
    """The parser of a typed value: its canonical form (the card key's) or a 400."""
    def check(name: str, value: str) -> str:
        if kind == "image":
            if value and not value.startswith(("https://", "http://", "@")):
                raise BadParameter(f"parameter {name!r} is an image: an https:// URL or an @asset name",
                                   parameter=name)
            return value
        if kind == "color" and not allowed:
            parsed = parse_hex(value)
            if parsed is None:
                raise _refuse(name, value, ("#rgb", "#rrggbb"))
            return parsed
        if kind == "flag":
            if value.strip().lower() not in FALSY + TRUTHY:
                raise _refuse(name, value, TRUTHY + FALSY[1:])
            return "1" if truthy(value) else ""
        if value not in allowed:
            raise _refuse(name, value, allowed)
        return value
    return check


#: What ``/templates`` lists as allowed for a kind without names of its own.
FORMS = {"color": ("#rgb", "#rrggbb"), "flag": TRUTHY + FALSY[1:]}


def _param(name: str, kind: str, default: str, allowed: tuple[str, ...], max_length: int) -> Param:
    return Param(name, default, max_length if kind == "image" else SHORT_VALUE, kind,
                 allowed or FORMS.get(kind, ()), _checker(kind, allowed))


def _palette(node: etree._Element) -> tuple[tuple[str, str], ...]:
    palette = []
    for item in filter(None, (part.strip() for part in (node.get(_og("choices")) or "").split(","))):
        name, _, colour = item.partition(":")
        parsed = parse_hex(colour)
        if not _NAME.fullmatch(name.strip()) or parsed is None:
            raise TemplateError(f"og:choices item {item[:40]!r} (line {node.sourceline}): write name:#rrggbb")
        palette.append((name.strip(), parsed))
    return tuple(palette)


def _device_size(root: etree._Element, node: etree._Element, width: float, height: float) -> tuple[int, int]:
    matrix = view_matrix(root, round(width), round(height))
    for element in [*reversed(list(node.iterancestors())), node]:
        matrix = multiply(matrix, parse_transform(element.get("transform")))
    a, b, c, d, _, _ = matrix
    box_w, box_h = length(node.get("width")), length(node.get("height"))
    if not box_w or not box_h:
        raise TemplateError(f"image slot <image id={node.get('id')!r}> needs a width and a height")
    return max(1, round(box_w * math.hypot(a, b))), max(1, round(box_h * math.hypot(c, d)))


def _option(node: etree._Element, name: str, choices: tuple[str, ...]) -> str:
    value = node.get(_og(name)) or choices[0]
    if value not in choices:
        raise TemplateError(f"og:{name}={value[:20]!r} (line {node.sourceline}): use {' or '.join(choices)}")
    return value


def declare(root: etree._Element, text_params: t.Collection[str], max_length: int,
            size: tuple[float, float]) -> Typed:
    """The typed parameters a template declares (``text_params``: its placeholders' names)."""
    images: list[ImageSlot] = []
    colors: list[ColorSlot] = []
    shown: list[Shown] = []
    params: dict[str, Param] = {}
    choices: dict[str, list[str]] = {}
    defaults: dict[str, str] = {}
    flags: set[str] = set()

    def claim(name: str, kind: str, node: etree._Element) -> None:
        if not _NAME.fullmatch(name) or name in text_params or (name in params and params[name].kind != kind):
            raise TemplateError(f"og:{kind} {name[:40]!r} (line {node.sourceline}) is not a name or is "
                                "already another kind of parameter")
        if node.get(_og("default")) is not None:
            defaults.setdefault(name, node.get(_og("default")) or "")

    for node in root.iter(etree.Element):
        if (name := node.get(_og("image"))) is not None:
            if local_name(node) != "image":
                raise TemplateError(f"og:image on <{local_name(node)}> (line {node.sourceline}): put it on "
                                    "an <image>")
            claim(name, "image", node)
            images.append(ImageSlot(name, index_path(node), _device_size(root, node, *size),
                                    t.cast(t.Any, _option(node, "fit", ("cover", "contain"))),
                                    t.cast(t.Any, _option(node, "image-fallback", ("placeholder", "error")))))
            params[name] = _param(name, "image", defaults.get(name, ""), (), max_length)
        if (name := node.get(_og("color"))) is not None:
            claim(name, "color", node)
            palette = _palette(node)
            prop = _option(node, "color-property", ("fill", "stroke"))
            own = dict(parse_declarations(node.get("style", ""))).get(prop) or node.get(prop) or ""
            given = defaults.get(name)
            if palette:
                default = given or next((n for n, c in palette if c == parse_hex(own)), palette[0][0])
            else:
                default = parse_hex(given or own) or "#000000"
            colors.append(ColorSlot(name, index_path(node), prop, palette))
            allowed = tuple(n for n, _ in palette)
            if name in params and params[name].allowed != allowed:
                raise TemplateError(f"og:color {name!r} (line {node.sourceline}): every shape of one colour "
                                    "parameter needs the same og:choices")
            params.setdefault(name, _param(name, "color", default, allowed, max_length))
        if (name := node.get(_og("choice"))) is not None:
            claim(name, "choice", node)
            value = node.get(_og("value")) or ""
            choices.setdefault(name, [])
            if value not in choices[name]:
                choices[name].append(value)
            shown.append(Shown(name, index_path(node), value))
            params[name] = Param(name, "", SHORT_VALUE, "choice")  # completed below
        if (names := node.get(_og("show-if"))) is not None:
            if not names.split() or not all(_NAME.fullmatch(name) for name in names.split()):
                raise TemplateError(f"og:show-if {names[:40]!r} (line {node.sourceline}) is not a name "
                                    "(or names, separated by spaces)")
            for name in names.split():
                if node.get(_og("default")) is not None:
                    defaults.setdefault(name, node.get(_og("default")) or "")
                flags.add(name)
            shown.append(Shown(" ".join(names.split()), index_path(node), None,
                               frozenset(names.split()) & frozenset(text_params)))
    for name, values in choices.items():
        default = defaults.get(name, values[0])
        if default not in values:
            raise TemplateError(f"og:choice {name!r}: the default {default!r} is none of {', '.join(values)}")
        params[name] = _param(name, "choice", default, tuple(values), max_length)
    for name in sorted(flags - set(params) - set(text_params)):
        params[name] = _param(name, "flag", "1" if truthy(defaults.get(name, "")) else "", (), max_length)
    return Typed(params, tuple(images), tuple(colors), tuple(shown))


class FetchImage(t.Protocol):
    def __call__(self, value: str, size: tuple[int, int], fit: t.Literal["cover", "contain"],
                 parameter: str) -> bytes: ...


def fetched_images(typed: Typed, values: t.Mapping[str, str], fetch: FetchImage,
                   scale: float = 1.0) -> dict[Path, bytes]:
    """Each image slot's picture for these values (a slot without a value keeps its placeholder),
    at ``scale`` times the slot's size on a 1x card (a card drawn at ``?dpr=2`` wants 2).

    :raises ImageUnavailable: with ``fallback`` (the slot's ``og:image-fallback``) in its details.
    """
    pictures: dict[Path, bytes] = {}
    for slot in typed.images:
        value = values.get(slot.param, "")
        if not value:
            continue
        try:
            size = (max(1, round(slot.size[0] * scale)), max(1, round(slot.size[1] * scale)))
            pictures[slot.path] = fetch(value, size, slot.fit, slot.param)
        except ImageUnavailable as error:
            raise ImageUnavailable(f"image {slot.param!r}: {error.message}", parameter=slot.param,
                                   fallback=slot.fallback) from None
    return pictures


def apply_typed(root: etree._Element, typed: Typed, values: t.Mapping[str, str],
                pictures: t.Mapping[Path, bytes]) -> None:
    """Write the typed values into a filled copy of the document, as og serialises them."""
    for image in typed.images:
        node = find_node(root, image.path)
        node.set(DYNAMIC, "1")
        if image.path in pictures:
            node.attrib.pop("href", None)
            node.set(XLINK_HREF, "data:image/png;base64," + base64.b64encode(pictures[image.path]).decode())
            node.set("preserveAspectRatio", "none" if image.fit == "cover" else "xMidYMid meet")
    for color in typed.colors:
        node = find_node(root, color.path)
        node.set(DYNAMIC, "1")
        value = values.get(color.param, "")
        hex_colour = dict(color.palette).get(value) if color.palette else parse_hex(value)
        if hex_colour:
            style = [(k, v) for k, v in parse_declarations(node.get("style", "")) if k != color.prop]
            node.set("style", ";".join(f"{k}:{v}" for k, v in [*style, (color.prop, hex_colour)]))
    hidden = []
    for rule in typed.shown:
        node = find_node(root, rule.path)
        node.set(DYNAMIC, "1")
        if not rule.keeps(values):
            hidden.append(node)
    for node in hidden:  # after every lookup by path: removing shifts the paths of later siblings
        parent = node.getparent()
        if parent is not None:
            parent.remove(node)
