"""The whole pipeline, with no web framework: template → fill → text layout → SVG →
raster → PNG. The web layer, the CLI and the tests all call :func:`render`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import threading
import typing as t
from pathlib import Path

from lxml import etree

from .config import BUNDLED_FONTS
from .config import Settings
from .draw.elements import layout_elements
from .draw.paint import pin_paint_servers
from .effects import elements as effects
from .errors import TemplateError
from .errors import UnknownFormat
from .raster import backend as raster
from .raster import encode as encode
from .raster import static as layers
from .report import layout_report
from .svg import cairosvg_fixes as compat
from .svg.read_text import TextSlot
from .svg.read_text import find_text_slots
from .svg.write_text import replace_with
from .template.fill import fill
from .template.load import Template
from .template.params import checked_values
from .template.store import TemplateStore
from .text.fonts import FontSet
from .text.layout import TextLayout
from .text.layout import layout_text

log = logging.getLogger(__name__)

CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml", "json": "application/json"}
MAX_ERROR_CARDS = 64
#: og's own templates (the error card), shipped inside the package.
ERROR_TEMPLATES = TemplateStore(Path(__file__).resolve().parent / "web")


@dataclasses.dataclass
class LaidOut:
    """A filled template whose text is laid out and drawn as paths, not yet rasterized."""

    template: Template
    values: dict[str, str]
    root: etree._Element
    texts: list[tuple[TextSlot, TextLayout]]

    def svg_bytes(self) -> bytes:
        return t.cast(bytes, etree.tostring(self.root, xml_declaration=True, encoding="UTF-8"))

    def report(self) -> dict[str, t.Any]:
        return layout_report(self.template.name, self.template.width, self.template.height,
                             self.values, self.texts)


class Renderer:
    """Holds what outlives a request: the template store and the fonts."""

    def __init__(self, settings: Settings | None = None, *, templates: TemplateStore | None = None,
                 fonts: FontSet | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.fonts = fonts or FontSet.from_folders(self.settings.fonts_dir, BUNDLED_FONTS,
                                                   allow_system=self.settings.allow_system_fonts)
        self.templates = templates or TemplateStore(self.settings.templates_dir, self.settings.max_length,
                                                    on_load=self._log_findings)

    def _log_findings(self, template: Template) -> None:
        """Tell the operator, once per (re)load, what ``og check`` would tell the designer."""
        from .check import check_file

        try:
            findings = check_file(template.path, self.fonts)
        except Exception:  # the linter is advice: it must never stop a render
            log.exception("template %s: og check failed", template.name)
            return
        for finding in findings:
            if finding.level != "info":
                log.warning("template %s: %s", template.name, finding)

    def error_card(self, status: int, message: str) -> bytes:
        """A PNG that says what went wrong, for clients that show images, not JSON.

        Cached: a crawler retrying a broken URL must not cost a render each time.
        """
        return _error_card(self, status, message)

    def _error_card(self, status: int, message: str) -> bytes:
        laid_out = self._lay_out(ERROR_TEMPLATES.get("error"),
                                 {"status": f"Error {status}", "message": message[:300]})
        return self._encode(laid_out, "png")

    def values_for(self, template: Template, params: t.Mapping[str, str]) -> dict[str, str]:
        """The values to fill in: defaults overridden by ``params``, each one checked."""
        return checked_values(template.name, template.params, params)

    def lay_out(self, name: str, params: t.Mapping[str, str]) -> LaidOut:
        template = self.templates.get(name)
        return self._lay_out(template, self.values_for(template, params))

    def _lay_out(self, template: Template, values: dict[str, str]) -> LaidOut:
        name = template.name
        root = fill(template, values)
        texts = []
        for number, slot in enumerate(find_text_slots(root, template.width)):
            layout = layout_text(slot.block, self.fonts)
            if layout.missing:
                log.warning("template %s, text %r: no font for %s", name, slot.id,
                            " ".join(layout.missing[:20]))
            group = replace_with(slot, layout_elements(layout, slot.paint))
            pin_paint_servers(root, group, layout, f"og-text{number}")
            texts.append((slot, layout))
        compat.apply(root)
        effects.apply_effects(root, round(template.width), round(template.height))
        return LaidOut(template, values, root, texts)

    def render(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
        if fmt not in CONTENT_TYPES:
            raise UnknownFormat(f"unknown format {fmt[:16]!r}; use one of: {', '.join(CONTENT_TYPES)}")
        return self._encode(self.lay_out(name, params or {}), fmt)

    @staticmethod
    def _encode(laid_out: LaidOut, fmt: str) -> bytes:
        if fmt == "json":
            return json.dumps(laid_out.report(), ensure_ascii=False, indent=1).encode("utf-8")
        svg = laid_out.svg_bytes()
        if fmt == "svg":
            return svg
        split = layers.static_split(laid_out.root)
        try:
            surface = raster.rasterize(split[1], split[0]) if split else raster.rasterize(svg)
        except Exception as error:  # CairoSVG on a template it cannot draw
            log.exception("template %s: CairoSVG failed", laid_out.template.name)
            raise TemplateError(f"template {laid_out.template.name!r} could not be drawn: "
                                f"{type(error).__name__}; run og check on it") from None
        return encode.encode_png(encode.pixels(surface))


@functools.lru_cache(maxsize=MAX_ERROR_CARDS)
def _error_card(renderer: Renderer, status: int, message: str) -> bytes:
    return renderer._error_card(status, message)


_default: Renderer | None = None
_default_lock = threading.Lock()


def default_renderer() -> Renderer:
    """A process-wide renderer for the current environment (rebuilt if ``OG_*`` changes)."""
    global _default
    settings = Settings.from_env()
    with _default_lock:
        if _default is None or _default.settings != settings:
            _default = Renderer(settings)
        return _default


def render(name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
    """Render template ``name`` with ``params`` as ``fmt`` (``png``, ``svg`` or ``json``)."""
    return default_renderer().render(name, params, fmt)
