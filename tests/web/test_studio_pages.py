"""The studio shows a template of several Inkscape pages (issue 19, "every crop from one file") side
by side: every page's card with the same values, in the gallery's tile too, and the meta tags of all
pages or of one. Checked on the bundled ``article`` (wide 1200x630, x 1200x600, square 1080x1080)
in Debian's Chromium driven by Playwright, from the decoded pixels of what the page shows."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import re
import threading
import typing as t
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from werkzeug.serving import make_server

import og
import og.web
from og.http.meta import card_tags
from og.http.meta import meta_html

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import settings_for
from . import test_studio_browser as studio_browser
from .test_studio_browser import IMAGE_BYTES_JS
from .test_studio_browser import WAIT_MS
from .test_studio_browser import _renders
from .test_studio_browser import _wait_for_render_after

#: The same Chromium and page fixtures as the studio's other browser tests.
browser = studio_browser.browser
page = studio_browser.page

PAGES = {"wide": (1200, 630), "x": (1200, 600), "square": (1080, 1080)}
VALUES = {"title": "How we cut CI times in half", "author": "Jane Doe"}
#: The pages' cards as the page shows them: each <figure> of the preview, its <img> as bytes.
FIGURE_BYTES_JS = IMAGE_BYTES_JS.replace("document.querySelector(selector)",
                                         "document.querySelector(`#stages [data-page=\"${selector}\"] img`)")


@contextlib.contextmanager
def _studio(renderer: og.Renderer) -> t.Iterator[str]:
    """og with the studio on, on a free loopback port: its address."""
    app = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True, "OG_STUDIO_POLL_SECONDS": 0.1})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def served(bundled: og.Renderer) -> t.Iterator[str]:
    """The studio over the bundled templates."""
    with _studio(bundled) as base:
        yield base


def _figure_image(page: t.Any, name: str) -> np.ndarray:
    image = Image.open(io.BytesIO(base64.b64decode(page.evaluate(FIGURE_BYTES_JS, name))))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def _server_card(bundled: og.Renderer, page_name: str, values: dict[str, str]) -> np.ndarray:
    body = bundled.render_plan(bundled.plan("article", values, "png", page=page_name))
    return np.asarray(Image.open(io.BytesIO(body)).convert("RGB"), dtype=np.int16)


def _open_article(page: t.Any, base: str) -> None:
    page.goto(f"{base}/studio/t/article")
    _wait_for_render_after(page, 0)


def _meta_images(page: t.Any) -> list[tuple[str, str, str]]:
    """(page, width, height) of every og:image the meta panel shows, in order."""
    meta = page.text_content("#meta")
    urls = re.findall(r'property="og:image" content="([^"]+)"', meta)
    widths = re.findall(r'property="og:image:width" content="([^"]+)"', meta)
    heights = re.findall(r'property="og:image:height" content="([^"]+)"', meta)
    pages = [urllib.parse.parse_qs(urllib.parse.urlsplit(url.replace("&amp;", "&")).query)["page"][0]
             for url in urls]
    return list(zip(pages, widths, heights, strict=True))


def test_every_page_is_shown_side_by_side_with_the_same_values(page: t.Any, served: str,
                                                                bundled: og.Renderer) -> None:
    _open_article(page, served)
    names = page.eval_on_selector_all("#stages figure", "nodes => nodes.map(n => n.dataset.page)")
    assert names == list(PAGES)
    specimen = {name: _figure_image(page, name) for name in PAGES}
    assert {name: pixels.shape[1::-1] for name, pixels in specimen.items()} == PAGES
    boxes = [page.locator(f'#stages figure[data-page="{name}"] img').bounding_box() for name in PAGES]
    assert all(abs(box["y"] - boxes[0]["y"]) < 1 and abs(box["height"] - boxes[0]["height"]) < 2
               for box in boxes), boxes  # one row, one height
    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:], strict=False)), boxes
    assert "1080×1080" in page.text_content('#stages figure[data-page="square"] figcaption')
    assert page.text_content("#size") == "wide 1200×630 · x 1200×600 · square 1080×1080"

    count = _renders(page)
    page.fill("[name=title]", VALUES["title"])
    page.fill("[name=author]", VALUES["author"])
    _wait_for_render_after(page, count)
    for name in PAGES:
        shown = _figure_image(page, name)
        assert (np.abs(shown - specimen[name]).max(axis=2) > 32).mean() > 0.005, name  # redrawn
        wanted = _server_card(bundled, name, {**{p.name: p.example or p.default for p in
                                                 bundled.templates.get("article").params.values()}, **VALUES})
        assert shown.shape == wanted.shape and np.abs(shown - wanted).max() <= 2, name  # this page's card
    alts = page.eval_on_selector_all("#stages figure img", "nodes => nodes.map(n => n.alt)")
    assert all(VALUES["title"] in alt for alt in alts)
    _shot(page.locator(".preview-panel"), "studio-pages.png")
    page.check("#overlay-toggle")
    assert page.locator("#stages .overlay.on").count() == 3  # each page's own layout report


def test_the_meta_panel_shows_all_pages_or_one(page: t.Any, served: str) -> None:
    _open_article(page, served)
    select = page.locator("#meta-page")
    assert select.is_visible()
    assert page.eval_on_selector_all("#meta-page option", "nodes => nodes.map(n => n.value)") == [
        "", *PAGES]
    assert _meta_images(page) == [(name, str(w), str(h)) for name, (w, h) in PAGES.items()]
    assert page.text_content("#meta").count('name="twitter:image"') == 1
    select.select_option("square")
    assert _meta_images(page) == [("square", "1080", "1080")]
    assert "page=square" in page.text_content("#meta").split('name="twitter:image"')[1]
    count = _renders(page)
    page.fill("[name=title]", "Still the square")
    _wait_for_render_after(page, count)
    assert select.input_value() == "square" and _meta_images(page) == [("square", "1080", "1080")]
    assert "Still%20the%20square" in page.text_content("#meta")


def test_a_template_of_one_page_shows_one_card(page: t.Any, served: str) -> None:
    page.goto(f"{served}/studio/t/quote")
    _wait_for_render_after(page, 0)
    assert page.locator("#stages figure").count() == 1
    assert not page.is_visible("#meta-page") and not page.is_visible("#stages figcaption")
    assert page.text_content("#meta").count('property="og:image"') == 1
    assert "page=" not in page.text_content("#meta")


def test_the_gallery_tile_shows_each_page(page: t.Any, served: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served + "/")
    page.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=WAIT_MS)
    tile = '.tile[data-name="article"]'
    page.wait_for_function(f"[...document.querySelectorAll('{tile} img')]"
                           ".every(i => i.complete && i.naturalWidth)", timeout=WAIT_MS)
    sizes = page.eval_on_selector_all(f"{tile} img",
                                      "nodes => nodes.map(n => [n.naturalWidth, n.naturalHeight])")
    assert sizes == [list(size) for size in PAGES.values()]
    boxes = [page.locator(f"{tile} img").nth(n).bounding_box() for n in range(3)]
    assert all(abs(box["height"] - boxes[0]["height"]) < 2 for box in boxes), boxes
    assert "3 pages" in page.text_content(f"{tile} .tile-info")
    assert page.locator('.tile[data-name="quote"] img').count() == 1
    _shot(page.locator(tile), "studio-pages-tile.png")


def test_the_card_api_answers_every_page_and_the_tags_og_meta_writes(bundled: og.Renderer) -> None:
    client = og.web.create_app({"OG_RENDERER": bundled, "OG_STUDIO": True, "TESTING": True}).test_client()
    body = client.get("/studio/api/card/article", query_string=VALUES).get_json()
    assert [(card["page"], card["width"], card["height"]) for card in body["pages"]] == [
        (name, w, h) for name, (w, h) in PAGES.items()]
    assert body["png"] == body["pages"][0]["png"] and "page=wide" in body["png"]
    for card in body["pages"]:
        image = Image.open(io.BytesIO(client.get(card["png"]).data))
        assert image.size == PAGES[card["page"]]
    tags = card_tags(bundled, "article", "png", {**VALUES, "page": "wide,x,square"}, keys=(),
                     absolute=lambda url: "http://localhost" + url)
    assert body["pages_meta"] == meta_html(tags)  # one meta writer: the studio publishes as og_meta
    single = client.get("/studio/api/card/quote").get_json()
    assert single["pages"] == [] and "pages_meta" not in single and single["page"] == ""


def test_saving_the_template_with_a_page_less_redraws_the_row(page: t.Any, fonts: t.Any,
                                                               tmp_path: Path) -> None:
    """Live reload: a page deleted in Inkscape's Pages panel leaves the studio's row and its tags."""
    path = tmp_path / "article.svg"
    original = (BUNDLED_TEMPLATES / "article.svg").read_text()
    path.write_text(original)
    with _studio(og.Renderer(settings_for(tmp_path), fonts=fonts)) as base:
        _open_article(page, base)
        assert page.locator("#stages figure").count() == 3
        page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
        count = _renders(page)
        x_page = '<inkscape:page x="1500" y="0" width="1200" height="600" id="page2" inkscape:label="x" />'
        assert x_page in original
        part = path.with_suffix(".part")
        part.write_text(original.replace(x_page, ""))
        part.replace(path)
        _wait_for_render_after(page, count)
        page.wait_for_function("document.querySelectorAll('#stages figure').length === 2", timeout=WAIT_MS)
        names = page.eval_on_selector_all("#stages figure", "nodes => nodes.map(n => n.dataset.page)")
        assert names == ["wide", "square"]
        assert _figure_image(page, "square").shape[1::-1] == (1080, 1080)
        assert page.text_content("#size") == "wide 1200×630 · square 1080×1080"
        assert [name for name, _, _ in _meta_images(page)] == ["wide", "square"]


@pytest.mark.slow
def test_under_og_serve_every_page_is_its_own_card(page: t.Any, tmp_path: Path) -> None:
    """gunicorn with og's settings, cards drawn in render processes: each page at its size."""
    from .test_studio_gunicorn import OgServe

    running = OgServe(log_path=tmp_path / "serve.log", env={"OG_STUDIO": "1", "WEB_CONCURRENCY": "1"})
    try:
        running.start()
        _open_article(page, f"http://127.0.0.1:{running.port}")
        assert {name: _figure_image(page, name).shape[1::-1] for name in PAGES} == PAGES
    finally:
        running.stop()


def _shot(target: t.Any, name: str) -> None:
    """A screenshot to look at, into ``$OG_SHOTS`` when it is set (nothing is asserted on it);
    ``OG_SHOTS=docs`` makes the README's picture."""
    folder = os.environ.get("OG_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        target.screenshot(path=str(Path(folder) / name))
