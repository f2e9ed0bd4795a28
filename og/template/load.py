"""Find templates by name under a trusted folder, load and check them, notice edits.

A template is an SVG file a designer saved from Inkscape. Its parameters are the Jinja
placeholders in its text (``{{ title }}``); a default comes from Jinja's own filter
(``{{ title | default("Untitled") }}``), the specimen's sample text from og's
(``{{ title | example("How we cut CI times") }}``), and a maximum length and
``og:required`` from the text element that holds it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import typing as t
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import jinja2.sandbox
from lxml import etree

from ..errors import TemplateError
from ..formats import LISTED_FORMATS
from ..svg.css import length
from ..svg.follow import Follower
from ..svg.follow import read_followers
from ..svg.names import adopt_namespace
from ..svg.names import find_node
from ..svg.names import index_path
from ..svg.names import local_name
from ..svg.read_text import TEXT_TAGS
from ..svg.vocabulary import MAX_DPR
from ..svg.vocabulary import MAX_LENGTH
from ..svg.vocabulary import QUALITY
from ..svg.vocabulary import REQUIRED
from .costs import max_dpr
from .limits import Limits
from .limits import check_canvas
from .limits import check_file_size
from .limits import check_limits
from .mirror import Mirroring
from .mirror import read_mirroring
from .pages import Page
from .pages import read_pages
from .pages import with_pages
from .params import Param
from .params import json_number
from .sandbox import BoundedSandbox
from .typed import Typed
from .typed import declare

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


class NotWellFormed(TemplateError):
    """The file is not (yet) a whole XML document: empty, or cut short while it is rewritten."""


@dataclasses.dataclass(frozen=True)
class TextFill:
    """A piece of character data holding placeholders: ``node.text`` or ``node.tail``.

    ``path`` is the child-index path from the root, so the node can be found again in a
    copy of the document.
    """

    path: tuple[int, ...]
    attribute: str  # "text" | "tail"
    jinja: jinja2.Template


@dataclasses.dataclass(frozen=True)
class Options:
    """What a template's root says about all of its cards, read once when it is loaded."""

    #: ``og:quality``: JPEG, WebP and AVIF quality (None: the deploy's ``OG_QUALITY``).
    quality: int | None = None
    #: ``og:max-dpr``, lowered to what the pixel budget allows (canvas × dpr² within
    #: ``Limits.drawn_pixels``), so ``?dpr=`` above it is a clear 400 that says the largest allowed.
    max_dpr: float = 2.0


@dataclasses.dataclass(frozen=True)
class Template:
    name: str
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size): a change means reload
    digest: str  # of the file's bytes: part of every card's cache key and ETag
    root: etree._Element  # parsed once; never modified after loading
    fills: tuple[TextFill, ...]
    dynamic: tuple[tuple[int, ...], ...]  # paths of the elements whose text holds values
    params: dict[str, Param]
    width: float
    height: float
    #: Image slots, colours, choices and flags (og:image, og:color, og:choice, og:show-if).
    typed: Typed = dataclasses.field(default_factory=Typed)
    #: ``og:quality`` and ``og:max-dpr``, parsed.
    options: Options = dataclasses.field(default_factory=Options)
    #: Inkscape pages (empty: one page); this template is a card of ``page`` ("": the first).
    pages: tuple[Page, ...] = ()
    page: str = ""
    page_roots: tuple[etree._Element, ...] = dataclasses.field(default=(), repr=False)
    #: What lies wholly off this page (hidden on its card), by path; and for each of the pages.
    off_page: tuple[tuple[int, ...], ...] = ()
    pages_off_page: tuple[tuple[tuple[int, ...], ...], ...] = dataclasses.field(default=(), repr=False)
    #: ``og:mirror`` and ``og:follow``, read once here rather than from each request's copy.
    mirroring: Mirroring = dataclasses.field(default_factory=Mirroring)
    followers: tuple[Follower, ...] = ()

    def to_dict(self) -> dict[str, object]:
        described: dict[str, object] = {
            "name": self.name,
            "width": json_number(self.width),
            "height": json_number(self.height),
            "params": [param.to_dict() for param in self.params.values()],
            "urls": {fmt: f"/{self.name}.{fmt}" for fmt in LISTED_FORMATS},
        }
        if self.pages:
            described["pages"] = [page.to_dict(self.name) for page in self.pages]
        return described


def create_jinja_environment() -> jinja2.Environment:
    """Sandboxed and bounded (templates are checked, not trusted blindly: see
    :mod:`og.template.sandbox`).

    Jinja fills character data of the parsed document, never markup: a value is set as a
    text node and lxml escapes it when the document is written, so a value can never
    become markup, and autoescaping here would only double-escape.
    """
    return BoundedSandbox()


def _slots(node: etree._Element) -> t.Iterator[tuple[etree._Element, str]]:
    """Character data of a text element and its inline children, in document order."""
    yield node, "text"
    for child in node:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield child, "tail"


def _unclosed(text: str) -> bool:
    return text.rfind("{{") > text.rfind("}}") or text.rfind("{%") > text.rfind("%}")


def join_split_placeholders(text_element: etree._Element) -> None:
    """Put back together a placeholder that Inkscape split over several tspans.

    Inkscape re-wraps flowed text on save and writes one fallback ``<tspan>`` per line,
    which can cut ``{{ title | default("a long default") }}`` in two. The pieces are
    joined into the first one (the fallback lines carry no meaning for og).
    """
    slots = list(_slots(text_element))
    for index, (node, attribute) in enumerate(slots):
        text = getattr(node, attribute) or ""
        following = index + 1
        while _unclosed(text) and following < len(slots):
            other, other_attribute = slots[following]
            rest = getattr(other, other_attribute) or ""
            end = min((i for i in (rest.find("}}"), rest.find("%}")) if i >= 0), default=-1)
            take = rest if end < 0 else rest[: end + 2]
            text += take
            setattr(other, other_attribute, rest[len(take):] or None)
            following += 1
        setattr(node, attribute, text or None)


def _parses(env: jinja2.Environment, text: str | None) -> bool:
    if not text or ("{{" not in text and "{%" not in text):
        return True
    try:
        env.parse(text)
    except jinja2.TemplateSyntaxError:
        return False
    return True


def join_split_blocks(text_element: etree._Element, env: jinja2.Environment) -> None:
    """A ``{% if %}…{% endif %}`` that Inkscape's re-wrap spread over several tspans is
    joined into the first one, with all the element's text (inner tspan styles are then
    lost; the whole text still reads the same)."""
    slots = list(_slots(text_element))
    if all(_parses(env, getattr(node, attribute)) for node, attribute in slots):
        return
    joined = "".join(getattr(node, attribute) or "" for node, attribute in slots)
    if not _parses(env, joined):
        return  # a real syntax error: compile_fills reports it
    first_node, first_attribute = slots[0]
    for node, attribute in slots:
        setattr(node, attribute, None)
    setattr(first_node, first_attribute, joined)


def compile_fills(root: etree._Element,
                  env: jinja2.Environment) -> tuple[tuple[TextFill, ...], list[jinja2.nodes.Template]]:
    for text_element in root.iter(*TEXT_TAGS):
        join_split_placeholders(text_element)
        join_split_blocks(text_element, env)
    fills: list[TextFill] = []
    asts: list[jinja2.nodes.Template] = []
    for node in root.iter():
        for attribute in ("text", "tail"):
            value = getattr(node, attribute)
            if not value or ("{{" not in value and "{%" not in value):
                continue
            try:
                ast = env.parse(value)
            except jinja2.TemplateSyntaxError as error:
                where = f"line {node.sourceline}: {error.message}"
                raise TemplateError(f"{where} in {value.strip()[:80]!r}") from None
            asts.append(ast)
            fills.append(TextFill(index_path(node), attribute, env.from_string(ast)))
    return tuple(fills), asts


def _filter_args(ast: jinja2.nodes.Template, names: tuple[str, ...]) -> dict[str, str]:
    """``{{ title | NAME("x") }}`` → ``{"title": "x"}`` for the filters ``names``."""
    found: dict[str, str] = {}
    for node in ast.find_all(jinja2.nodes.Filter):
        if node.name in names and isinstance(node.node, jinja2.nodes.Name) and node.args:
            arg = node.args[0]
            if isinstance(arg, jinja2.nodes.Const):
                found.setdefault(node.node.name, str(arg.value))
    return found


def _defaults(ast: jinja2.nodes.Template) -> dict[str, str]:
    return _filter_args(ast, ("default", "d"))


def _size(root: etree._Element) -> tuple[float, float]:
    width, height = length(root.get("width")), length(root.get("height"))
    view_box = [length(v) for v in (root.get("viewBox") or "").replace(",", " ").split()]
    if (width is None or height is None) and len(view_box) == 4:
        width = width or view_box[2]
        height = height or view_box[3]
    if not width or not height:
        raise TemplateError("the <svg> element needs width and height (or a viewBox)")
    return width, height


def required_params(root: etree._Element) -> set[str]:
    """The placeholders of text elements marked ``og:required="true"``."""
    return {param for node in root.iter(*TEXT_TAGS)
            if REQUIRED.read(node)
            for param in _PLACEHOLDER.findall("".join(node.itertext()))}


def check_structure(root: etree._Element) -> dict[str, int]:
    """Reject what og will not render; return og:max-length per parameter name."""
    if local_name(root) != "svg":
        raise TemplateError("the root element is not <svg>")
    limits: dict[str, int] = {}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            if "{{" in value or "{%" in value:
                raise TemplateError(
                    f"placeholder in attribute {etree.QName(name).localname!r} of "
                    f"<{local_name(node)} id={node.get('id')!r}> (line {node.sourceline}): "
                    "placeholders may only stand in text")
        if node.tag in TEXT_TAGS:
            limit = MAX_LENGTH.read(node)
            if limit is not None:
                for param in _PLACEHOLDER.findall("".join(node.itertext())):
                    limits[param] = min(limits.get(param, 1 << 30), limit)
    return limits


def dynamic_elements(root: etree._Element, fills: t.Sequence[TextFill]) -> tuple[tuple[int, ...], ...]:
    """The text elements (or other elements) whose character data a request fills."""
    paths = set()
    for text_fill in fills:
        node = find_node(root, text_fill.path)
        if text_fill.attribute == "tail" and node.getparent() is not None:
            node = node.getparent()
        holder = next((a for a in [node, *node.iterancestors()] if a.tag in TEXT_TAGS), node)
        paths.add(index_path(holder))
    return tuple(sorted(paths))


DEFAULT_LIMITS = Limits()


def read_options(root: etree._Element, width: float, height: float, limits: Limits) -> Options:
    """``og:quality`` and ``og:max-dpr`` (at most what the pixel budget allows; the tree is left
    as the designer wrote it)."""
    quality = QUALITY.read(root)
    allowed = max_dpr(width, height, limits)
    declared = MAX_DPR.read(root) or allowed
    return Options(int(quality) if quality else None, min(declared, allowed))


def digest_of(data: bytes) -> str:
    """A template file's digest (:attr:`Template.digest`)."""
    return hashlib.sha256(data).hexdigest()[:16]


def read_template(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A template file's bytes, never more than ``limits.file_bytes`` read (it may grow while read).

    :raises OSError: it cannot be read.
    :raises TemplateError: it is too big.
    """
    with path.open("rb") as file:
        data = file.read(limits.file_bytes + 1)
    check_file_size(len(data), limits)
    return data


def load_template(name: str, path: Path, env: jinja2.Environment, max_length: int,
                  limits: Limits = DEFAULT_LIMITS,
                  read: tuple[bytes, os.stat_result] | None = None) -> Template:
    """Template ``name`` from the file at ``path``, or from ``read``: that file's bytes as read
    already (those a render process loaded first: see :class:`og.template.store.TemplateStore`),
    with its ``stat`` taken before they were read (a file rewritten since is then seen to change)."""
    try:
        if read is None:
            stat = path.stat()
            check_file_size(stat.st_size, limits)
            data = read_template(path, limits)
        else:
            data, stat = read
        root = etree.fromstring(data, _PARSER)
        adopt_namespace(root)  # templates in og's old namespace keep working
    except OSError as error:
        raise TemplateError(f"template {name!r} cannot be read: {error.strerror}") from None
    except etree.XMLSyntaxError as error:
        raise NotWellFormed(f"template {name!r} is not well-formed XML: {error}") from None
    except TemplateError as error:
        raise TemplateError(f"template {name!r}: {error.message}") from None
    try:
        max_lengths = check_structure(root)
        width, height = _size(root)
        check_limits(root, width, height, limits)
        options = read_options(root, width, height, limits)
        fills, asts = compile_fills(root, env)
        dynamic = dynamic_elements(root, fills)
        mirroring = read_mirroring(root)  # written wrong: refused now, not on the first right-to-left card
        follows = read_followers(root)  # og:follow, og:padding
    except TemplateError as error:
        raise TemplateError(f"template {name!r}: {error.message}") from None
    defaults: dict[str, str] = {}
    examples: dict[str, str] = {}
    names: set[str] = set()
    for ast in asts:
        for key, value in _defaults(ast).items():
            defaults.setdefault(key, value)
        for key, value in _filter_args(ast, ("example",)).items():
            examples.setdefault(key, value)
        names |= jinja2.meta.find_undeclared_variables(ast)
    required = required_params(root)
    params = {n: Param(n, defaults.get(n, ""), max_lengths.get(n, max_length), example=examples.get(n),
                       required=n in required) for n in sorted(names)}
    try:
        typed = declare(root, names, max_length, (width, height))
    except TemplateError as error:
        raise TemplateError(f"template {name!r}: {error.message}") from None
    params.update(typed.params)
    try:
        pages = read_pages(root)
        for page in pages:
            check_canvas(page.width, page.height, limits)
    except TemplateError as error:
        raise TemplateError(f"template {name!r}: {error.message}") from None
    return with_pages(Template(name, path, (stat.st_mtime_ns, stat.st_size),
                               digest_of(data), root, fills, dynamic, params, width,
                               height, typed, options, pages, mirroring=mirroring, followers=follows))
