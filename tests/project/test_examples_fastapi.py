"""The FastAPI example, through ``examples/fastapi_site`` under real uvicorn: og's ASGI app
mounted at ``/og``, the page's ``og_meta`` tags (Jinja2Templates) pointing at the signed card it
serves, and ``await og.render_async`` in a route."""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import time
import typing as t
import urllib.parse

import pytest
from PIL import Image

from bench.server import free_port
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import ROOT
from tests.project.test_examples_flask import SECRET
from tests.project.test_examples_flask import _metas

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

SITE = ROOT / "examples" / "fastapi_site"
START_TIMEOUT_S = 60.0


def get(port: int, target: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[int]:
    """``uvicorn app:app`` in the example's folder, as its docstring says."""
    port = free_port()
    log = tmp_path_factory.mktemp("fastapi") / "uvicorn.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OG_SECRET": SECRET,
           "OG_TEMPLATES_DIR": str(BUNDLED_TEMPLATES)}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1",
                                    "--port", str(port)], cwd=SITE, env=env, stdout=out, stderr=out,
                                   stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert process.poll() is None, log.read_text()
            try:
                if get(port, "/og/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"uvicorn did not start: {log.read_text()[-2000:]}")
        yield port
    finally:
        process.terminate()
        process.wait(15)


def test_page_meta_tags_point_at_the_signed_card(site: int) -> None:
    status, _, page = get(site, "/posts/ci-times", Host="blog.example.com")
    assert status == 200
    metas = _metas(page.decode())
    url = urllib.parse.urlsplit(metas["og:image"])
    assert (url.scheme, url.netloc, url.path) == ("http", "blog.example.com", "/og/article.png")
    query = urllib.parse.parse_qs(url.query)
    assert query["title"] == ["How we cut CI times from 40 minutes to 4"] and "s" in query and "v" in query
    assert "How we cut CI times from 40 minutes to 4 — Jane Doe" in metas["og:image:alt"]
    status, headers, card = get(site, f"{url.path}?{url.query}")
    assert status == 200 and headers["content-type"] == "image/png"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"  # v= is today's version
    assert Image.open(io.BytesIO(card)).size == (1200, 630)
    assert get(site, f"{url.path}?{url.query}", **{"If-None-Match": headers["etag"]})[0] == 304


def test_meta_values_are_escaped(site: int) -> None:
    status, _, page = get(site, "/posts/quotes")
    assert status == 200 and '&quot;fast&quot; &amp; &lt;simple&gt;' in page.decode()
    assert "Why \"fast\" & <simple> beat clever" in _metas(page.decode())["og:image:alt"]


def test_unsigned_requests_are_refused_and_the_site_keeps_its_own_404(site: int) -> None:
    status, headers, body = get(site, "/og/article.png?title=Forged")
    assert status == 403 and json.loads(body)["error"] == "bad_signature"
    assert get(site, "/og/templates")[0] == 200
    status, headers, body = get(site, "/posts/nope")
    assert status == 404 and json.loads(body) == {"detail": "Not Found"}  # FastAPI's, not og's


def test_render_async_in_a_route(site: int) -> None:
    status, _, body = get(site, "/card-bytes/ci-times")
    assert status == 200 and json.loads(body)["bytes"] > 10_000
