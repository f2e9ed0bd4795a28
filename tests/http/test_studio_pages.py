"""og/http/studio/pages.py: the studio's pages, script and style come from the HTTP core (so every
front end serves them), know the mount og is served under, escape the template's name, and are
not there when the studio is off."""

from __future__ import annotations

import typing as t
from html.parser import HTMLParser

import pytest

import og
from og.http import HttpCore
from og.http import Request
from og.http.studio import pages
from og.http.studio.pages import FILES

from ..conftest import settings_for


@pytest.fixture
def renderer(tmp_templates: t.Any, fonts: t.Any) -> og.Renderer:
    return og.Renderer(settings_for(tmp_templates), fonts=fonts)


def ask(core: HttpCore, target: str, root_url: str = "https://site.example/og/", method: str = "GET",
        **headers: str) -> t.Any:
    path, _, query = target.partition("?")
    return core.handle(Request.make(method, path, query, headers.items(), root_url))


class Links(HTMLParser):
    """The page's script, style and links, and its body's data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.body: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [str(found[key]) for key in ("href", "src") if found.get(key)
                      and not str(found[key]).startswith("data:")]
        if tag == "body":
            self.body = found


def parsed(body: bytes) -> Links:
    links = Links()
    links.feed(body.decode("utf-8"))
    return links


@pytest.mark.parametrize(("root_url", "mount"), [("http://localhost/", "/"),
                                                 ("https://site.example/og/", "/og/")])
def test_pages_link_below_the_mount(renderer: og.Renderer, root_url: str, mount: str) -> None:
    core = HttpCore(renderer, keys=(), studio=True)
    gallery = ask(core, "/", root_url)
    assert gallery.status == 200 and gallery.header("Content-Type") == "text/html; charset=utf-8"
    assert gallery.header("Cache-Control") == "no-store"
    links = parsed(gallery.body)
    assert links.body["data-root"] == mount and links.body["data-page"] == "index"
    files = [f"{mount}studio/static/studio.css", f"{mount}studio/static/studio.js"]
    assert sorted(links.urls) == [mount, *files]
    for url in files:  # every file the page loads is there, below the mount
        assert ask(core, url.removeprefix(mount[:-1]), root_url).status == 200, url
    card = parsed(ask(core, "/studio/t/card", root_url).body)
    assert card.body["data-template"] == "card" and card.body["data-page"] == "card"


def test_a_template_page_escapes_its_name_and_an_unknown_one_is_404(renderer: og.Renderer) -> None:
    page = pages.page(Request.make("GET", "/", b"", [], "http://localhost/"), '<b>"&')  # never a template's
    assert b'data-template="&lt;b&gt;&quot;&amp;"' in page.body and b"<b>" not in page.body
    assert b'<span class="crumb-name">&lt;b&gt;&quot;&amp;</span>' in page.body
    missing = ask(HttpCore(renderer, keys=(), studio=True), "/studio/t/nope")
    assert missing.status == 404 and missing.header("X-Og-Error") == "template_not_found"


def test_script_and_style_are_revalidated(renderer: og.Renderer) -> None:
    core = HttpCore(renderer, keys=(), studio=True)
    script = ask(core, "/studio/static/studio.js")
    assert script.status == 200 and script.header("Content-Type") == "text/javascript; charset=utf-8"
    assert script.body == (FILES / "static" / "studio.js").read_bytes()
    assert script.header("Cache-Control") == "no-cache"
    assert script.header("X-Content-Type-Options") == "nosniff"
    again = ask(core, "/studio/static/studio.js", **{"If-None-Match": str(script.header("ETag"))})
    assert again.status == 304 and again.body == b"" and again.header("ETag") == script.header("ETag")
    style = ask(core, "/studio/static/studio.css", method="HEAD")
    assert style.status == 200 and style.body == b""
    assert style.header("Content-Type") == "text/css; charset=utf-8"
    for target in ("/studio/static/nope.js", "/studio/static/..%2Fapi.py", "/studio/static/api.py",
                   "/studio/static/", "/studio/static/a/studio.js"):
        assert ask(core, target).status == 404, target


def test_without_the_studio_there_are_no_pages(renderer: og.Renderer) -> None:
    core = HttpCore(renderer, keys=(), studio=False)
    for target in ("/", "/studio/t/card", "/studio/static/studio.js", "/studio/api/card/card"):
        answer = ask(core, target)
        assert answer.status == 404 and answer.header("X-Og-Error") == "not_found", target
