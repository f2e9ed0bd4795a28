"""Templates are trusted to mean well, not to be cheap or safe: each hostile template below gets
a clear template error when it loads, or a bounded answer (503 within budget + 1 s), and the
worker keeps serving. Written as small copies of what an attacker or a careless designer would
put in the templates folder."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import subprocess
import sys
import threading
import time
import typing as t
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

import og
import og.web
from og.deadline import Admission
from og.errors import Overloaded
from og.pool import isolated
from og.svg.sanitise import sanitise

from ..conftest import settings_for

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:og="https://og.example.com/ns" width="{w}" height="{h}">')
TEXT = ('<text x="20" y="60" style="font-size:40px;font-family:Inter">{body}</text>')
BUDGET_S = 1.0


def svg(body: str = "", text: str = "{{ title }}", w: str = "400", h: str = "200") -> str:
    return HEAD.format(w=w, h=h) + body + TEXT.format(body=text) + "</svg>"


def _png_uri(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


BOMB_DEFS = '<defs><g id="l0"><rect width="1" height="1"/></g>' + "".join(
    f'<g id="l{n}">' + f'<use xlink:href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, 7)) + "</defs>"

#: name → (template text, words the load error must say)
REFUSED = {
    "blur": (svg('<filter id="f"><feGaussianBlur stdDeviation="100000"/></filter>'
                 '<rect width="400" height="200" style="filter:url(#f)"/>'), "blurs by"),
    "blur-scaled": (svg('<filter id="f"><feGaussianBlur stdDeviation="2"/></filter>'
                        '<g transform="scale(300)"><rect width="1" height="1" style="filter:url(#f)"/></g>'),
                    "blurs by"),
    "use-deep-reversed": (svg("<defs>" + "".join(f'<g id="c{n}"><use xlink:href="#c{n + 1}"/></g>'
                                                 for n in reversed(range(30))) + '<g id="c30"><rect/></g></defs>'),
                          "levels"),
    "canvas": (svg(w="20000", h="20000"), "canvas"),
    "infinite": (svg(h="1e400"), "canvas"),
    "use-bomb": (svg(BOMB_DEFS + '<use xlink:href="#l6"/>'), "expand"),
    "use-loop": (svg('<defs><g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g></defs>'
                     '<use xlink:href="#a"/>'), "itself"),
    "eps": (svg('<image width="10" height="10" xlink:href="data:image/eps;base64,JSFQUy1BZG9iZS0zLjA="/>'),
            "PNG, JPEG, WebP or GIF"),
    "svg-in-image": (svg('<image width="10" height="10" xlink:href="data:image/svg+xml;base64,'
                         + base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode() + '"/>'),
                     "PNG, JPEG, WebP or GIF"),
    "huge-image": (svg(f'<image width="10" height="10" xlink:href="{_png_uri(5000, 4000)}"/>'), "pixels"),
    "filter-chain": (svg('<filter id="f">' + '<feOffset dx="1"/>' * 40 + '</filter>'), "primitives"),
    "elements": (svg("<g>" + "<rect/>" * 25_000 + "</g>"), "elements"),
    "entity": (svg(text="&x; {{ title }}"), "entity"),
}

#: name → template whose placeholders are hostile: a template error at render time, quickly.
BAD_JINJA = {
    "repeat": svg(text='{{ "a" * 1000000000 }}'),
    "power": svg(text="{{ 2 ** 100000000 }}"),
    "range": svg(text="{% for i in range(100000000) %}x{% endfor %}"),
    "output": svg(text="{% for a in range(1000) %}{% for b in range(1000) %}xxxxxxxxxx{% endfor %}"
                       "{% endfor %}"),
    "include": svg(text='{% include "card.svg" %}'),
    "attribute": svg(text="{{ ''.__class__.__mro__ }}"),
    "namespace": svg(text="{% set ns = namespace(s='a') %}{{ ns.s }}"),
}

#: Loops that produce nothing, so only the render budget stops them.
SLOW = {
    "quiet-ranges": svg(text="{{ title }}{% for a in range(1000) %}{% for b in range(1000) %}"
                             "{% for c in range(1000) %}{% endfor %}{% endfor %}{% endfor %}"),
    "quiet-strings": svg(text="{% for a in title %}{% for b in title %}{% for c in title %}{% endfor %}"
                              "{% endfor %}{% endfor %}"),
}


@pytest.fixture
def hostile(tmp_path: Path, fonts: t.Any) -> tuple[og.Renderer, t.Any, Path]:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "fine.svg").write_text(svg())
    for name, (text, _) in REFUSED.items():
        (folder / f"{name}.svg").write_text(text)
    for name, text in {**BAD_JINJA, **SLOW}.items():
        (folder / f"{name}.svg").write_text(text)
    settings = dataclasses.replace(settings_for(folder), render_timeout=BUDGET_S)
    renderer = og.Renderer(settings, fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client(), folder


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_expensive_templates_are_refused_when_they_load(hostile: t.Any, name: str) -> None:
    renderer, client, _ = hostile
    started = time.monotonic()
    response = client.get(f"/{name}.png")
    assert time.monotonic() - started < 2
    assert response.status_code == 500 and response.get_json()["error"] == "template_error"
    assert "template error" in response.get_json()["message"]
    problems = client.get("/readyz").get_json()["problems"]
    assert any(name in problem and REFUSED[name][1] in problem for problem in problems), problems
    assert client.get("/fine.png?title=still%20serving").status_code == 200


def test_a_big_file_is_refused_before_it_is_parsed(hostile: t.Any) -> None:
    renderer, client, folder = hostile
    (folder / "big.svg").write_text(svg("<!--" + "x" * (9 << 20) + "-->"))
    response = client.get("/big.png")
    assert response.status_code == 500
    assert any("MB" in problem for problem in client.get("/readyz").get_json()["problems"])


@pytest.mark.parametrize("name", sorted(BAD_JINJA))
def test_hostile_placeholders_are_template_errors(hostile: t.Any, name: str) -> None:
    renderer, client, _ = hostile
    started = time.monotonic()
    response = client.get(f"/{name}.png")
    assert time.monotonic() - started < BUDGET_S + 1
    assert response.status_code == 500, response.get_json()
    assert response.get_json() == {"error": "template_error", "message": og.web.app.TEMPLATE_ERROR_MESSAGE}


@pytest.mark.parametrize("name", sorted(SLOW))
def test_runaway_loops_stop_at_the_budget(hostile: t.Any, name: str) -> None:
    renderer, client, _ = hostile
    with isolated(renderer, processes=1):  # as og serve renders: the process is killed past the budget
        started = time.monotonic()
        response = client.get(f"/{name}.png?title=" + "x" * 400)
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.get_json()["error"] == "render_timeout"
    assert response.headers["Retry-After"].isdigit()
    assert elapsed < BUDGET_S + 1, f"answered after {elapsed:.2f} s"
    again = time.monotonic()
    assert client.get(f"/{name}.png?title=" + "x" * 400).status_code == 503
    assert time.monotonic() - again < BUDGET_S / 2, "a failed render is remembered, not repeated"
    assert renderer.renders == 1
    assert client.get("/fine.png?title=after").status_code == 200, "the worker keeps serving"


def test_templates_listing_stays_valid_json(hostile: t.Any) -> None:
    body = hostile[1].get("/templates").get_data(as_text=True)
    assert "Infinity" not in body and "NaN" not in body
    assert [item["name"] for item in json.loads(body)["templates"]] == [
        name for name in sorted([*BAD_JINJA, *SLOW, "fine"])]


def test_a_stray_file_never_stops_the_service(tmp_path: Path, fonts: t.Any) -> None:
    folder = tmp_path / "templates"
    outside = tmp_path / "outside.svg"
    outside.write_text(svg())
    (folder / "x.svg").mkdir(parents=True)  # a folder named like a template
    (folder / "good.svg").write_text(svg())
    os.symlink(tmp_path / "missing.svg", folder / "dangling.svg")
    os.symlink(outside, folder / "escape.svg")
    (folder / "..data").mkdir()  # a Kubernetes ConfigMap: name.svg -> ..data/name.svg
    (folder / "..data" / "mounted.svg").write_text(svg())
    os.symlink("..data/mounted.svg", folder / "mounted.svg")
    client = og.web.create_app({"OG_RENDERER": og.Renderer(settings_for(folder), fonts=fonts),
                                "TESTING": True}).test_client()
    assert client.get("/good.png").status_code == 200
    assert client.get("/mounted.png").status_code == 200
    for name in ("x", "dangling", "escape"):
        assert client.get(f"/{name}.png").status_code == 404, name
    assert client.get("/readyz").status_code == 503
    listed = [item["name"] for item in client.get("/templates").get_json()["templates"]]
    assert listed == ["good", "mounted"]


def test_admission_refuses_at_once_past_the_queue() -> None:
    admission = Admission(running=1, waiting=0, wait_s=5)
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with admission.admitted():
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(5)
    started = time.monotonic()
    with pytest.raises(Overloaded), admission.admitted():
        pass
    assert time.monotonic() - started < 1, "refused at once, not after the 5 s wait"
    release.set()
    holder.join(5)
    with admission.admitted():
        pass


def test_svg_output_runs_and_loads_nothing() -> None:
    root = etree.fromstring(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="x()">'
        '<script>alert(1)</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div>'
        '</foreignObject><a xlink:href="javascript:alert(1)"><rect onclick="y()" width="1" height="1"/></a>'
        '<image href="https://evil.example/x.png" width="1" height="1"/>'
        '<image href="data:image/png;base64,AAAA" width="1" height="1"/>'
        '<rect style="fill:url(https://evil.example/p#a)" width="1" height="1"/>'
        '<rect style="fill:url(#local)" width="1" height="1"/>'
        '<style>@import url(https://evil.example/s.css); rect { fill: url(#g) }</style></svg>')
    assert sanitise(root) >= 7
    text = etree.tostring(root).decode()
    for bad in ("script", "foreignObject", "onload", "onclick", "javascript:", "evil.example"):
        assert bad not in text, bad
    assert "data:image/png" in text and "url(#local)" in text and "url(#g)" in text


def test_a_templates_script_never_reaches_the_svg_response(hostile: t.Any) -> None:
    renderer, client, folder = hostile
    (folder / "scripted.svg").write_text(svg(
        '<script>alert(document.cookie)</script><rect width="9" height="9" onclick="steal()"/>'
        '<a xlink:href="javascript:alert(1)"><rect width="1" height="1"/></a>'
        '<image width="1" height="1" xlink:href="https://tracker.example/pixel.png"/>'))
    response = client.get("/scripted.svg?title=x")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.get_data(as_text=True)
    for bad in ("<script", "alert(", "onclick", "javascript:", "tracker.example"):
        assert bad not in text, bad
    etree.fromstring(response.data)  # still one well-formed picture


def test_a_request_that_waited_too_long_is_refused_at_once(client: t.Any) -> None:
    now_ms = int(time.time() * 1000)
    stale = client.get("/card.png?title=late", headers={"X-Request-Start": f"t={now_ms - 30_000}"})
    assert stale.status_code == 503 and stale.get_json()["error"] == "overloaded"
    assert stale.headers["Retry-After"] == "1"
    fresh = client.get("/card.png?title=on%20time", headers={"X-Request-Start": f"t={now_ms}"})
    assert fresh.status_code == 200


def test_a_timeout_while_drawing_is_a_503_not_a_template_error(tmp_path: Path, fonts: t.Any) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "heavy.svg").write_text(svg("".join(f'<rect x="{n % 400}" y="{n % 200}" width="3" height="3" '
                                                  f'style="fill:#{n % 4096:03x};opacity:0.5"/>'
                                                  for n in range(15_000))))
    settings = dataclasses.replace(settings_for(folder), render_timeout=0.2)
    client = og.web.create_app({"OG_RENDERER": og.Renderer(settings, fonts=fonts), "TESTING": True}).test_client()
    response = client.get("/heavy.png?title=x")
    assert response.status_code == 503 and response.get_json()["error"] == "render_timeout"
    assert "Retry-After" in response.headers


GEVENT_RUNAWAY = """
import dataclasses, sys, time
import og
from og.config import Settings
from og.errors import RenderTimeout
from og.web.render_host import RenderHost
settings = dataclasses.replace(Settings.from_env(), templates_dir=sys.argv[1], render_timeout=1.0)
renderer = og.Renderer(settings)
renderer.pool = RenderHost.start(renderer)  # as og's gunicorn worker does, before gevent patches
from gevent import monkey; monkey.patch_all()
import gevent
def render():
    started = time.monotonic()
    try:
        renderer.render("quiet-strings", {"title": "x" * 400})
    except RenderTimeout:
        print(f"stopped {time.monotonic() - started:.2f}")
gevent.spawn(render).join()
"""


def test_runaway_loops_stop_at_the_budget_under_gevent(hostile: t.Any) -> None:
    """gunicorn's gevent workers run each request in a greenlet and wait for its render process,
    which is killed past the budget."""
    folder = hostile[2]
    result = subprocess.run([sys.executable, "-c", GEVENT_RUNAWAY, str(folder)], capture_output=True, text=True,
                            timeout=60, cwd=Path(__file__).resolve().parent.parent.parent, check=False)
    assert result.stdout.startswith("stopped "), result.stdout + result.stderr[-2000:]
    assert float(result.stdout.split()[1]) < BUDGET_S + 1
