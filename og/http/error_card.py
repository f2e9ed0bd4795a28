"""Errors as pictures: a PNG card that says what went wrong, for clients that show an image
or nothing (crawlers, ``<img>``), rendered from og's own ``error.svg`` template."""

from __future__ import annotations

from pathlib import Path

from ..caches import MB
from ..caches import BoundedCache
from ..caches import weigh_bytes
from ..render import Renderer
from ..template.store import TemplateStore

#: The card shows at most this much of the message; the rest is in the JSON and the log.
MAX_MESSAGE_CHARS = 300


class ErrorCards:
    """Error cards of one app, cached: a crawler retrying a broken URL costs no render."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer
        self.templates = TemplateStore(Path(__file__).resolve().parent)
        self.cache: BoundedCache[tuple[int, str], bytes] = BoundedCache(
            "error_cards", 8 * MB, "crawlers retry broken URLs; each card is drawn once", weigh_bytes)

    def png(self, status: int, message: str) -> bytes:
        message = message[:MAX_MESSAGE_CHARS]
        return self.cache.get_or_make((status, message), lambda key: self._draw(*key))

    def _draw(self, status: int, message: str) -> bytes:
        template = self.templates.get("error")
        plan = self.renderer.plan_template(template, {"status": f"Error {status}", "message": message}, "png")
        return self.renderer.render_plan(plan)
