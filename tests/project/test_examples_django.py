"""The Django app, through ``examples/django_site``: settings configured here, the page's
``{% og_meta %}`` tags, the card view they point at (signed), and ``manage.py og_build``."""

from __future__ import annotations

import io
import json
import sys
import typing as t
import urllib.parse
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import ROOT
from tests.project.test_examples_flask import SECRET
from tests.project.test_examples_flask import _metas

django = pytest.importorskip("django")

from django.core.management import call_command  # noqa: E402
from django.core.management.base import CommandError  # noqa: E402
from django.test import Client  # noqa: E402

SITE = ROOT / "examples" / "django_site"


@pytest.fixture(scope="module")
def client() -> t.Iterator[t.Any]:
    """Django's settings can be configured once per process: the example's, with a secret and
    the bundled templates."""
    from django.conf import settings  # not at module level: collection must not touch it

    sys.path.insert(0, str(SITE))
    try:
        import settings as example  # the example project's settings module

        if not settings.configured:
            names = {name: getattr(example, name) for name in dir(example) if name.isupper()}
            names["OG"] = {"SECRET": SECRET, "TEMPLATES_DIR": str(BUNDLED_TEMPLATES), "MAX_LENGTH": 300}
            settings.configure(**names)
            django.setup()
        yield Client()
    finally:
        sys.path.remove(str(SITE))


def test_page_meta_tags_point_at_the_signed_card(client: t.Any) -> None:
    page = client.get("/posts/ci-times", headers={"host": "blog.example.com"}, secure=True)
    assert page.status_code == 200
    metas = _metas(page.content.decode())
    url = urllib.parse.urlsplit(metas["og:image"])
    assert (url.scheme, url.netloc, url.path) == ("https", "blog.example.com", "/og/article.png")
    query = urllib.parse.parse_qs(url.query)
    assert query["title"] == ["How we cut CI times from 40 minutes to 4"] and "s" in query
    assert "How we cut CI times from 40 minutes to 4 — Jane Doe" in metas["og:image:alt"]
    assert (metas["og:image:width"], metas["og:image:height"], metas["twitter:card"]) == (
        "1200", "630", "summary_large_image")
    card = client.get(f"{url.path}?{url.query}")
    assert card.status_code == 200 and card["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    etag = card["ETag"]
    assert client.get(f"{url.path}?{url.query}", headers={"if-none-match": etag}).status_code == 304


def test_unsigned_and_bad_requests_are_json_errors(client: t.Any) -> None:
    forged = client.get("/og/article.png?title=Forged")
    assert forged.status_code == 403 and json.loads(forged.content)["error"] == "bad_signature"
    assert client.get("/og/templates").status_code == 200
    assert client.get("/og/healthz").status_code == 200  # every og route, below the mount
    missing = client.get("/og/no/such/route")
    assert missing.status_code == 404 and json.loads(missing.content)["error"] == "not_found"


def test_og_build_command(client: t.Any, tmp_path: Path) -> None:
    data = tmp_path / "posts.csv"
    data.write_text("slug,title\nhello,Hello from Django\n", encoding="utf-8")
    err = io.StringIO()
    call_command("og_build", "article", str(data), "--out", str(tmp_path / "out"), "--name-column", "slug",
                 "--workers", "1", stderr=err)
    assert "1 cards (1 rendered, 0 unchanged), 0 failed" in err.getvalue()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["cards"][0]["file"] == "hello.png"
    with Image.open(tmp_path / "out" / "hello.png") as image:
        assert image.size == (1200, 630)
    data.write_text("title,nope\nA,B\n", encoding="utf-8")
    with pytest.raises(CommandError, match="'nope' are not parameters"):
        call_command("og_build", "article", str(data), "--out", str(tmp_path / "out"), stderr=err)


def test_the_tag_follows_trusted_proxies_as_og_does(client: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """``{% og_meta %}`` reads ``X-Forwarded-*`` with og's hop count (``OG_TRUSTED_PROXIES``), as og's
    own URLs do under every front end, not Django's own settings."""
    import dataclasses

    from og.contrib.django.apps import app_config

    renderer = app_config().renderer()
    forwarded = {"host": "blog.example.com", "x-forwarded-proto": "http, https",
                 "x-forwarded-host": "evil.example, cards.example.org"}

    def image_url() -> tuple[str, str]:
        url = urllib.parse.urlsplit(_metas(client.get("/posts/ci-times", headers=forwarded).content.decode())
                                    ["og:image"])
        return url.scheme, url.netloc

    assert image_url() == ("http", "blog.example.com")  # not told of a proxy: a client could send them
    monkeypatch.setattr(renderer, "settings", dataclasses.replace(renderer.settings, trusted_proxies=1))
    assert image_url() == ("https", "cards.example.org")
