"""Find templates by name under a trusted folder, load and check them, notice edits.

A template is an SVG file a designer saved from Inkscape. Its parameters are the Jinja
placeholders in its text (``{{ title }}``); a default comes from Jinja's own filter
(``{{ title | default("Untitled") }}``) and a maximum length from ``og:max-length`` on
the text element that holds it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import threading
import typing as t
from pathlib import Path

import jinja2
import jinja2.meta
import jinja2.nodes
import jinja2.sandbox
from lxml import etree

from .errors import TemplateError
from .errors import TemplateNotFound
from .style import length
from .textblocks import OG_NS
from .textblocks import TEXT_TAGS

log = logging.getLogger(__name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    default: str
    max_length: int

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "default": self.default, "max_length": self.max_length}


@dataclasses.dataclass(frozen=True)
class Template:
    name: str
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size): a change means reload
    jinja: jinja2.Template
    params: dict[str, Param]
    width: float
    height: float

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "params": [param.to_dict() for param in self.params.values()],
            "urls": {fmt: f"/{self.name}.{fmt}" for fmt in ("png", "svg", "json")},
        }


def create_jinja_environment() -> jinja2.Environment:
    """Autoescape on (values become XML text), sandboxed (templates are checked, not trusted blindly)."""
    return jinja2.sandbox.ImmutableSandboxedEnvironment(autoescape=True, keep_trailing_newline=True)


def _defaults(ast: jinja2.nodes.Template) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for node in ast.find_all(jinja2.nodes.Filter):
        if node.name in ("default", "d") and isinstance(node.node, jinja2.nodes.Name) and node.args:
            arg = node.args[0]
            if isinstance(arg, jinja2.nodes.Const):
                defaults.setdefault(node.node.name, str(arg.value))
    return defaults


def _size(root: etree._Element) -> tuple[float, float]:
    width, height = length(root.get("width")), length(root.get("height"))
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(view_box) == 4:
        width = width or float(view_box[2])
        height = height or float(view_box[3])
    if not width or not height:
        raise TemplateError("the <svg> element needs width and height (or a viewBox)")
    return width, height


def check_structure(root: etree._Element) -> dict[str, int]:
    """Reject what og will not render; return og:max-length per parameter name."""
    if etree.QName(root).localname != "svg":
        raise TemplateError("the root element is not <svg>")
    limits: dict[str, int] = {}
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        for name, value in node.attrib.items():
            if "{{" in value or "{%" in value:
                raise TemplateError(
                    f"placeholder in attribute {etree.QName(name).localname!r} of "
                    f"<{etree.QName(node).localname} id={node.get('id')!r}> (line {node.sourceline}): "
                    "placeholders may only stand in text")
        if node.tag in TEXT_TAGS:
            limit = node.get(f"{{{OG_NS}}}max-length")
            if limit and limit.strip().isdigit():
                for param in _PLACEHOLDER.findall("".join(node.itertext())):
                    limits[param] = min(limits.get(param, 1 << 30), int(limit))
    return limits


def load_template(name: str, path: Path, env: jinja2.Environment, max_length: int) -> Template:
    stat = path.stat()
    source = path.read_text(encoding="utf-8")
    try:
        root = etree.fromstring(source.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as error:
        raise TemplateError(f"template {name!r} is not well-formed XML: {error}") from None
    try:
        limits = check_structure(root)
        width, height = _size(root)
    except TemplateError as error:
        raise TemplateError(f"template {name!r}: {error.message}") from None
    try:
        ast = env.parse(source)
        compiled = env.from_string(ast)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"template {name!r} line {error.lineno}: {error.message}") from None
    defaults = _defaults(ast)
    names = sorted(jinja2.meta.find_undeclared_variables(ast))
    params = {n: Param(n, defaults.get(n, ""), limits.get(n, max_length)) for n in names}
    return Template(name, path, (stat.st_mtime_ns, stat.st_size), compiled, params, width, height)


class TemplateStore:
    """Templates of one folder, loaded on first use and reloaded when their file changes."""

    def __init__(self, folder: str | os.PathLike[str], max_length: int = 500,
                 on_load: t.Callable[[Template], None] | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.max_length = max_length
        self.on_load = on_load
        self.env = create_jinja_environment()
        self._cache: dict[str, Template] = {}
        self._lock = threading.Lock()

    def path_for(self, name: str) -> Path:
        if not NAME.match(name):
            raise TemplateNotFound(f"no template named {name[:64]!r}")
        path = (self.folder / f"{name}.svg").resolve()
        if path.parent != self.folder or not path.is_file():
            raise TemplateNotFound(f"no template named {name!r}",
                                   available=self.names())
        return path

    def get(self, name: str) -> Template:
        path = self.path_for(name)
        stat = path.stat()
        cached = self._cache.get(name)
        if cached is not None and cached.stamp == (stat.st_mtime_ns, stat.st_size):
            return cached
        template = load_template(name, path, self.env, self.max_length)
        with self._lock:
            self._cache[name] = template
        log.info("loaded template %s (%d params)", name, len(template.params))
        if self.on_load is not None:
            self.on_load(template)
        return template

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.svg") if NAME.match(p.stem))

    def all(self) -> t.Iterator[Template | TemplateError]:
        for name in self.names():
            try:
                yield self.get(name)
            except TemplateError as error:
                yield error
