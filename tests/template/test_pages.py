"""Every crop from one file (issue 19): an Inkscape multi-page document is one template with several
sizes. ``/{name}.png`` is the first page, ``?page=NAME_OR_NUMBER`` another (in the key and in
``image_url``), ``/templates`` lists the pages, ``og_meta`` can publish several. Served over HTTP
from the bundled ``article`` (1200x630, 1200x600, 1080x1080) and checked in decoded pixels."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
import typing as t
import urllib.parse
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
import og.web
from og.errors import TemplateError
from og.http.meta import card_tags
from og.template.load import create_jinja_environment
from og.template.load import load_template
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for
from tests.helpers import debian_tool
from tests.helpers import text

TITLE = {"title": "How we cut CI times", "author": "Jane Doe", "date": "1 May 2026"}
SIZES = {None: (1200, 630), "wide": (1200, 630), "1": (1200, 630), "x": (1200, 600), "2": (1200, 600),
         "square": (1080, 1080), "3": (1080, 1080)}


def _get(bundled_http: t.Any, page: str | None, **params: str) -> t.Any:
    query = {**TITLE, **params, **({"page": page} if page else {})}
    response = bundled_http.get("/article.png", query_string=query)
    assert response.status_code == 200, response.data[:300]
    return response


def _rgb(response: t.Any) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(response.data)).convert("RGB")).astype(float)


@pytest.mark.parametrize("page", list(SIZES))
def test_each_page_is_its_own_size(bundled_http: t.Any, page: str | None) -> None:
    image = Image.open(io.BytesIO(_get(bundled_http, page).data))
    assert image.format == "PNG" and image.size == SIZES[page]


def test_each_page_is_drawn_whole_and_only_itself(bundled_http: t.Any) -> None:
    for page, footer_y in ((None, 552), ("x", 524), ("square", 950)):
        pixels = _rgb(_get(bundled_http, page))
        height, width = pixels.shape[:2]
        assert pixels[height - 3, width // 2].max() < 80  # the page's own dark background to its edge
        footer = pixels[footer_y - 24:footer_y + 4, 80:260]  # "Jane Doe"
        assert footer.std() > 30, page
        report = bundled_http.get("/article.json", query_string={**TITLE, **({"page": page} if page else {})})
        ids = {item["id"] for item in report.get_json()["texts"]}
        assert ids == {f"{base}-{page}" if page else base
                       for base in ("site", "tag", "title", "author", "date")}  # no other page's text


def test_the_first_page_is_the_same_card_by_any_name(bundled_http: t.Any) -> None:
    etags = {page: _get(bundled_http, page).headers["ETag"] for page in (None, "wide", "1", "x", "square")}
    assert etags[None] == etags["wide"] == etags["1"]
    assert len({etags[None], etags["x"], etags["square"]}) == 3  # the page is part of the key


@pytest.mark.parametrize(("name", "page", "allowed"), [("article", "portrait", ["wide", "x", "square"]),
                                                       ("article", "4", ["wide", "x", "square"]),
                                                       ("quote", "2", ["1"])])
def test_an_unknown_page_is_a_400_naming_the_pages(bundled_http: t.Any, name: str, page: str,
                                                   allowed: list[str]) -> None:
    required = {"article": "title", "quote": "quote"}[name]
    response = bundled_http.get(f"/{name}.png", query_string={"page": page, required: "T"},
                        headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["parameter"] == "page" and body["allowed"] == allowed
    assert repr(page) in body["message"]


def test_templates_lists_the_pages(bundled_http: t.Any) -> None:
    listed = {item["name"]: item for item in bundled_http.get("/templates").get_json()["templates"]}
    pages = listed["article"]["pages"]
    assert [(p["name"], p["width"], p["height"]) for p in pages] == [
        ("wide", 1200, 630), ("x", 1200, 600), ("square", 1080, 1080)]
    assert pages[2]["urls"]["png"] == "/article.png?page=square"
    assert "pages" not in listed["quote"]


def test_image_url_carries_the_page(bundled: og.Renderer, bundled_http: t.Any) -> None:
    url = bundled.image_url("article", page="square", title="Shared on WhatsApp")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["page"] == ["square"] and query["v"]
    response = bundled_http.get(url)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)


def test_the_page_is_signed_like_a_value(fonts: t.Any) -> None:
    key = "k" * 32
    renderer = og.Renderer(dataclasses.replace(settings_for(BUNDLED_TEMPLATES), secret=key), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()
    url = renderer.image_url("article", page="square", title="Signed")
    response = client.get(url)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.data)).size == (1080, 1080)
    assert client.get(url.replace("page=square", "page=x")).status_code in (401, 403)  # not signed so


def test_og_meta_writes_the_square_beside_the_wide(bundled: og.Renderer, bundled_http: t.Any) -> None:
    tags = card_tags(bundled, "article", "png", {"title": "One post", "page": "wide,square"},
                     keys=(), absolute=lambda url: url)
    images = [value for prop, value in tags if prop == "og:image"]
    sizes = [(w, h) for (p1, w), (p2, h) in zip(tags, tags[1:], strict=False)
             if p1 == "og:image:width" and p2 == "og:image:height"]
    assert len(images) == 2 and sizes == [("1200", "630"), ("1080", "1080")]
    assert "page=square" in images[1] and "page=wide" in images[0]
    assert dict(tags)["twitter:image"] == images[0]
    for url, size in zip(images, ((1200, 630), (1080, 1080)), strict=True):
        assert Image.open(io.BytesIO(bundled_http.get(url).data)).size == size
    assert [value for prop, value in tags if prop == "og:image:alt"] == ["One post", "One post"]


def test_a_right_to_left_square_mirrors_on_its_own_page(bundled_http: t.Any) -> None:
    ltr = _rgb(_get(bundled_http, "square"))
    rtl = _rgb(_get(bundled_http, "square", title="كيف خفّضنا زمن التكامل المستمر"))
    mark_left, mark_right = ltr[64:112, 80:128], rtl[64:112, 1080 - 128:1080 - 80]
    drawn = mark_left.max(axis=2) > 120  # the mark's own pixels, not the glow behind its corners
    assert drawn.mean() > 0.7 and np.abs(mark_left - mark_right)[drawn].mean() < 6
    assert rtl[64:112, 80:128].std(axis=(0, 1)).max() < 4  # gone from the left
    report = bundled_http.get("/article.json", query_string={"title": "كيف", "page": "square"}).get_json()
    assert report["mirror"]["mirrored"] == ["brand-square", "site-square", "tag-square", "title-square",
                                            "author-square", "date-square"]  # this page's marks only


HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" width="100" height="50" '
        'viewBox="0 0 100 50"><sodipodi:namedview>{}</sodipodi:namedview>'
        '<text x="5" y="20">{{{{ t }}}}</text></svg>')
FIRST = '<inkscape:page width="100" height="50"/>'



@pytest.mark.parametrize(("pages", "message"), [
    (FIRST + '<inkscape:page x="200" y="0" width="0" height="9"/>', "needs a width and a height"),
    ('<inkscape:page width="100" height="50" inkscape:label="a"/>'
     '<inkscape:page x="200" width="9" height="9" inkscape:label="a"/>', "another page's label"),
    (FIRST + '<inkscape:page x="200" width="9" height="9" inkscape:label="1"/>', "another page's label"),
    ("".join(f'<inkscape:page x="{n * 200}" width="9" height="9"/>' for n in range(13)), "the most is 12"),
    (FIRST + '<inkscape:page x="200" width="20000" height="20000"/>', "the canvas is 20000x20000 px"),
])
def test_pages_written_wrong_are_refused_at_load(tmp_path: Path, pages: str, message: str) -> None:
    (tmp_path / "t.svg").write_text(HEAD.format(pages))
    with pytest.raises(TemplateError, match=message):
        load_template("t", tmp_path / "t.svg", create_jinja_environment(), 100)


def test_inkscape_opens_and_exports_the_multi_page_article(tmp_path: Path, bundled: og.Renderer) -> None:
    inkscape = debian_tool("inkscape", "inkscape")
    if not inkscape:
        pytest.skip("inkscape is not installed (CI installs Debian's inkscape as root)")
    env = {**os.environ, "HOME": str(tmp_path)}
    png, svg = tmp_path / "article.png", tmp_path / "resaved" / "article.svg"
    svg.parent.mkdir()
    for args in (["--export-type=png", f"--export-filename={png}"],
                 ["--export-type=svg", f"--export-filename={svg}"]):
        subprocess.run([inkscape, *args, str(BUNDLED_TEMPLATES / "article.svg")], check=True,
                       capture_output=True, timeout=180, env=env)
    with Image.open(png) as exported:
        assert exported.size == (1200, 630)  # Inkscape's own export: the first page
    again = og.Renderer(settings_for(svg.parent))
    assert [p.name for p in again.templates.get("article").pages] == ["wide", "x", "square"]
    params = {"title": "Round trip", "author": "Jane Doe"}
    a, b = (np.asarray(Image.open(io.BytesIO(r.render_plan(r.plan("article", params, page="square")))))
            for r in (bundled, again))
    assert a.shape == b.shape and (np.abs(a.astype(int) - b).max(axis=2) > 32).mean() < 0.02
    assert text(again.lay_out("article", params, page="x").report(), "title-x")["lines"]


def test_og_check_warns_about_a_placeholder_named_page(tmp_path: Path, fonts: t.Any) -> None:
    from og.check import check_file

    (tmp_path / "t.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50">'
                                    '<text x="5" y="20">{{ page }}</text></svg>')
    warned = [f.message for f in check_file(tmp_path / "t.svg", fonts) if f.level == "warning"]
    assert any("{{ page }} can never be given" in message for message in warned), warned


@pytest.mark.parametrize(("page", "layer"), [(None, "layer-text"), ("x", "layer-x"),
                                             ("square", "layer-square")])
def test_each_page_keeps_its_static_background(bundled: og.Renderer, page: str | None, layer: str) -> None:
    """What another page holds never splits a page's card: the page's own background (drawn once
    and cached) ends where its first value is, on that page."""
    from og.raster import static

    laid_out = bundled.lay_out("article", {"title": "T"}, page=page)
    first = static.split_point(laid_out.root, laid_out.dynamic)
    assert first is not None
    assert layer in [node.get("id") for node in (first, *first.iterancestors())]


def _og(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """``python -m og`` as a user runs it, over the bundled templates."""
    from tests.conftest import FONTS_DIR
    from tests.conftest import ROOT

    env = {**os.environ, "OG_TEMPLATES_DIR": str(BUNDLED_TEMPLATES), "OG_FONTS_DIR": str(FONTS_DIR),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "og", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=180, check=False)


def test_og_render_writes_the_page_asked_for(tmp_path: Path, bundled: og.Renderer) -> None:
    """In a render process, as og serve renders: the page travels with the card's plan."""
    for page in ("square", "x", "3", None):
        out = tmp_path / f"{page}.png"
        result = _og("render", "article", *(["--page", page] if page else []), "-p", "title=From the CLI",
                     "-o", str(out), cwd=tmp_path)
        assert result.returncode == 0, result.stderr.decode()
        with Image.open(out) as card:
            assert card.size == SIZES[page]
    wanted = bundled.render_plan(bundled.plan("article", {"title": "From the CLI"}, page="square"))
    assert np.abs(_rgb_bytes((tmp_path / "square.png").read_bytes()) - _rgb_bytes(wanted)).max() <= 2
    report = json.loads(_og("render", "article", "--page", "x", "-p", "title=T", "-f", "json",
                            cwd=tmp_path).stdout)
    assert (report["width"], report["height"]) == (1200, 600) and text(report, "title-x")["lines"]
    wrong = _og("render", "article", "--page", "portrait", "-p", "title=T", "-o", "w.png", cwd=tmp_path)
    assert wrong.returncode == 2 and not (tmp_path / "w.png").exists()
    assert wrong.stderr.decode().strip() == ("og: template 'article' has no page 'portrait'; "
                                             "its pages: wide, x, square")


def test_og_build_renders_every_row_on_the_page_asked_for(tmp_path: Path) -> None:
    (tmp_path / "posts.csv").write_text("title,author\nFirst post,Jane Doe\nSecond post,Tom\n")
    built = _og("build", "article", "posts.csv", "--page", "square", "--out", "square", "--workers", "1",
                cwd=tmp_path)
    assert built.returncode == 0, built.stderr.decode()
    manifest = json.loads((tmp_path / "square" / "manifest.json").read_text())
    assert manifest["page"] == "square" and len(manifest["cards"]) == 2
    for card in manifest["cards"]:
        with Image.open(tmp_path / "square" / card["file"]) as image:
            assert image.size == (card["width"], card["height"]) == (1080, 1080)
    again = _og("build", "article", "posts.csv", "--page", "square", "--out", "square", cwd=tmp_path)
    assert "2 unchanged" in again.stderr.decode()  # the page is in the key: the same cards
    wide = _og("build", "article", "posts.csv", "--out", "wide", "--workers", "1", cwd=tmp_path)
    cards = json.loads((tmp_path / "wide" / "manifest.json").read_text())["cards"]
    assert wide.returncode == 0 and {(c["width"], c["height"]) for c in cards} == {(1200, 630)}
    assert {c["key"] for c in cards}.isdisjoint(c["key"] for c in manifest["cards"])
    wrong = _og("build", "article", "posts.csv", "--page", "9", "--out", "nine", cwd=tmp_path)
    assert wrong.returncode == 2 and "its pages: wide, x, square" in wrong.stderr.decode()


def test_og_serve_answers_each_page(tmp_path: Path) -> None:
    """gunicorn, its workers and their render processes: each page's card at its own size."""
    from tests.web.test_render_processes import Server

    server = Server(BUNDLED_TEMPLATES, tmp_path / "gunicorn.log")
    try:
        for page, size in (("square", (1080, 1080)), ("x", (1200, 600)), ("wide", (1200, 630))):
            status, _, body = server.get(f"/article.png?title=Served&page={page}")
            assert status == 200, body[:300]
            assert Image.open(io.BytesIO(body)).size == size, page
    finally:
        server.stop()


def _rgb_bytes(body: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(body)).convert("RGB")).astype(int)
