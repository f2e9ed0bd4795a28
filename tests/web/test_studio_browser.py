"""The preview studio in a real browser: Debian's Chromium driven by Playwright, against og
served on loopback from a thread, over a writable copy of the fixture templates.

Never ``playwright install``: the browser is the system's (``executable_path``), and the test
skips with the reason when it or the Playwright package is missing.
"""

from __future__ import annotations

import base64
import contextlib
import io
import os
import shutil
import threading
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from werkzeug.serving import make_server

import og
import og.web

from ..conftest import TEMPLATES
from ..conftest import settings_for
from ..helpers import report
from ..helpers import require_debian_tool

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: Longest wait for anything the page does (a render is tens of milliseconds; CI machines are slow).
WAIT_MS = 20_000

#: A short stream life, so the browser's reconnecting is tested too.
EVENTS_SECONDS = 2.0
#: Where og listens, its templates folder and its renderer.
Served = tuple[str, Path, og.Renderer]

#: The bytes behind an <img> (a blob: URL the studio made), as base64.
IMAGE_BYTES_JS = """async (selector) => {
  const blob = await (await fetch(document.querySelector(selector).src)).blob();
  return await new Promise((done) => {
    const reader = new FileReader();
    reader.onload = () => done(reader.result.split(",")[1]);
    reader.readAsDataURL(blob);
  });
}"""


@pytest.fixture(scope="module")
def browser() -> t.Iterator[t.Any]:
    chromium = require_debian_tool("chromium", "chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package "
                                   "(requirements-dev.txt); never `playwright install`")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, fonts: t.Any) -> t.Iterator[Served]:
    """og with the studio on, over its own copy of the fixture templates, on a free loopback port."""
    folder = tmp_path_factory.mktemp("studio") / "templates"
    shutil.copytree(TEMPLATES, folder)
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    app = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True, "OG_STUDIO_POLL_SECONDS": 0.1,
                             "OG_STUDIO_EVENTS_SECONDS": EVENTS_SECONDS})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", folder, renderer
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: t.Any) -> t.Iterator[t.Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def _renders(page: t.Any) -> int:
    return int(page.evaluate("Number(document.body.dataset.renders || 0)"))


def _wait_for_render_after(page: t.Any, count: int) -> None:
    page.wait_for_function(f"Number(document.body.dataset.renders || 0) > {count}", timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('#status').dataset.state === 'ready'", timeout=WAIT_MS)


def _image(page: t.Any, selector: str) -> Image.Image:
    image = Image.open(io.BytesIO(base64.b64decode(page.evaluate(IMAGE_BYTES_JS, selector))))
    image.load()
    return image


def _preview_pixels(page: t.Any) -> np.ndarray:
    image = _image(page, "#preview")
    assert image.size == (1200, 630)
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def _save(path: Path, text: str) -> None:
    """Save as an editor does: the whole new file at once (never a half-written one to poll)."""
    part = path.with_suffix(".part")
    part.write_text(text)
    os.replace(part, path)


@contextlib.contextmanager
def _card_background(folder: Path, colour: str) -> t.Iterator[None]:
    """``card.svg`` saved with another background colour, and saved back afterwards."""
    path = folder / "card.svg"
    original = path.read_text()
    try:
        _save(path, original.replace("fill:#f8fafc", f"fill:{colour}"))
        yield
    finally:
        _save(path, original)


def _open_card(page: t.Any, base: str, name: str) -> None:
    page.goto(f"{base}/studio/t/{name}")
    _wait_for_render_after(page, 0)


def test_gallery_shows_every_template(page: t.Any, served: Served) -> None:
    base, _, renderer = served
    page.goto(base + "/")
    page.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=WAIT_MS)
    tiles = page.eval_on_selector_all(".tile", "nodes => nodes.map(n => n.dataset.name)")
    assert tiles == renderer.templates.names()
    page.wait_for_function("[...document.querySelectorAll('.tile img')]"
                           ".every(i => i.complete && i.naturalWidth)", timeout=WAIT_MS)
    sizes = page.eval_on_selector_all(".tile img",
                                      "nodes => nodes.map(n => [n.naturalWidth, n.naturalHeight])")
    assert sizes[tiles.index("card")] == [1200, 630] and sizes[tiles.index("inline")] == [800, 418]
    sizes_shown = page.eval_on_selector_all(".tile .bytes", "nodes => nodes.map(n => n.textContent)")
    assert all(text.endswith("KB") for text in sizes_shown)


def test_typing_rerenders_the_preview(page: t.Any, served: Served) -> None:
    base, _, _ = served
    _open_card(page, base, "card")
    fields = page.eval_on_selector_all("#values [data-param]", "nodes => nodes.map(n => n.dataset.param)")
    assert sorted(fields) == ["author", "date", "tag", "tagline", "title"]
    assert page.input_value("[name=title]") == "A fixture title for og tests"
    assert "400" in page.text_content("[data-param=title] .counter")  # og:max-length="400"
    assert page.get_attribute("[name=title]", "maxlength") == "400"
    before_src = page.get_attribute("#preview", "src")
    before = _preview_pixels(page)
    count = _renders(page)
    page.locator("[name=title]").press_sequentially("!!", delay=20)  # within the debounce: one render
    page.fill("[name=title]", "Typed in a real browser")
    _wait_for_render_after(page, count)
    assert page.get_attribute("#preview", "src") != before_src
    after = _preview_pixels(page)
    changed = np.abs(after - before).max(axis=2) > 32
    rows = np.nonzero(changed.any(axis=1))[0]
    assert changed.mean() > 0.005, "the title's pixels should change"
    assert 100 <= rows.min() and rows.max() <= 380, "only the title box (y 100–380) should change"
    meta = page.text_content("#meta")
    url = f"{base}/card.png?title=Typed%20in%20a%20real%20browser"
    assert f'<meta property="og:image" content="{url}&amp;v=' in meta, "the versioned URL to publish"
    assert '<meta name="twitter:card" content="summary_large_image">' in meta
    assert '<meta property="og:image:width" content="1200">' in meta
    assert "Typed in a real browser" in page.get_attribute("#preview", "alt")
    sources = page.eval_on_selector_all(".mockups .mock-img", "nodes => nodes.map(n => n.src)")
    assert len(sources) == 8 and set(sources) == {page.get_attribute("#preview", "src")}
    assert page.text_content("#limits [data-platform=WhatsApp] .verdict") == "ok"


def test_the_overlay_draws_the_layout_report(page: t.Any, served: Served) -> None:
    base, _, renderer = served
    _open_card(page, base, "card")
    assert not page.is_visible("#overlay")
    assert page.locator("#overlay .ov-text").count() == 0
    count = _renders(page)
    page.fill("[name=title]", "word " * 60)  # more than three lines: shrunk, then cut
    _wait_for_render_after(page, count)
    page.check("#overlay-toggle")
    assert page.is_visible("#overlay")
    expected = report(renderer, "card", title="word " * 60)
    ids = page.eval_on_selector_all("#overlay .ov-text", "nodes => nodes.map(n => n.dataset.id)")
    assert ids == [item["id"] for item in expected["texts"]]
    lines = sum(len(item["lines"]) for item in expected["texts"])
    assert page.locator("#overlay .ov-line").count() == page.locator("#overlay .ov-baseline").count() == lines
    title = page.locator('#overlay .ov-text[data-id="title"]')
    assert "cut" in (title.get_attribute("class") or "")
    assert "shrunk from 64px" in title.locator(".ov-label").text_content()
    box = title.locator(".ov-box")
    assert [float(box.get_attribute(key)) for key in ("x", "y", "width", "height")] == [80, 100, 1040, 280]
    assert page.is_visible("#texts") and page.locator("#texts tr.cut").count() == 1
    page.uncheck("#overlay-toggle")
    assert not page.is_visible("#overlay")


def test_check_findings_are_listed(page: t.Any, served: Served) -> None:
    base, _, _ = served
    _open_card(page, base, "card")
    page.wait_for_selector("#findings .finding", timeout=WAIT_MS)
    texts = page.eval_on_selector_all("#findings .finding", "nodes => nodes.map(n => n.textContent)")
    assert any("placeholder {{ title }}" in text for text in texts)
    assert "0 errors" in page.text_content("#check-summary")


def test_saving_the_template_reloads_the_preview(page: t.Any, served: Served) -> None:
    base, folder, _ = served
    _open_card(page, base, "card")
    page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
    before = _preview_pixels(page)
    assert tuple(before[5, 5]) == (0xF8, 0xFA, 0xFC)
    count = _renders(page)
    with _card_background(folder, "#ff0000"):  # what a save in Inkscape does
        _wait_for_render_after(page, count)
        assert tuple(_preview_pixels(page)[5, 5]) == (255, 0, 0)


def test_a_newer_value_cancels_the_request_in_flight(page: t.Any, served: Served) -> None:
    """The first value's request is held unanswered; typing on aborts it and the newer one wins."""
    base, _, _ = served
    _open_card(page, base, "card")
    held: list[t.Any] = []
    aborted: list[str] = []
    page.on("requestfailed", lambda request: aborted.append(request.url))

    def hold_the_first(route: t.Any) -> None:
        if "title=Stale" in route.request.url:
            held.append(route)  # never answered: the page must not wait for it
        else:
            route.continue_()

    page.route("**/studio/api/card/**", hold_the_first)
    count = _renders(page)
    page.fill("[name=title]", "Stale")
    page.wait_for_function("document.querySelector('#status').dataset.state === 'rendering'", timeout=WAIT_MS)
    for _ in range(200):  # the route handler runs when Playwright next dispatches: give it turns
        if held:
            break
        page.wait_for_timeout(25)
    assert held, "the first request should be in flight"
    page.fill("[name=title]", "Fresh")
    _wait_for_render_after(page, count)
    assert [url for url in aborted if "title=Stale" in url], aborted
    assert "title=Fresh" in page.text_content("#meta") and "Stale" not in page.text_content("#meta")
    assert _renders(page) == count + 1
    page.unroute("**/studio/api/card/**")


def test_typed_parameters_get_their_own_controls(page: t.Any, served: Served) -> None:
    """``/templates`` may say a parameter's type (other branches add it): each gets a fitting control,
    and an unknown type is edited as text."""
    base, _, _ = served
    types = {"tag": {"type": "choice", "choices": ["#one", "#two"]}, "date": {"type": "flag"},
             "author": {"type": "color"}, "tagline": {"type": "image"}, "title": {"type": "markdown"}}

    def add_types(route: t.Any) -> None:
        listing = route.fetch().json()
        for template in listing["templates"]:
            for param in template["params"]:
                param.update(types.get(param["name"], {}) if template["name"] == "card" else {})
        route.fulfill(json=listing)

    page.route("**/templates", add_types)
    _open_card(page, base, "card")
    assert page.eval_on_selector("[name=tag]", "n => [n.tagName, [...n.options].map(o => o.value)]") == [
        "SELECT", ["#fixtures", "#one", "#two"]]  # the default stays selectable
    assert page.get_attribute("[name=date]", "type") == "checkbox"
    assert page.locator("[data-param=author] input[type=color]").count() == 1
    assert page.get_attribute("[name=tagline]", "type") == "url"
    assert "type markdown, edited as text" in page.text_content("[data-param=title] .field-note")
    count = _renders(page)
    page.select_option("[name=tag]", "#two")
    _wait_for_render_after(page, count)
    assert "tag=%23two" in page.text_content("#meta")
    page.unroute("**/templates")


def test_a_save_while_disconnected_shows_on_reconnect(page: t.Any, served: Served) -> None:
    """The stream ends (its lifetime); a save before the browser is back is caught from the stamps
    sent on reconnecting."""
    base, folder, _ = served
    _open_card(page, base, "card")
    page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
    page.route("**/studio/events", lambda route: route.abort())  # keep the browser out for now
    page.wait_for_function("!document.querySelector('#live').classList.contains('on')",
                           timeout=EVENTS_SECONDS * 1000 + WAIT_MS)
    count = _renders(page)
    with _card_background(folder, "#00ff00"):
        page.wait_for_timeout(300)
        assert _renders(page) == count  # nobody could have told the page yet
        page.unroute("**/studio/events")
        _wait_for_render_after(page, count)
        assert tuple(_preview_pixels(page)[5, 5]) == (0, 255, 0)


def test_the_gallery_redraws_a_saved_template(page: t.Any, served: Served) -> None:
    base, folder, _ = served
    page.goto(base + "/")
    page.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
    with _card_background(folder, "#0000ff"):
        page.wait_for_function("Number(document.body.dataset.renders || 0) >= 2", timeout=WAIT_MS)
        assert _image(page, '.tile[data-name="card"] img').convert("RGB").getpixel((5, 5)) == (0, 0, 255)


def test_a_refused_stream_is_tried_again(page: t.Any, served: Served) -> None:
    """og answers 503 when a worker holds as many streams as it may; the browser's EventSource
    gives up on it, so the page connects again later by itself."""
    base, _, _ = served
    refused: list[str] = []

    def busy_once(route: t.Any) -> None:
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(status=503, headers={"Retry-After": "5", "Cache-Control": "no-store"},
                      json={"error": "too_many_streams", "message": "try again later"})

    page.route("**/studio/events", busy_once)
    _open_card(page, base, "card")
    assert len(refused) == 1
    assert not page.evaluate("document.querySelector('#live').classList.contains('on')")
    page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
    page.unroute("**/studio/events")


LEFT_OUT = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns" width="1200" height="630">
  <rect width="1200" height="630" fill="#1e293b"/>
  <text og:required="true" x="40" y="120" style="font-family:Inter;font-size:40px;fill:#ffffff"
        id="title">{{ title | example('A sample headline') }}</text>
  <text x="40" y="220" style="font-family:Inter;font-size:24px;fill:#93c5fd"
        id="tag">{{ tag | example('SAMPLE TAG') }}</text>
</svg>
"""


def test_fields_start_at_the_examples_and_editing_one_keeps_the_card_whole(page: t.Any, served: Served) -> None:
    """A template whose demo text is an example (and whose title is required): the form starts
    as the specimen, and editing only the tag sends the title too, so the preview is a card, not
    a 400 for the required title."""
    base, folder, _ = served
    _save(folder / "left_out.svg", LEFT_OUT)
    _open_card(page, base, "left_out")
    assert page.input_value("[name=title]") == "A sample headline"
    assert page.input_value("[name=tag]") == "SAMPLE TAG"
    count = _renders(page)
    page.fill("[name=tag]", "NEWS")
    _wait_for_render_after(page, count)
    pixels = _preview_pixels(page)
    title_band = pixels[80:130, 40:400]
    assert (title_band.max(axis=-1) > 200).any(), "the title is drawn"
