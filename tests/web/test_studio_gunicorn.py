"""The studio under og's own server: ``python -m og serve`` (gunicorn with og's settings: preload,
fork, the gevent worker) with ``OG_STUDIO=1``, driven by Debian's Chromium through Playwright.

One worker, so that a stream which blocked its worker would block every other request (with
more workers the streams might all land on one of them by chance and hide it). Every wait is
bounded; the server is stopped in a ``finally``.
"""

from __future__ import annotations

import ast
import http.client
import sys
import time
import typing as t
import uuid
from pathlib import Path

import pytest

from bench.server import GunicornServer
from og.http.events import BUSY_RETRY_SECONDS
from og.http.events import MAX_STREAMS

from ..conftest import ROOT
from .test_studio_browser import WAIT_MS
from .test_studio_browser import browser as browser  # noqa: F401  (a fixture)

#: What one request may take here before the test gives up on it (a blocked worker: ~15 s).
REQUEST_TIMEOUT_S = 20.0
#: The issue's promise: a card answers in under a second while pages stream events.
PNG_BOUND_S = 1.0


class OgServe(GunicornServer):
    """``python -m og serve``: gunicorn with the settings og ships, as a user starts it."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "og", "serve", "--port", str(self.port), "--workers", "1"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[OgServe]:
    log = tmp_path_factory.mktemp("og-serve") / "serve.log"
    running = OgServe(log_path=log, env={"OG_STUDIO": "1", "WEB_CONCURRENCY": "1"})
    try:
        running.start()
        yield running
    finally:
        running.stop()


def _log(server: OgServe) -> str:
    assert server.log_path is not None
    return Path(server.log_path).read_text(errors="replace")


def _timed_png(server: OgServe) -> tuple[int, float, bytes]:
    """A card nobody asked for yet (a real render, not a cache hit): status, seconds, body."""
    started = time.monotonic()
    status, _, body = server.get(f"/article.png?title={uuid.uuid4().hex}", timeout=REQUEST_TIMEOUT_S)
    return status, time.monotonic() - started, body


def _open_stream(server: OgServe) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
    connection.request("GET", "/studio/events", headers={"Accept": "text/event-stream"})
    return connection, connection.getresponse()


@pytest.mark.slow
def test_gallery_loads_every_card_while_two_tabs_stream(browser: t.Any, server: OgServe) -> None:
    base = f"http://127.0.0.1:{server.port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    try:
        streaming = []
        for name in ("article", "quote"):
            tab = context.new_page()
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(f"{base}/studio/t/{name}")
            tab.wait_for_selector("#live.on", timeout=WAIT_MS)  # its EventSource is open
            streaming.append(tab)
        gallery = context.new_page()
        gallery.on("pageerror", lambda error: errors.append(str(error)))
        for visit in range(3):
            gallery.goto(base + "/")
            gallery.wait_for_function("Number(document.body.dataset.renders || 0) >= 1", timeout=WAIT_MS)
            gallery.wait_for_function("[...document.querySelectorAll('.tile img')].every((img) => "
                                      "img.complete && img.naturalWidth > 0)", timeout=WAIT_MS)
            widths = gallery.eval_on_selector_all(".tile img", "nodes => nodes.map(n => n.naturalWidth)")
            assert len(widths) >= 4 and all(width > 0 for width in widths), (visit, widths)
            for tab in streaming:
                assert tab.evaluate("document.querySelector('#live').classList.contains('on')"), visit
            status, seconds, body = _timed_png(server)
            assert (status, body[:8]) == (200, b"\x89PNG\r\n\x1a\n")
            assert seconds < PNG_BOUND_S, f"a card took {seconds:.2f} s with event streams open"
    finally:
        context.close()
    assert not errors, errors
    assert "WORKER TIMEOUT" not in _log(server)


@pytest.mark.slow
def test_streams_over_the_bound_are_refused_with_retry_after(server: OgServe) -> None:
    """The worker holds at most MAX_STREAMS streams; the next is told to come back later, and
    a card still answers at once while they are all open."""
    opened: list[http.client.HTTPConnection] = []
    try:
        refused = None
        for _ in range(MAX_STREAMS + 3):  # a slot or two may still be held by a page just closed
            connection, response = _open_stream(server)
            opened.append(connection)
            if response.status == 503:
                refused = response
                break
            assert response.status == 200 and response.readline().startswith(b"retry: ")
        assert refused is not None, f"{len(opened)} streams open and none refused"
        assert refused.getheader("Retry-After") == str(BUSY_RETRY_SECONDS)
        assert b"too_many_streams" in refused.read()
        status, seconds, _ = _timed_png(server)
        assert status == 200 and seconds < PNG_BOUND_S, seconds
    finally:
        for connection in opened:
            connection.close()
    # a closed tab's stream ends at its next heartbeat, and gives its slot back
    deadline = time.monotonic() + REQUEST_TIMEOUT_S
    statuses = []
    for _ in range(40):
        connection, response = _open_stream(server)
        connection.close()
        statuses.append(response.status)
        if response.status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert statuses[-1] == 200, statuses
    assert "WORKER TIMEOUT" not in _log(server)


#: What gevent replaces when its worker starts, after a preloaded app was imported: a name bound
#: to one of these at import keeps the blocking original (the studio's ``sleep=time.sleep`` did).
PATCHED = {"time": {"sleep"}, "select": {"*"}, "socket": {"*"}, "ssl": {"*"}, "subprocess": {"*"},
           "queue": {"*"}, "threading": {"Lock", "RLock", "Event", "Condition", "Semaphore",
                                         "BoundedSemaphore", "Timer", "Thread", "local"}}


def _patched(module: str, name: str) -> bool:
    return bool(PATCHED.get(module, set()) & {"*", name})


def _bound_at_import(tree: ast.Module) -> t.Iterator[tuple[int, str]]:
    """``from time import sleep``, ``x = time.sleep`` at module level, ``def f(s=time.sleep)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in PATCHED:
            for alias in node.names:
                if _patched(node.module, alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"
        values: list[ast.expr | None] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            values = [*node.args.defaults, *node.args.kw_defaults]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node in tree.body:
            values = [node.value]
        for value in values:
            if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) \
                    and _patched(value.value.id, value.attr):
                yield value.lineno, f"{value.value.id}.{value.attr} bound at import"


def test_no_blocking_call_is_bound_at_import() -> None:
    sources = sorted((ROOT / "og").rglob("*.py"))
    found = [f"{path.relative_to(ROOT)}:{line}: {what}" for path in sources
             for line, what in _bound_at_import(ast.parse(path.read_text(), str(path)))]
    assert not found, found
    bad = ast.parse("import time\ndef stream(sleep=time.sleep): pass\nfrom threading import Event\n")
    assert [what for _, what in _bound_at_import(bad)] == ["time.sleep bound at import",
                                                           "from threading import Event"]
