"""The Flask extension, through ``examples/flask_site``: meta tags in a page, the card they
point at served by the same app under the prefix, signed when there is a secret."""

from __future__ import annotations

import dataclasses
import html.parser
import importlib.util
import io
import typing as t
import urllib.parse

import flask
import pytest
from PIL import Image

import og
from og.contrib.flask import settings_from_config
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import FONTS_DIR
from tests.conftest import ROOT
from tests.conftest import settings_for

SECRET = "an-example-secret-of-32-bytes-ok"


def _example() -> t.Any:
    path = ROOT / "examples" / "flask_site" / "app.py"
    spec = importlib.util.spec_from_file_location("flask_site_app", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Metas(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("property") or values.get("name")):
            self.found[str(values.get("property") or values.get("name"))] = str(values["content"])


def _metas(page: str) -> dict[str, str]:
    parser = Metas()
    parser.feed(page)
    return parser.found


@pytest.fixture
def make_app(fonts: og.text.fonts.FontSet, monkeypatch: pytest.MonkeyPatch) -> t.Callable[..., t.Any]:
    monkeypatch.setenv("OG_TEMPLATES_DIR", str(BUNDLED_TEMPLATES))

    def make(**config: t.Any) -> t.Any:
        settings = settings_from_config(config)
        renderer = og.Renderer(settings, fonts=fonts)
        return _example().create_app({"TESTING": True, "OG_RENDERER": renderer, **config})

    return make


def test_page_points_at_a_card_the_app_serves(make_app: t.Callable[..., t.Any]) -> None:
    client = make_app().test_client()
    page = client.get("/posts/quotes", base_url="https://blog.example.com")
    assert page.status_code == 200
    metas = _metas(page.get_data(as_text=True))
    url = urllib.parse.urlsplit(metas["og:image"])
    assert (url.scheme, url.netloc, url.path) == ("https", "blog.example.com", "/og/article.png")
    query = urllib.parse.parse_qs(url.query)
    assert query.pop("v")[0].isalnum(), "the URL names the card's content version"
    assert query == {"title": ['Why "fast" & <simple> beat clever'], "author": ["Bob"]}
    assert metas["twitter:card"] == "summary_large_image" and metas["twitter:image"] == metas["og:image"]
    assert metas["og:image:type"] == "image/png"
    assert 'Why "fast" & <simple> beat clever — Bob' in metas["og:image:alt"]
    assert '&lt;simple&gt;' in page.get_data(as_text=True)  # escaped, not markup
    card = client.get(f"{url.path}?{url.query}")
    assert card.status_code == 200 and card.content_type == "image/png"
    image = Image.open(io.BytesIO(card.data))
    assert image.size == (int(metas["og:image:width"]), int(metas["og:image:height"])) == (1200, 630)


def test_signed_when_the_app_has_a_secret(make_app: t.Callable[..., t.Any]) -> None:
    client = make_app(OG_SECRET=SECRET, OG_BASE_URL="https://cdn.example.com/").test_client()
    metas = _metas(client.get("/posts/ci-times").get_data(as_text=True))
    url = urllib.parse.urlsplit(metas["og:image"])
    assert url.netloc == "cdn.example.com" and "s=" in url.query
    assert client.get(f"{url.path}?{url.query}").status_code == 200
    assert client.get("/og/article.png?title=Forged").status_code == 403
    # the mounted app sees its paths without the prefix, so that is what is signed
    og.signing.verify(url.path.removeprefix("/og"), urllib.parse.parse_qsl(url.query), (SECRET.encode(),), 0)


def test_og_errors_stay_on_og_routes(make_app: t.Callable[..., t.Any]) -> None:
    client = make_app().test_client()
    bad = client.get("/og/article.png?nope=1")
    assert bad.status_code == 400 and bad.json["error"] == "bad_parameter"
    assert client.get("/og/templates").json["templates"]
    assert client.get("/og/no/such/page").json["error"] == "not_found"  # og's own 404 under /og
    missing = client.get("/posts/none")
    assert missing.status_code == 404 and missing.content_type.startswith("text/html")  # the site's own page


def test_settings_from_config_over_the_environment() -> None:
    settings = settings_from_config({"OG_MAX_LENGTH": 80, "OG_ALLOW_SYSTEM_FONTS": False},
                                    {"OG_MAX_LENGTH": "10", "OG_FONTS_DIR": str(FONTS_DIR),
                                     "OG_SECRET": "x" * 16})
    assert (settings.max_length, settings.allow_system_fonts, settings.secret) == (80, False, "x" * 16)
    assert settings.fonts_dir == FONTS_DIR
    assert settings_for(BUNDLED_TEMPLATES).templates_dir == BUNDLED_TEMPLATES


FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "blog.example.org",
             "X-Forwarded-For": "203.0.113.9"}


def test_behind_a_trusted_proxy_urls_follow_its_headers(make_app: t.Callable[..., t.Any]) -> None:
    """Behind TLS at a proxy, meta tags say https and the public host — only when the operator
    says a proxy is there (OG_TRUSTED_PROXIES); otherwise a client could choose the host."""
    trusting = make_app(OG_TRUSTED_PROXIES=1).test_client()
    url = urllib.parse.urlsplit(_metas(trusting.get("/posts/quotes", headers=FORWARDED).get_data(as_text=True))
                                ["og:image"])
    assert (url.scheme, url.netloc) == ("https", "blog.example.org")
    assert trusting.get(f"{url.path}?{url.query}", headers=FORWARDED).status_code == 200
    wary = make_app().test_client()
    url = urllib.parse.urlsplit(_metas(wary.get("/posts/quotes", headers=FORWARDED).get_data(as_text=True))
                                ["og:image"])
    assert (url.scheme, url.netloc) == ("http", "localhost")


def test_a_forwarded_value_that_would_move_the_origin_is_ignored(make_app: t.Callable[..., t.Any]) -> None:
    """A proxy that passes a client's X-Forwarded-Port through: ``1@evil.example`` would make the
    site's og:image point at evil.example (ProxyFix takes it as it is; og checks its shape)."""
    trusting = make_app(OG_TRUSTED_PROXIES=1).test_client()
    for spoof in ({"X-Forwarded-Port": "1@evil.example"}, {"X-Forwarded-Host": "evil.example/x?"}):
        page = trusting.get("/posts/quotes", headers={**FORWARDED, **spoof}).get_data(as_text=True)
        url = urllib.parse.urlsplit(_metas(page)["og:image"])
        assert "evil" not in url.netloc + url.path and url.scheme == "https", (spoof, url)


def test_og_own_app_trusts_proxies_only_when_told() -> None:
    from og.web import create_app

    for hops, expected in ((1, "https://blog.example.org/"), (0, "http://localhost/")):
        settings = dataclasses.replace(settings_for(BUNDLED_TEMPLATES), trusted_proxies=hops)
        app = create_app({"OG_SETTINGS": settings, "TESTING": True})

        @app.get("/_where")
        def where() -> str:
            return flask.request.host_url

        assert app.test_client().get("/_where", headers=FORWARDED).get_data(as_text=True) == expected
