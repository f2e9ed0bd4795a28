"""Colour parameters in the studio, in Debian's Chromium: the picker starts at the parameter's
default, sends only values og accepts, and the preview's request answers 200 with the colour in
its pixels. A palette colour (the bundled quote.svg) gets its designer's swatches."""

from __future__ import annotations

import shutil
import threading
import typing as t

import numpy as np
import pytest
from PIL import ImageColor
from werkzeug.serving import make_server

import og
import og.web

from ..conftest import ROOT
from ..conftest import settings_for
from .test_studio_browser import WAIT_MS
from .test_studio_browser import _open_card
from .test_studio_browser import _preview_pixels
from .test_studio_browser import _renders
from .test_studio_browser import _wait_for_render_after
from .test_studio_browser import browser as browser  # noqa: F401  (a fixture)
from .test_studio_browser import page as page  # noqa: F401  (a fixture)

#: A free colour on a shape's fill and another's stroke, and one on a gradient's stop.
SWATCH = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns"
  width="1200" height="630" viewBox="0 0 1200 630">
  <defs><linearGradient id="band" x1="0" y1="0" x2="1" y2="0">
    <stop offset="0" og:color="glow" style="stop-color:#fde68a"/><stop offset="1" style="stop-color:#fde68a"/>
  </linearGradient></defs>
  <rect width="1200" height="630" style="fill:#ffffff"/>
  <rect og:color="ink" style="fill:#0284c7" x="0" y="0" width="400" height="630" id="block"/>
  <rect og:color="ink" og:color-property="stroke" style="fill:none;stroke:#000000;stroke-width:40"
    x="500" y="60" width="300" height="300" id="frame"/>
  <rect style="fill:url(#band)" x="0" y="560" width="1200" height="70" id="band-rect"/>
  <text x="480" y="480" style="font-family:Inter;font-size:48px;fill:#0f172a">{{ title }}</text>
</svg>
"""

Served = tuple[str, og.Renderer]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, fonts: t.Any) -> t.Iterator[Served]:
    folder = tmp_path_factory.mktemp("studio-colours")
    shutil.copy(ROOT / "svg_templates" / "quote.svg", folder / "quote.svg")
    (folder / "swatch.svg").write_text(SWATCH)
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    app = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", renderer
    finally:
        server.shutdown()
        thread.join(timeout=10)


def _near(pixel: np.ndarray, colour: str, tolerance: int = 6) -> bool:
    return bool(np.abs(pixel - np.array(ImageColor.getrgb(colour))).max() <= tolerance)


def _change_and_render(page: t.Any, action: t.Callable[[], None], name: str) -> t.Any:
    """Do ``action``; the card request it causes (its response), after the preview shows it."""
    count = _renders(page)
    with page.expect_response(lambda r: f"/{name}.png?" in r.url, timeout=WAIT_MS) as answer:
        action()
    _wait_for_render_after(page, count)
    return answer.value


def test_a_free_colour_starts_at_its_default_and_sends_hex(page: t.Any, served: Served) -> None:
    base, _ = served
    _open_card(page, base, "swatch")
    assert page.input_value("[data-param=ink] input[type=color]") == "#0284c7"  # not black
    assert page.input_value("[data-param=glow] input[type=color]") == "#fde68a"
    pixels = _preview_pixels(page)
    assert _near(pixels[300, 200], "#0284c7") and _near(pixels[600, 600], "#fde68a")

    answer = _change_and_render(page, lambda: page.fill("[data-param=ink] input[type=color]", "#16a34a"),
                                "swatch")
    assert answer.status == 200 and "ink=%2316a34a" in answer.url
    pixels = _preview_pixels(page)
    assert _near(pixels[300, 200], "#16a34a"), pixels[300, 200]  # the block's fill
    assert _near(pixels[70, 650], "#16a34a"), pixels[70, 650]  # the frame's stroke
    assert page.input_value("[name=ink]") == "#16a34a"

    count = _renders(page)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if "/api/card/" in request.url else None)
    page.fill("[name=ink]", "red")  # og refuses it: the page keeps it back
    page.wait_for_timeout(600)  # past the debounce
    assert sent == [] and _renders(page) == count
    assert "invalid" in (page.get_attribute("[name=ink]", "class") or "")
    answer = _change_and_render(page, lambda: page.fill("[name=glow]", "e11"), "swatch")
    assert answer.status == 200 and "glow=%23ee1111" in answer.url
    assert page.input_value("[data-param=glow] input[type=color]") == "#ee1111"
    assert _near(_preview_pixels(page)[600, 3], "#ee1111")  # where the gradient starts: the stop
    assert page.text_content("#status") and page.get_attribute("#status", "data-state") == "ready"


def test_a_palette_colour_offers_the_designers_swatches(page: t.Any, served: Served) -> None:
    base, _ = served
    _open_card(page, base, "quote")
    swatches = page.eval_on_selector_all(
        "[data-param=accent] .swatch",
        "nodes => nodes.map(n => [n.querySelector('input').value, n.querySelector('input').checked, "
        "getComputedStyle(n.querySelector('.chip')).backgroundColor])")
    assert swatches == [["orange", True, "rgb(194, 65, 12)"], ["rose", False, "rgb(190, 18, 60)"],
                        ["indigo", False, "rgb(67, 56, 202)"], ["emerald", False, "rgb(4, 120, 87)"],
                        ["slate", False, "rgb(51, 65, 85)"]]
    assert page.locator("[data-param=accent] input[type=color]").count() == 0
    assert _near(_preview_pixels(page)[300, 5], "#c2410c")  # the left edge, in the default orange
    indigo = "[data-param=accent] .swatch:has(input[value=indigo])"
    answer = _change_and_render(page, lambda: page.click(indigo), "quote")
    assert answer.status == 200 and "accent=indigo" in answer.url
    assert _near(_preview_pixels(page)[300, 5], "#4338ca")
