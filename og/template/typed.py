"""Typed parameters: images, colours, choices and flags a designer declares with og attributes.

Placeholders stand only in text, so a value never becomes markup. Typed parameters keep that:
og parses each value into a closed form (a colour's three bytes, one of the designer's names,
a URL og fetches itself) and writes what *it* serialises into the attribute, never the value.

===========================================  ====================================================
``<image og:image="avatar">``                an image slot (``og:fit="cover|contain"``,
                                             ``og:image-fallback="placeholder|error"``); the
                                             embedded picture is the placeholder
``og:color="accent"``                        a shape's fill (``og:color-property="stroke"``),
                                             a gradient ``<stop>``'s stop-color: ``#rgb`` or
                                             ``#rrggbb`` (``#`` optional), or only the names of
                                             ``og:choices="rose:#e11d48,sky:#0284c7"``; several
                                             shapes may share one (the palette given once)
``<g og:show-if="badge">``                   shown when the value is truthy (not empty, ``0``,
                                             ``false``, ``no`` or ``off``); naming a text
                                             placeholder: shown when that text is not blank;
                                             ``"handle website"``: when any of them is
``<g og:choice="theme" og:value="dark">``    one of sibling layers: only the chosen one stays
===========================================  ====================================================

``og:default`` on any of them gives the default (a colour's default is otherwise the first shape's
own colour, a choice's the first layer in document order, a flag's off).
"""

from __future__ import annotations

import base64
import dataclasses
import math
import typing as t

from lxml import etree

from ..errors import BadParameter
from ..errors import ImageUnavailable
from ..errors import TemplateError
from ..svg.css import Cascade
from ..svg.css import css_colour
from ..svg.css import length
from ..svg.css import own_property
from ..svg.css import parse_declarations
from ..svg.css import specified
from ..svg.dynamic import Dynamic
from ..svg.geometry import multiply
from ..svg.geometry import parse_transform
from ..svg.geometry import view_matrix
from ..svg.names import URL_ID
from ..svg.names import XLINK_HREF
from ..svg.names import find_node
from ..svg.names import href
from ..svg.names import index_path
from ..svg.names import local_name
from ..svg.vocabulary import CHOICE
from ..svg.vocabulary import CHOICES
from ..svg.vocabulary import COLOR
from ..svg.vocabulary import COLOR_PROPERTY
from ..svg.vocabulary import DEFAULT
from ..svg.vocabulary import FALSY
from ..svg.vocabulary import FIT
from ..svg.vocabulary import IMAGE
from ..svg.vocabulary import IMAGE_FALLBACK
from ..svg.vocabulary import NAME
from ..svg.vocabulary import SHOW_IF
from ..svg.vocabulary import TRUTHY
from ..svg.vocabulary import VALUE
from ..svg.vocabulary import Attribute
from ..svg.vocabulary import is_truthy
from ..svg.vocabulary import parse_flag
from ..svg.vocabulary import parse_hex as parse_hex
from .params import Param

Path = tuple[int, ...]

#: Longest colour, choice or flag value (names are short; a URL gets the template's limit).
SHORT_VALUE = 64
#: Where a colour would show nowhere: og refuses ``og:color`` there (a gradient's colours are on
#: its ``<stop>`` elements; a clip path's shapes clip and are not painted).
NO_COLOUR = frozenset({"linearGradient", "radialGradient", "image", "filter", "clipPath", "defs", "style",
                       "title", "desc", "metadata", "script"})
#: What paints with fill and stroke: a container's colour shows only through these.
PAINTED = frozenset({"rect", "circle", "ellipse", "line", "polyline", "polygon", "path", "text", "tspan",
                     "textPath", "flowRoot", "flowPara", "flowSpan", "use"})


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
    prop: str  # fill | stroke | stop-color
    palette: tuple[tuple[str, str], ...]  # (name, #rrggbb); empty: any hex colour
    #: For a ``<stop>``: the shapes painted with its gradient (marked dynamic with it, so that no
    #: shape drawn before the gradient's definition is cached with the old colour).
    users: tuple[Path, ...] = ()


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
        return any(bool(values.get(name, "").strip()) if name in self.texts
                   else is_truthy(values.get(name, "")) for name in self.param.split())


@dataclasses.dataclass(frozen=True)
class Typed:
    params: dict[str, Param] = dataclasses.field(default_factory=dict)
    images: tuple[ImageSlot, ...] = ()
    colors: tuple[ColorSlot, ...] = ()
    shown: tuple[Shown, ...] = ()


def drawn_colour(value: str | None) -> str | None:
    """A colour as a template may write it (``#hex``, ``rgb()``, ``hsl()``, a CSS name) → ``#rrggbb``;
    ``none``, ``url(…)``, ``currentColor`` or nothing → None. Only for the template's own colours:
    a query's value is read by :func:`parse_hex` (or a palette) alone.

    >>> drawn_colour("white"), drawn_colour("rgb(255, 0, 0)"), drawn_colour("url(#g)")
    ('#ffffff', '#ff0000', None)
    """
    rgb = css_colour(value) if value else None
    return None if rgb is None else "#{:02x}{:02x}{:02x}".format(*rgb)


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
            try:
                return "1" if parse_flag(value) else ""
            except ValueError:
                raise _refuse(name, value, TRUTHY + FALSY[1:]) from None
        if value not in allowed:
            raise _refuse(name, value, allowed)
        return value
    return check


#: What ``/templates`` lists as allowed for a kind without names of its own.
FORMS = {"color": ("#rgb", "#rrggbb"), "flag": TRUTHY + FALSY[1:]}


def _param(name: str, kind: str, default: str, allowed: tuple[str, ...], max_length: int,
           palette: tuple[tuple[str, str], ...] = ()) -> Param:
    return Param(name, default, max_length if kind == "image" else SHORT_VALUE, kind,
                 allowed or FORMS.get(kind, ()), _checker(kind, allowed), palette)


def _color_slot(node: etree._Element, name: str) -> ColorSlot:
    """One shape's ``og:color``: what it sets (a ``<stop>``: its stop-color) and its palette."""
    tag = local_name(node)
    if tag in NO_COLOUR:
        hint = ": put it on the gradient's <stop> elements" if tag.endswith("Gradient") else ""
        raise TemplateError(f"og:color on <{tag}> (line {node.sourceline}) would colour nothing{hint}")
    properties = ("stop-color",) if tag == "stop" else ("fill", "stroke")
    return ColorSlot(name, index_path(node), _option(node, COLOR_PROPERTY, properties), CHOICES.require(node))


def own_colour(cascade: Cascade, node: etree._Element, prop: str) -> tuple[str, str | None]:
    """The colour a shape is drawn with, as written and as ``#rrggbb`` (None: not a colour)."""
    if prop == "stop-color":  # not inherited; black when not given
        written = own_property(node, prop) or "black"
    else:
        written = cascade.computed(node).get(prop) or ("black" if prop == "fill" else "none")
    return written, drawn_colour(written)


def _gradient_users(root: etree._Element, stop: etree._Element) -> tuple[Path, ...]:
    """The elements painted with the gradient of ``stop``, or with a gradient that takes its
    stops from it (``href``)."""
    gradient = stop.getparent()
    if gradient is None or not gradient.get("id"):
        return ()
    names = {str(gradient.get("id"))}
    gradients = [node for node in root.iter(etree.Element) if local_name(node).endswith("Gradient")]
    for _ in gradients:  # each round adds at least one gradient, or the set is complete
        more = {str(node.get("id")) for node in gradients
                if node.get("id") and href(node).lstrip("#") in names} - names
        if not more:
            break
        names |= more
    return tuple(index_path(node) for node in root.iter(etree.Element)
                 if any(match in names for prop in ("fill", "stroke")
                        for match in URL_ID.findall(own_property(node, prop) or "")))


def _colour_params(root: etree._Element, slots: t.Sequence[ColorSlot], defaults: t.Mapping[str, str],
                   max_length: int) -> tuple[dict[str, Param], tuple[ColorSlot, ...]]:
    """Each colour parameter from all its shapes: one palette (given on any of them, the same
    wherever it is given) and one default (``og:default``, else the first shape's own colour)."""
    cascade = Cascade(root)
    params: dict[str, Param] = {}
    shared: list[ColorSlot] = []
    for name in dict.fromkeys(slot.param for slot in slots):
        mine = [slot for slot in slots if slot.param == name]
        first = find_node(root, mine[0].path)
        palettes = list(dict.fromkeys(slot.palette for slot in mine if slot.palette))
        if len(palettes) > 1:
            raise TemplateError(f"og:color {name!r} (line {first.sourceline}): its shapes list different "
                                "og:choices; list the palette on one of them (or the same on each)")
        palette = palettes[0] if palettes else ()
        written, own = own_colour(cascade, first, mine[0].prop)
        given = defaults.get(name)
        names = tuple(n for n, _ in palette)
        if palette:
            default = given or next((n for n, c in palette if c == own), names[0])
            if default not in names:
                raise TemplateError(f"og:color {name!r}: the default {default!r} is none of "
                                    f"{', '.join(names)}")
        else:
            parsed = parse_hex(given) if given else own
            if parsed is None:
                problem = (f"og:default {given!r} is not #rgb or #rrggbb" if given else
                           f"the shape's {mine[0].prop} is {written[:40]!r}, not a colour: give "
                           "og:default=\"#rrggbb\" (or og:color-property=\"stroke\")")
                raise TemplateError(f"og:color {name!r} (line {first.sourceline}): {problem}")
            default = parsed
        params[name] = _param(name, "color", default, names, max_length, palette)
        shared.extend(dataclasses.replace(slot, palette=palette,
                                          users=_gradient_users(root, find_node(root, slot.path))
                                          if slot.prop == "stop-color" else ()) for slot in mine)
    return params, tuple(shared)


_TEXT_TAGS = frozenset({"text", "tspan", "textPath", "flowRoot", "flowPara", "flowSpan"})


def unseen_colour(root: etree._Element, slot: ColorSlot) -> str | None:
    """Why ``slot``'s colour would show nowhere on the card, or None when something paints with it.

    A shape paints with it; a group or a text only through a shape or text inside that does not
    set the property itself; a ``<stop>`` only when a shape uses its gradient; nothing inside a
    ``<clipPath>`` is painted; a ``<line>`` has no fill.
    """
    node = find_node(root, slot.path)
    tag = local_name(node)
    if any(local_name(ancestor) == "clipPath" for ancestor in node.iterancestors()):
        return "it is inside a <clipPath>, which clips and is never painted"
    if tag == "stop":
        return None if slot.users else "no shape is painted with this stop's gradient"
    if tag == "line" and slot.prop == "fill":
        return 'a <line> has no fill: write og:color-property="stroke"'
    sheet = Cascade(root).sheet
    for painter in node.iter(etree.Element):
        name = local_name(painter)
        if name not in PAINTED:
            continue
        if name in _TEXT_TAGS and not ((painter.text or "").strip() or
                                       any((child.tail or "").strip() for child in painter)):
            continue  # a text element whose characters are all in its children
        chain = [painter, *painter.iterancestors()]
        between = chain[:chain.index(node)]
        if all(specified(element, sheet).get(slot.prop, "inherit") == "inherit" for element in between):
            return None
    return (f"every shape or text inside sets its own {slot.prop}, so the colour is seen nowhere: "
            "put og:color on them")


def _device_size(root: etree._Element, node: etree._Element, width: float, height: float) -> tuple[int, int]:
    matrix = view_matrix(root, round(width), round(height))
    for element in [*reversed(list(node.iterancestors())), node]:
        matrix = multiply(matrix, parse_transform(element.get("transform")))
    a, b, c, d, _, _ = matrix
    box_w, box_h = length(node.get("width")), length(node.get("height"))
    if not box_w or not box_h:
        raise TemplateError(f"image slot <image id={node.get('id')!r}> needs a width and a height")
    return max(1, round(box_w * math.hypot(a, b))), max(1, round(box_h * math.hypot(c, d)))


def _option(node: etree._Element, attribute: Attribute[str], choices: tuple[str, ...]) -> str:
    """One of ``choices`` (of the attribute's values, those this element takes; the first when
    it is not written)."""
    value = attribute.raw(node) or choices[0]
    if value not in choices:
        raise TemplateError(f"og:{attribute.name}={value[:20]!r} (line {node.sourceline}): "
                            f"use {' or '.join(choices)}")
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
        if not NAME.fullmatch(name) or name in text_params or (name in params and params[name].kind != kind):
            raise TemplateError(f"og:{kind} {name[:40]!r} (line {node.sourceline}) is not a name or is "
                                "already another kind of parameter")
        if (default := DEFAULT.raw(node)) is not None:
            defaults.setdefault(name, default)

    for node in root.iter(etree.Element):
        if (name := IMAGE.raw(node)) is not None:
            if local_name(node) != "image":
                raise TemplateError(f"og:image on <{local_name(node)}> (line {node.sourceline}): put it on "
                                    "an <image>")
            claim(name, "image", node)
            images.append(ImageSlot(name, index_path(node), _device_size(root, node, *size),
                                    t.cast(t.Any, _option(node, FIT, ("cover", "contain"))),
                                    t.cast(t.Any, _option(node, IMAGE_FALLBACK, ("placeholder", "error")))))
            params[name] = _param(name, "image", defaults.get(name, ""), (), max_length)
        if (name := COLOR.raw(node)) is not None:
            claim(name, "color", node)
            colors.append(_color_slot(node, name))
            params.setdefault(name, Param(name, "", SHORT_VALUE, "color"))  # completed below
        if (name := CHOICE.raw(node)) is not None:
            claim(name, "choice", node)
            value = VALUE.raw(node) or ""
            choices.setdefault(name, [])
            if value not in choices[name]:
                choices[name].append(value)
            shown.append(Shown(name, index_path(node), value))
            params[name] = Param(name, "", SHORT_VALUE, "choice")  # completed below
        if SHOW_IF.raw(node) is not None:
            names = SHOW_IF.require(node)
            for name in names:
                if (default := DEFAULT.raw(node)) is not None:
                    defaults.setdefault(name, default)
                flags.add(name)
            shown.append(Shown(" ".join(names), index_path(node), None,
                               frozenset(names) & frozenset(text_params)))
    colour_params, shared_colours = _colour_params(root, colors, defaults, max_length)
    params.update(colour_params)
    for name, values in choices.items():
        default = defaults.get(name, values[0])
        if default not in values:
            raise TemplateError(f"og:choice {name!r}: the default {default!r} is none of {', '.join(values)}")
        params[name] = _param(name, "choice", default, tuple(values), max_length)
    for name in sorted(flags - set(params) - set(text_params)):
        params[name] = _param(name, "flag", "1" if is_truthy(defaults.get(name, "")) else "", (), max_length)
    return Typed(params, tuple(images), shared_colours, tuple(shown))


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
                pictures: t.Mapping[Path, bytes], dynamic: Dynamic) -> None:
    """Write the typed values into a filled copy of the document, as og serialises them; every
    element they change is added to ``dynamic`` (or, when only a few choices change it, what was
    chosen: :meth:`Dynamic.vary`; what a value hid: :meth:`Dynamic.take_away`)."""
    for image in typed.images:
        node = find_node(root, image.path)
        if image.path not in pictures:  # no picture given: the template's own, on every such card
            dynamic.vary(("template's picture", image.path))
            continue
        dynamic.add(node)
        node.attrib.pop("href", None)
        node.set(XLINK_HREF, "data:image/png;base64," + base64.b64encode(pictures[image.path]).decode())
        node.set("preserveAspectRatio", "none" if image.fit == "cover" else "xMidYMid meet")
    for color in typed.colors:
        node = find_node(root, color.path)
        value = values.get(color.param, "")
        hex_colour = dict(color.palette).get(value) if color.palette else parse_hex(value)
        if color.palette:  # a few colours: one background for each
            dynamic.vary(("colour", color.path, hex_colour))
        else:  # any colour at all: never in a cached background
            for path in (color.path, *color.users):
                dynamic.add(find_node(root, path))
        if hex_colour:
            style = [(k, v) for k, v in parse_declarations(node.get("style", "")) if k != color.prop]
            node.set("style", ";".join(f"{k}:{v}" for k, v in [*style, (color.prop, hex_colour)]))
    hidden = []
    for rule in typed.shown:  # what stays is the rest of what went: the background's key says it
        node = find_node(root, rule.path)
        if not rule.keeps(values):
            hidden.append(node)
    for node in hidden:
        dynamic.take_away(node)
