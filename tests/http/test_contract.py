"""One HTTP contract, three front ends: og's own Flask app under gunicorn with ``gunicorn.conf.py``
(the Procfile's command), a Django project under gunicorn, and ``uvicorn og.asgi:app`` — each a
real server on a free loopback port — get the same requests and must give the same status, the
same headers and the same body bytes. What a request means lives in :mod:`og.http.core`; this
keeps the adapters from drifting (og's Django view once lacked CSP, HEAD and the photo policy).

Compared as sent, except what belongs to the server rather than og: ``Date``, ``Server`` and the
hop-by-hop ``Connection``, ``Keep-Alive``, ``Transfer-Encoding``; ``Server-Timing`` durations
(stage names still compared); ``/metrics`` bodies (each process's own counters and timings).
"""

from __future__ import annotations

import dataclasses
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import typing as t
from pathlib import Path

import pytest

import og
from bench.server import GunicornServer
from bench.server import free_port
from og.config import Settings
from og.http.core import SVG_CSP
from og.signing import keys_from_env
from og.signing import sign_url
from tests.conftest import FONTS_DIR
from tests.conftest import ROOT
from tests.conftest import TEMPLATES
from tests.fetch.conftest import ImageServer
from tests.fetch.conftest import image_server  # noqa: F401 (the photo host, a fixture)

pytest.importorskip("django")
pytest.importorskip("uvicorn")

SECRET = "contract-secret-0123456789abcdef"
KEYS = keys_from_env(SECRET)
TOKEN = "contract-metrics-token"
HOST = "og.test"
CRAWLER = "facebookexternalhit/1.1"
IMG_ACCEPT = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8"
#: Headers a server writes for itself, not og.
SERVERS_OWN = frozenset({"date", "server", "connection", "keep-alive", "transfer-encoding"})
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 30.0

DJANGO_SETTINGS = """\
SECRET_KEY = "contract"
DEBUG = False
ALLOWED_HOSTS = ["og.test"]
ROOT_URLCONF = "contract_urls"
INSTALLED_APPS = ["og.contrib.django"]
MIDDLEWARE = []
USE_TZ = True
"""
DJANGO_URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("og.contrib.django.urls"))]
"""
DJANGO_WSGI = """\
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


class Process:
    """A server command on a free loopback port, ready once ``/healthz`` answers."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], log: Path, port: int) -> None:
        self.port = port
        with open(log, "wb") as out:
            self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out,
                                            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = log.read_text()[-2000:]
                raise RuntimeError(f"{command[:3]} exited with {self.process.returncode}: {tail}")
            try:
                if fetch(self.port, Case("GET", "/healthz")).status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{command[:3]} did not answer /healthz within {START_TIMEOUT_S} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)


@dataclasses.dataclass(frozen=True)
class Case:
    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200
    #: Headers the answer must have (beyond being the same everywhere).
    expect: tuple[tuple[str, str], ...] = ()
    #: Read this much of a stream and stop (the studio's event stream never ends by itself).
    until: bytes = b""
    compare_body: bool = True
    #: Bytes that may differ between two requests, masked before comparing.
    mask: bytes = b""
    #: Bytes the body must hold (beyond being the same everywhere).
    contains: bytes = b""


@dataclasses.dataclass(frozen=True)
class Seen:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def fetch(port: int, case: Case) -> Seen:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        connection.request(case.method, case.target, headers={"Host": HOST, **dict(case.headers)})
        response = connection.getresponse()
        if case.until:
            body = b""
            while case.until not in body and len(body) < 65536:
                chunk = response.read1(4096)
                if not chunk:
                    break
                body += chunk
        else:
            body = response.read()
        headers = sorted((name.lower(), re.sub(r"dur=[0-9.]+", "dur=*", value))
                         for name, value in response.getheaders() if name.lower() not in SERVERS_OWN)
        if not case.compare_body:
            body, headers = b"", [(n, v) for n, v in headers if n != "content-length"]
        if case.mask:
            body = re.sub(case.mask, b"*", body)
        return Seen(response.status, tuple(headers), body)
    finally:
        connection.close()


def signed(target: str, expires: int | None = None) -> str:
    return sign_url(target, KEYS, expires)


def tampered(target: str) -> str:
    return signed(target).replace("title=Hello", "title=Hellp")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture templates, the typed one (photos) and a broken one (template errors)."""
    folder = tmp_path_factory.mktemp("contract") / "templates"
    shutil.copytree(TEMPLATES, folder)
    shutil.copy(TEMPLATES.parent / "typed" / "typed.svg", folder / "typed.svg")
    (folder / "broken.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect', encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def env(folder: Path, image_server: ImageServer) -> dict[str, str]:  # noqa: F811
    return {"OG_TEMPLATES_DIR": str(folder), "OG_FONTS_DIR": str(FONTS_DIR), "OG_SECRET": SECRET,
            "OG_STUDIO": "1", "OG_METRICS_TOKEN": TOKEN, "OG_IMAGE_HOSTS": image_server.origin,
            "OG_IMAGE_TIMEOUT": "2", "OG_QUEUE_TIMEOUT": "10", "OG_TRUSTED_PROXIES": "1"}


@pytest.fixture(scope="module")
def servers(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[dict[str, int]]:
    """Flask (the Procfile's gunicorn, one worker so one cache), Django (gunicorn), ASGI (uvicorn)."""
    logs = tmp_path_factory.mktemp("logs")
    project = tmp_path_factory.mktemp("django")
    for name, text in (("contract_settings", DJANGO_SETTINGS), ("contract_urls", DJANGO_URLS),
                       ("contract_wsgi", DJANGO_WSGI)):
        (project / f"{name}.py").write_text(text, encoding="utf-8")
    base = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    base.pop("PORT", None)
    started: list[t.Any] = []
    try:
        flask = GunicornServer(["--workers", "1"], env=env, log_path=logs / "flask.log")
        flask.start()
        started.append(flask)
        port = free_port()
        django = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                  "--threads", "4", "contract_wsgi:application"]
        started.append(Process(django, project, {**base, "DJANGO_SETTINGS_MODULE": "contract_settings"},
                               logs / "django.log", port))
        port = free_port()
        started.append(Process([sys.executable, "-m", "uvicorn", "og.asgi:app", "--host", "127.0.0.1",
                                "--port", str(port), "--no-access-log"], ROOT, base, logs / "asgi.log", port))
        yield {"flask": flask.port, "django": started[1].port, "asgi": started[2].port}
    finally:
        for server in reversed(started):
            server.stop()


@pytest.fixture(scope="module")
def local(env: dict[str, str]) -> og.Renderer:
    """A renderer with the servers' settings, for the names they will give: versions, keys."""
    return og.Renderer(Settings.from_env(env))


@pytest.fixture(scope="module")
def version(local: og.Renderer) -> str:
    return local.version(local.templates.get("card"))


@pytest.fixture(scope="module")
def etag(local: og.Renderer) -> str:
    return local.plan("card", {"title": "Hello"}, "png").key


JSON = ("content-type", "application/json")
NO_STORE = ("cache-control", "no-store")
PNG = ("content-type", "image/png")
DAY = ("cache-control", "public, max-age=86400, stale-while-revalidate=604800")
HOUR = ("cache-control", "public, max-age=3600")  # OG_IMAGE_MAX_AGE: a photo may change
#: What two proxies appended (the first saw the client; OG_TRUSTED_PROXIES=1 trusts the last only).
#: Neither gunicorn nor uvicorn reads these lists themselves: og's core alone decides.
PROXIED = (("X-Forwarded-Proto", "http, https"), ("X-Forwarded-Host", "evil.example, cards.example.org"),
           ("X-Forwarded-Port", "8443"), ("X-Forwarded-For", "203.0.113.9, 198.51.100.7"))


def cases(photos: str, version: str, etag: str) -> list[Case]:
    hello = signed("/card.png?title=Hello")
    queued_since_ms = int(time.time() * 1000) - 60_000  # a minute in a router's queue
    missing, red = f"{photos}/missing.png", f"{photos}/red.png"
    return [
        Case("GET", "/healthz", expect=(JSON,)),
        Case("HEAD", "/healthz"),
        Case("GET", "/readyz", status=503, expect=(JSON, NO_STORE)),  # broken.svg is named
        Case("GET", "/templates", expect=(JSON,)),
        Case("GET", "/metrics", status=404),
        Case("GET", "/metrics", (("Authorization", "Bearer nope"),), status=404),
        Case("GET", "/metrics", (("Authorization", f"Bearer {TOKEN}"),), compare_body=False),
        Case("GET", "/no/such/route", status=404, expect=(JSON, NO_STORE)),
        Case("GET", "/studio", status=404),
        Case("POST", "/card.png", status=405, expect=(("allow", "GET, HEAD, OPTIONS"),)),
        Case("DELETE", "/healthz", status=405),
        Case("OPTIONS", "/templates", expect=(("allow", "GET, HEAD, OPTIONS"),)),
        Case("GET", hello, expect=(PNG, DAY, ("x-content-type-options", "nosniff"))),
        Case("GET", hello, expect=(PNG,)),  # from the cache now: Server-Timing says so
        Case("HEAD", hello, expect=(PNG, DAY)),
        Case("GET", hello, (("If-None-Match", '"nope", W/"x"'),), expect=(PNG,)),
        Case("GET", hello, (("If-None-Match", f'"{etag}"'),), status=304, expect=(DAY,)),
        Case("HEAD", hello, (("If-None-Match", f'"x", W/"{etag}"'),), status=304),
        Case("GET", hello, (("If-None-Match", f'"{etag}0"'),), expect=(PNG,)),  # a list of tags, no substring
        Case("GET", signed("/card.png?title=Etag"), (("If-None-Match", "*"),), status=304),
        Case("GET", signed("/card.svg?title=Hello"), expect=(("content-security-policy", SVG_CSP),)),
        Case("HEAD", signed("/card.svg?title=Hello"), expect=(("content-security-policy", SVG_CSP),)),
        Case("GET", signed("/card.json?title=Hello"),
             expect=(("content-type", "application/json; charset=utf-8"),)),
        Case("GET", signed("/card.jpg?title=Hello"), expect=(("content-type", "image/jpeg"),)),
        Case("GET", signed("/card.webp?title=Hello"), expect=(("content-type", "image/webp"),)),
        Case("GET", signed("/card.png?title=Hello&dpr=2")),
        Case("GET", signed(f"/card.png?title=Hello&v={version}"),
             expect=(("cache-control", "public, max-age=31536000, immutable"),)),
        Case("GET", signed("/card.png?title=Hello&v=000000000000"), expect=(DAY,)),
        Case("GET", "/card.png?title=Hello", status=403, expect=(JSON, ("x-og-error", "bad_signature"))),
        Case("GET", "/card.png?title=Hello", (("User-Agent", CRAWLER),), status=403, expect=(PNG, NO_STORE)),
        Case("GET", "/card.png?title=Hello", (("Accept", IMG_ACCEPT),), status=403, expect=(PNG,)),
        Case("GET", tampered("/card.png?title=Hello"), status=403, expect=(JSON,)),
        Case("GET", signed("/card.png?title=Hello", expires=1000), status=403,
             expect=(("x-og-error", "expired"),)),
        Case("GET", signed("/card.svg?title=Hello") + "&title=Again", status=403),
        Case("GET", signed("/card.png?colour=red"), status=400, expect=(("x-og-error", "bad_parameter"),)),
        Case("GET", signed("/card.png?title=" + "x" * 401), status=400),
        Case("GET", signed("/card.png?title=A&title=B"), status=400),
        Case("GET", signed("/card.png?dpr=lots"), status=400),
        Case("GET", signed("/card.png?title=Hello&page=1"), expect=(PNG,)),
        Case("GET", signed("/card.png?page=nope"), status=400),
        Case("GET", signed("/nope.png"), status=404, expect=(("x-og-error", "template_not_found"),)),
        Case("GET", signed("/card.gif"), status=404, expect=(("x-og-error", "unknown_format"),)),
        Case("GET", signed("/card.png?title=Queued"), (("X-Request-Start", f"t={queued_since_ms}"),),
             status=503,
             expect=(("retry-after", "1"), ("x-og-error", "overloaded")), mask=rb"waited [0-9.]+ s"),
        Case("GET", signed("/broken.png"), status=500, expect=(JSON, ("x-og-error", "template_error"))),
        Case("GET", signed("/broken.png"), (("User-Agent", CRAWLER),), status=500, expect=(PNG,)),
        Case("GET", signed(f"/typed.png?photo={red}"), expect=(HOUR,)),
        Case("GET", signed(f"/typed.png?photo={red}&v={version}"), expect=(HOUR,)),  # never immutable
        Case("HEAD", signed(f"/typed.png?photo={red}"), expect=(HOUR,)),
        Case("GET", signed(f"/typed.png?photo={missing}"), status=422, expect=(JSON,)),
        Case("GET", signed(f"/typed.png?photo={missing}"), (("User-Agent", CRAWLER),),
             expect=(("cache-control", "public, max-age=60"),)),  # the placeholder, degraded
        Case("GET", signed(f"/typed.png?logo={missing}"), (("User-Agent", CRAWLER),), status=422,
             expect=(PNG,)),
        Case("GET", "/studio/api/card/card?title=Tom%20%26%20Jerry", expect=(JSON, NO_STORE)),
        Case("GET", "/studio/api/card/card?title=Proxied", PROXIED, expect=(JSON,),
             contains=b'"https://cards.example.org:8443/card.png?title=Proxied'),
        Case("GET", "/studio/api/card/card?title=Direct", contains=b'"http://og.test/card.png?title=Direct'),
        Case("GET", "/studio/api/card/card?colour=red", status=400),
        Case("GET", "/studio/api/card/nope", status=404),
        Case("GET", "/studio/api/check/card", expect=(NO_STORE,)),
        Case("GET", "/studio/api/check/nope", status=404),
        Case("GET", "/", expect=(("content-type", "text/html; charset=utf-8"), NO_STORE),
             contains=b'<body data-page="index" data-template="" data-root="/">'),
        Case("HEAD", "/", expect=(("content-type", "text/html; charset=utf-8"),)),
        Case("GET", "/studio/t/card", contains=b'data-template="card"'),
        Case("GET", "/studio/t/nope", status=404, expect=(("x-og-error", "template_not_found"),)),
        Case("GET", "/studio/static/studio.js", expect=(("content-type", "text/javascript; charset=utf-8"),
                                                        ("cache-control", "no-cache"))),
        Case("GET", "/studio/static/studio.css", (("If-None-Match", "*"),), status=304),
        Case("GET", "/studio/static/nope.css", status=404),
        Case("POST", "/", status=405),
        Case("GET", "/studio/events", expect=(("content-type", "text/event-stream; charset=utf-8"),),
             until=b"}\n\n"),
    ]


#: The cases, named for the test ids (built again with the real photo host and version inside).
CASE_IDS = [f"{number:02d}-{case.method}-{case.target.split('?')[0]}"
            for number, case in enumerate(cases("http://photos", "v", "e"))]


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(CASE_IDS)), ids=CASE_IDS)
def test_every_front_end_gives_the_same_answer(number: int, servers: dict[str, int], version: str, etag: str,
                                               image_server: ImageServer) -> None:  # noqa: F811
    case = cases(image_server.origin, version, etag)[number]
    seen = {name: fetch(port, case) for name, port in servers.items()}
    if case.until:  # the first event, whole: ``data: {...}\n\n``
        seen = {name: dataclasses.replace(s, body=s.body.split(b"\n\n")[0]) for name, s in seen.items()}
    flask = seen["flask"]
    assert flask.status == case.status, flask.body[:300]
    headers = dict(flask.headers)
    for name, value in case.expect:
        assert headers.get(name) == value, (name, headers)
    if case.method == "HEAD" or case.status == 304:
        assert flask.body == b""
    assert case.contains in flask.body, flask.body[:600]
    for name in ("django", "asgi"):
        assert seen[name].status == flask.status, (name, seen[name].body[:300])
        assert seen[name].headers == flask.headers, name
        assert seen[name].body == flask.body, (name, seen[name].body[:300], flask.body[:300])
