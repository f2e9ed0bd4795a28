"""Serving under real gunicorn with ``gunicorn.conf.py``: slow clients, gunicorn's own errors as
og's JSON, the config's numbers, and the deploy files (Dockerfile, app.json, Procfile).

The server tests start one gunicorn on a free loopback port for the module (a few seconds:
the master preloads fonts and templates) and stop it at the end.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import importlib.util
import json
import os
import runpy
import shlex
import socket
import subprocess
import sys
import time
import typing as t
import urllib.parse

import pytest
from gunicorn.app.base import Application
from gunicorn.config import Config
from gunicorn.http.errors import LimitRequestHeaders
from gunicorn.http.errors import LimitRequestLine

from bench.server import GunicornServer
from og import cli
from og.web import serving
from og.web.gunicorn_worker import HeadLimitedSocket

from ..conftest import ROOT

CONF = ROOT / "gunicorn.conf.py"
METRICS_TOKEN = "metrics-token-for-tests"
SLOW_CLIENTS = 50
NORMAL_REQUESTS = 100
#: Per-request bound while the slow clients hold their connections; far above a render.
REQUEST_TIMEOUT_S = 15.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[GunicornServer]:
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with GunicornServer(log_path=log, env={"OG_METRICS_TOKEN": METRICS_TOKEN}) as running:
        yield running


def raw(server: GunicornServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send raw bytes and read the answer until the server closes (gunicorn's errors close)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT_S) as sock:
        try:
            sock.sendall(request)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def open_slow_clients(server: GunicornServer, count: int) -> list[socket.socket]:
    """Connections that send part of a request line or of the headers and then nothing."""
    partial = [b"GET /healthz HT", b"GET /healthz HTTP/1.1\r\nHost: og\r\nUser-Agent: sl", b"G"]
    sockets = []
    for index in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=REQUEST_TIMEOUT_S)
        sock.sendall(partial[index % len(partial)])
        sockets.append(sock)
    return sockets


def normal_request(server: GunicornServer, index: int) -> tuple[int, str]:
    if index % 2:
        status, headers, _ = server.get("/healthz", timeout=REQUEST_TIMEOUT_S)
    else:
        title = urllib.parse.quote(f"Slow clients cannot starve card {index}")
        status, headers, _ = server.get(f"/article.png?title={title}", timeout=REQUEST_TIMEOUT_S)
    return status, headers.get("content-type", "")


@pytest.mark.slow
def test_slow_clients_do_not_starve_normal_requests(server: GunicornServer) -> None:
    slow = open_slow_clients(server, SLOW_CLIENTS)
    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: normal_request(server, i), range(NORMAL_REQUESTS)))
        assert answers.count((200, "application/json")) == NORMAL_REQUESTS // 2
        assert answers.count((200, "image/png")) == NORMAL_REQUESTS // 2
        # The head deadline (keepalive) then closes every slow connection without an answer.
        deadline = time.monotonic() + serving.HEAD_TIMEOUT_S + REQUEST_TIMEOUT_S
        for sock in slow:
            sock.settimeout(max(deadline - time.monotonic(), 0.1))
            assert sock.recv(1024) == b""
    finally:
        for sock in slow:
            sock.close()


LONG_LINE = b"GET /article.png?title=" + b"a" * (serving.request_line_limit() + 10) + b" HTTP/1.1\r\n\r\n"
BIG_HEADER = b"GET /healthz HTTP/1.1\r\nReferer: " + b"a" * (serving.request_line_limit() + 10) + b"\r\n\r\n"
MANY_HEADERS = b"GET /healthz HTTP/1.1\r\n" + b"".join(
    b"X-%d: %s\r\n" % (i, b"a" * 10000) for i in range(serving.request_head_limit() // 10000 + 1)) + b"\r\n"


@pytest.mark.parametrize(("request_bytes", "status", "code"), [
    (LONG_LINE, 414, "uri_too_long"),
    (BIG_HEADER, 431, "request_header_fields_too_large"),
    (MANY_HEADERS, 431, "request_header_fields_too_large"),
    (b"GET /\x01 HTTP/1.1\r\n\r\n", 400, "bad_request"),
    (b"GET / HTTP/9.9\r\n\r\n", 400, "bad_request"),
    (b"GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n", 400, "bad_request"),
], ids=["line-too-long", "header-too-large", "head-too-large", "bad-line", "bad-version", "bad-header"])
def test_gunicorn_errors_are_og_json(server: GunicornServer, request_bytes: bytes, status: int,
                                     code: str) -> None:
    got_status, headers, body = raw(server, request_bytes)
    assert got_status == status
    assert headers["content-type"] == "application/json"
    assert int(headers["content-length"]) == len(body)
    answer = json.loads(body)
    assert set(answer) == {"error", "message"}
    assert answer["error"] == code
    assert answer["message"]


def test_long_legal_urls_reach_og(server: GunicornServer) -> None:
    """Every article parameter at its longest in 4-byte characters: 6.8 KB, answered by og."""
    report = server.get("/templates")[2]
    article = next(item for item in json.loads(report)["templates"] if item["name"] == "article")
    query = urllib.parse.urlencode({p["name"]: "😀" * p["max_length"] for p in article["params"]})
    status, headers, body = server.get(f"/article.png?{query}")
    assert (status, headers["content-type"], body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")


def test_lines_past_gunicorns_8190_bytes_reach_og(server: GunicornServer) -> None:
    """1,000 CJK characters (9,000 bytes encoded): og itself says the value is too long."""
    target = "/article.json?title=" + urllib.parse.quote("漢" * 1000)
    assert len(target) > 8190
    status, headers, body = server.get(target)
    assert (status, headers["content-type"]) == (400, "application/json")
    assert json.loads(body)["error"] == "bad_parameter"


def test_head_limit_counts_each_request_on_a_kept_alive_connection(server: GunicornServer) -> None:
    """The head limit counts per request: many small requests on one connection all pass."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
    try:
        padding = "p" * 20000
        for _ in range(10):
            connection.request("GET", f"/healthz?{padding}", headers={"Referer": padding})
            response = connection.getresponse()
            assert (response.status, response.read()) == (200, b'{"status":"ok"}\n')
    finally:
        connection.close()


class FakeSocket:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.sent = b""

    def recv(self, size: int) -> bytes:
        return self.chunks.pop(0) if self.chunks else b""

    def sendall(self, data: bytes) -> None:
        self.sent += data


def test_head_limit_tells_line_from_headers_across_chunks() -> None:
    chunks = [b"GET / HTTP/1.1\r", b"\n", b"X: " + b"a" * 20]
    line_then_headers = HeadLimitedSocket(FakeSocket(chunks), 17, 30)
    line_then_headers.recv(100)
    line_then_headers.recv(100)
    with pytest.raises(LimitRequestHeaders):
        line_then_headers.recv(100)
    for unfinished in (b"GET /" + b"a" * 20, b"GET /" + b"a" * 20 + b" HTTP/1.1\r\n\r\n"):
        with pytest.raises(LimitRequestLine):
            HeadLimitedSocket(FakeSocket([unfinished]), 17, 1000).recv(100)


def test_head_limit_starts_again_after_each_response() -> None:
    fake = FakeSocket([b"a" * 10, b"a" * 10])
    sock = HeadLimitedSocket(fake, 15, 15)
    sock.recv(100)
    sock.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
    assert sock.recv(100) == b"a" * 10
    assert fake.sent.startswith(b"HTTP/1.1 200")


def fresh_conf() -> dict[str, t.Any]:
    """:mod:`og.gunicorn_conf`'s names, its code run anew (as in a new process)."""
    spec = importlib.util.find_spec("og.gunicorn_conf")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return vars(module)


def load_conf(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    """gunicorn's own Config filled from og's settings module under ``env`` (run afresh, as a
    new process would): its validators run."""
    for name in ("PORT", "WEB_CONCURRENCY", "OG_RENDER_TIMEOUT", "OG_MAX_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    for name, value in fresh_conf().items():
        if name in config.settings:
            config.set(name, value)
    return config


def test_conf_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_conf(monkeypatch)
    assert config.address == [("127.0.0.1", 8000)]
    assert (config.workers, config.worker_class_str) == (2, "og.web.gunicorn_worker.OgWorker")
    assert config.preload_app and config.max_requests > 0 and config.max_requests_jitter > 0
    assert (config.timeout, config.graceful_timeout, config.keepalive) == (15, 10, serving.HEAD_TIMEOUT_S)
    assert config.limit_request_line == 0
    assert config.limit_request_field_size == 50048


def test_conf_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_conf(monkeypatch, PORT="5000", WEB_CONCURRENCY="3", OG_RENDER_TIMEOUT="10",
                       OG_MAX_LENGTH="1000")
    assert config.address == [("0.0.0.0", 5000)]
    assert (config.workers, config.timeout, config.graceful_timeout) == (3, 25, 15)
    assert config.limit_request_field_size == 8 * 1000 * 12 + 2048


def serve_config(monkeypatch: pytest.MonkeyPatch, *argv: str) -> Config:
    """The Config ``python -m og serve`` hands gunicorn, without starting it."""
    seen: list[Config] = []
    monkeypatch.setattr(Application, "run", lambda self: seen.append(self.cfg))
    monkeypatch.delenv("PORT", raising=False)
    assert cli.main(["serve", *argv]) == 0
    return seen[0]


def test_og_serve_reads_the_same_conf_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    config = serve_config(monkeypatch)
    assert config.address == [("127.0.0.1", 8000)]
    assert config.worker_class_str == "og.web.gunicorn_worker.OgWorker"
    assert config.limit_request_line == 0 and config.preload_app


def test_og_serve_host_and_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    config = serve_config(monkeypatch, "--host", "0.0.0.0", "--port", "9001", "--workers", "4")
    assert (config.address, config.workers) == ([("0.0.0.0", 9001)], 4)


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) with continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_dockerfile_runs_gunicorn_as_a_user_with_a_healthcheck() -> None:
    steps = dockerfile()
    instructions = [name for name, _ in steps]
    assert steps[0][0] == "FROM" and steps[0][1].startswith("python:3.11-slim")
    assert any(name == "RUN" and "libcairo2" in args and "apt-get install" in args for name, args in steps)
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert instructions.index("USER") < instructions.index("CMD")
    healthcheck = next(args for name, args in steps if name == "HEALTHCHECK")
    assert "/healthz" in healthcheck
    cmd = json.loads(next(args for name, args in steps if name == "CMD"))
    assert cmd == ["gunicorn", "-c", "python:og.gunicorn_conf", "app:app"]


def test_app_json_and_procfile() -> None:
    manifest = json.loads((ROOT / "app.json").read_text())
    buildpacks = [pack["url"] for pack in manifest["buildpacks"]]
    assert any("apt" in url for url in buildpacks) and buildpacks[-1].endswith("python")
    for name in ("WEB_CONCURRENCY", "OG_RENDER_TIMEOUT", "OG_MAX_LENGTH"):
        assert manifest["env"][name]["description"]
    assert "libcairo2" in (ROOT / "Aptfile").read_text().split()
    web = (ROOT / "Procfile").read_text().split(":", 1)[1]
    assert shlex.split(web) == ["gunicorn", "-c", "python:og.gunicorn_conf", "app:app"]


def test_top_level_conf_is_the_package_module() -> None:
    """``gunicorn app:app`` in the checkout reads gunicorn.conf.py: the same settings."""
    top = {name: value for name, value in runpy.run_path(str(CONF)).items() if not name.startswith("_")}
    package = fresh_conf()
    for name in ("worker_class", "preload_app", "timeout", "limit_request_field_size", "child_exit"):
        assert name in top and type(top[name]) is type(package[name]), name


def _get(server: GunicornServer, path: str,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        connection.close()


def test_metrics_add_up_the_workers_and_need_the_token(server: GunicornServer) -> None:
    for number in range(6):
        status, headers, body = _get(server, f"/article.png?title=Metrics%20{number}")
        assert status == 200 and body and "Server-Timing" in headers
    assert _get(server, "/metrics")[0] == 404
    assert _get(server, "/metrics", {"Authorization": "Bearer wrong"})[0] == 404
    status, _, body = _get(server, "/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
    text = body.decode()
    assert status == 200
    rendered = sum(float(line.split()[-1]) for line in text.splitlines()
                   if line.startswith('og_cards_total{source="render"}'))
    assert rendered >= 6, text[:3000]
    assert 'og_render_seconds_count{format="png",template="article"}' in text


def test_one_json_log_line_per_request(server: GunicornServer) -> None:
    _get(server, "/article.png?title=Logged%20once")
    assert server.log_path is not None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [line for line in server.log_path.read_text(errors="replace").splitlines()
                 if "og.access" in line and "/article.png" in line]
        if lines:
            break
        time.sleep(0.1)
    record = json.loads(lines[-1].split("og.access: ", 1)[1])
    assert record["path"] == "/article.png" and record["status"] == 200
    assert {"ms", "bytes", "rendered", "agent"} <= set(record)


def test_a_bad_setting_stops_gunicorn_with_one_line() -> None:
    """The Procfile's command with a setting that does not parse: one readable line, no traceback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("OG_")}
    env["OG_RENDER_TIMEOUT"] = "soon"
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "python:og.gunicorn_conf", "--check-config",
                             "app:app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert result.stderr.strip() == "og: OG_RENDER_TIMEOUT must be a number, got 'soon'"
