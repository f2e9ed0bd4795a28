"""The studio from another front end, under a mount: the FastAPI example (og's ASGI app mounted at
``/og`` of a site) under real uvicorn with ``OG_STUDIO=1``, in Debian's Chromium. Its pages come
from og's HTTP core, so every front end serves them; everything they fetch (script, style, the
template list, the cards, ``og check``, live reload) is below the mount."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

from bench.server import free_port

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import ROOT
from .test_studio_browser import WAIT_MS
from .test_studio_browser import _wait_for_render_after
from .test_studio_browser import browser  # noqa: F401 (Debian's Chromium, a fixture)
from .test_studio_browser import page  # noqa: F401 (a page that fails the test on a script error)

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

START_TIMEOUT_S = 60.0


def _status(port: int, target: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    """``uvicorn app:app`` in ``examples/fastapi_site`` with the studio on; its origin."""
    port = free_port()
    log: Path = tmp_path_factory.mktemp("mounted") / "uvicorn.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OG_STUDIO": "1", "OG_SECRET": "mounted-studio-secret-0123",
           "OG_TEMPLATES_DIR": str(BUNDLED_TEMPLATES)}
    with open(log, "wb") as out:
        command = [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port),
                   "--no-access-log"]
        process = subprocess.Popen(command, cwd=ROOT / "examples" / "fastapi_site", env=env, stdout=out,
                                   stderr=out, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if _status(port, "/og/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"uvicorn did not start: {log.read_text()[-2000:]}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(15)


def test_the_gallery_under_a_mount(page: t.Any, site: str) -> None:  # noqa: F811
    page.goto(f"{site}/og/")
    page.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=WAIT_MS)
    tiles = page.eval_on_selector_all(".tile", "nodes => nodes.map(n => n.getAttribute('href'))")
    names = sorted(path.stem for path in BUNDLED_TEMPLATES.glob("*.svg"))
    assert sorted(tiles) == [f"/og/studio/t/{name}" for name in names]
    page.wait_for_function("[...document.querySelectorAll('.tile img')]"
                           ".every(i => i.complete && i.naturalWidth)", timeout=WAIT_MS)


def test_a_template_page_under_a_mount(page: t.Any, site: str) -> None:  # noqa: F811
    page.goto(f"{site}/og/studio/t/quote")
    _wait_for_render_after(page, 0)
    assert page.evaluate("document.querySelector('#preview').naturalWidth") == 1200
    assert f'content="{site}/og/quote.png?' in page.text_content("#meta")
    assert page.get_attribute("#open-png", "href").startswith("/og/quote.png?")
    page.wait_for_selector("#findings .finding", timeout=WAIT_MS)
    assert "0 errors" in page.text_content("#check-summary")
    page.wait_for_function("document.querySelector('#live').classList.contains('on')", timeout=WAIT_MS)
