"""Templates that would cost the server seconds and gigabytes: each is a clear template error,
found when it loads (or, for a placeholder's own logic, when it renders) in milliseconds and
megabytes, and the worker keeps serving.

Measured on og before these bounds (issue 16): ``indent(1500000000)`` folded at load 17.4 s and
4.3 GB; ``replace`` of a 50,000-character string by itself 2.6 GB; ``batch(300000000)`` 4.7 GB;
``stroke-dasharray:0.5`` on a circle of radius 1e9 11–13 s in cairo; a 30,000 px pattern tile
3.5 GB; a PNG bomb in a ``data:`` SVG behind ``<use>`` 2.1 GB; a 4096x4096 canvas at ``?dpr=2``
1.9 GB; a self-referencing mask a 500 ``internal_error`` on every card with ``/readyz`` OK.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
import typing as t
from pathlib import Path

import pytest

import og
import og.template.store
import og.web
from og.errors import TemplateError
from og.template.fill import fill
from og.template.store import TemplateStore

from ..conftest import ROOT
from ..conftest import settings_for

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:og="https://og.example.com/ns" width="{w}" height="{h}">')
TEXT = '<text x="20" y="60" style="font-size:40px;font-family:Inter">{body}</text>'


def svg(body: str = "", text: str = "{{ title }}", w: str = "400", h: str = "200") -> str:
    return HEAD.format(w=w, h=h) + body + TEXT.format(body=text) + "</svg>"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


INNER_SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'><rect width='9' height='9'/></svg>"
MASKS = "".join(f'<mask id="m{n}"><rect width="9" height="9" fill="white" mask="url(#m{n + 1})"/></mask>'
                for n in range(200)) + '<mask id="m200"><rect width="9" height="9" fill="white"/></mask>'

#: name → (template, words its load error says): each refused when it loads.
REFUSED_AT_LOAD = {
    "mask-self": (svg('<mask id="m"><rect width="9" height="9" fill="white" mask="url(#m)"/></mask>'
                      '<rect width="9" height="9" mask="url(#m)"/>'), "points at itself"),
    "mask-chain": (svg(MASKS + '<rect width="9" height="9" mask="url(#m0)"/>'), "chain more than"),
    "clip-cycle-by-class": (svg('<style>.c { clip-path: url(#a) }</style><clipPath id="a">'
                                '<rect class="c" width="9" height="9"/></clipPath>'
                                '<rect width="9" height="9" clip-path="url(#a)"/>'), "points at itself"),
    "filter-cycle": (svg('<filter id="f"><feImage xlink:href="#g"/></filter>'
                         '<g id="g" filter="url(#f)"><rect width="9" height="9"/></g>'), "points at itself"),
    "gradient-loop": (svg('<linearGradient id="a" xlink:href="#b"/><linearGradient id="b" xlink:href="#a"/>'
                          '<rect width="9" height="9" fill="url(#a)"/>'), "points at itself"),
    "pattern-tile": (svg('<pattern id="p" patternUnits="userSpaceOnUse" width="30000" height="30000">'
                         '<rect width="9" height="9"/></pattern>'
                         '<rect width="400" height="200" fill="url(#p)"/>'),
                     "tile"),
    "pattern-tile-scaled": (svg('<pattern id="p" patternUnits="userSpaceOnUse" width="300" height="300" '
                                'patternTransform="scale(100)"><rect width="9" height="9"/></pattern>'
                                '<rect width="400" height="200" style="fill:url(#p)"/>'), "tile"),
    "pattern-tile-bbox": (svg('<pattern id="p" width="1" height="1"><rect width="9" height="9"/></pattern>'
                              '<rect width="30000" height="30000" fill="url(#p)"/>'), "tile"),
    "dash-circle": (svg('<circle cx="0" cy="0" r="1e9" style="fill:none;stroke:#000;stroke-dasharray:0.5"/>'),
                    "dashes"),
    "dash-by-class": (svg('<style>.d { stroke-dasharray: 1 1 }</style>'
                          '<path class="d" stroke="#000" d="M0 0 L1e8 0"/>'), "dashes"),
    "dash-after-compact-arc": (svg('<path stroke="#000" stroke-dasharray="1" '
                                   'd="M0 0 a5 5 0 0010 0 L1e9 0"/>'), "dashes"),
    "dash-inherited": (svg('<g stroke="#000" stroke-dasharray="0.1"><rect width="1e6" height="1e6"/></g>'),
                       "dashes"),
    "dash-used": (svg('<defs><path id="p" stroke="#000" d="M0 0 H1000" '
                      'style="stroke-dasharray:0.001"/></defs>'
                      + '<use xlink:href="#p"/>' * 20), "dashes"),
    "dash-text": (svg(text="{{ title }}").replace('style="', 'style="stroke:#000;stroke-dasharray:0.01;'),
                  "dashes"),
    "markers": (svg('<marker id="k">' + '<circle r="1"/>' * 5 + '</marker><polyline stroke="#000" '
                    'marker-mid="url(#k)" points="' + " ".join(f"{n % 400},{n % 200}" for n in range(10_000))
                    + '"/>'), "markers"),
    "use-data-svg": (svg(f'<use xlink:href="data:image/svg+xml;base64,{_b64(INNER_SVG)}"/>'), "data: URI"),
    "use-other-file": (svg('<use xlink:href="other.svg#x"/>'), "only point at #id"),
    "pattern-href-data": (svg(f'<pattern id="p" width="9" height="9" xlink:href="data:image/svg+xml;base64,'
                              f'{_b64(INNER_SVG)}"/><rect width="9" height="9" fill="url(#p)"/>'),
                          "data: URI"),
    "feimage-data-svg": (svg('<filter id="f"><feImage xlink:href="data:image/svg+xml;base64,'
                             f'{_b64(INNER_SVG)}"/></filter><rect width="9" height="9" filter="url(#f)"/>'),
                         "PNG, JPEG, WebP or GIF"),
    "css-url-data-svg": (svg(f'<rect width="9" height="9" style="fill:url(data:image/svg+xml;base64,'
                             f'{_b64(INNER_SVG)})"/>'), "would load"),
    "css-import": (svg('<style>@import url(http://evil.example/a.css);</style>'), "@import"),
    "css-import-escaped": (svg('<style>@\\69mport "http://evil.example/a.css";</style>'), "@import"),
    "css-url-escaped": (svg('<style>rect { fill: u\\72l(http://evil.example/p) }</style>'),
                        "url(http://evil.example/p)"),
    "css-url-attribute": (svg('<rect width="9" height="9" fill="url(https://evil.example/p)"/>'),
                          "would load"),
}

#: name → (template, words of the error): placeholders whose own logic would build gigabytes;
#: a template error at render time, before anything large is allocated.
JINJA_BOMBS = {
    "indent-constant": (svg(text='{{ ("a\\nb" | indent(1500000000))[:3] }}'), "'indent' filter"),
    "center-constant": (svg(text='{{ ("a" | center(700000000))[:3] }}'), "'center' filter"),
    "replace-by-itself": (svg(text='{% set s = "x" * 50000 %}{{ (s | replace("x", s))[:3] }}'),
                          "'replace' filter"),
    "batch": (svg(text="{{ ([1] | batch(300000000, 0) | list)[:1] }}"), "'batch' filter"),
    "slice": (svg(text="{{ ([1] | slice(300000000) | list)[:1] }}"), "'slice' filter"),
    "format-width": (svg(text='{{ "%900000000s" | format(title) }}'), "width"),
    "percent-width": (svg(text='{{ ("%900000000s" % title)[:3] }}'), "width"),
    "str-method": (svg(text='{{ title.ljust(900000000)[:2] }}'), "unsafe"),
    "str-format": (svg(text='{{ "{:>900000000}".format(title)[:2] }}'), "unsafe"),
    "macro-doubling": (svg(text='{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f("x") }}'), "grew past"),
    "set-block": (svg(text='{% set s = "x" * 100000 %}{% set b %}{% for i in range(1000) %}{{ s }}'
                           '{% endfor %}{% endset %}{{ b[:2] }}'), "grew past"),
    "join": (svg(text='{% set s = "x" * 100000 %}{{ (range(100) | join(s))[:2] }}'), "'join' filter"),
    "print-list": (svg(text='{% set s = "x" * 100000 %}{{ [s] * 100000 }}'), "would print"),
    "string-list": (svg(text='{% set s = "x" * 100000 %}{{ ([s] * 100000) | string | length }}'),
                    "'string' filter"),
    "sum-lists": (svg(text="{% set a = [1] * 100000 %}{{ ([a] * 100) | sum(start=[]) | length }}"),
                  "'sum' filter"),
    "urlize": (svg(text='{% set s = "x" * 100000 %}{{ (("a.co " * 20000) | urlize(target=s))[:2] }}'),
               "'urlize' filter"),
    "list-plus": (svg(text="{% set a = [1] * 100000 %}{{ (a + a) | length }}"), "'+'"),
    "big-integer": (svg(text="{% set a = 2 ** 64 %}{% set b = a * a %}{% set c = b * b %}{% set d = c * c %}"
                             "{% set e = d * d %}{% set f = e * e %}{% set g = f * f %}{{ g * g > 1 }}"),
                    "bits"),
}


REWRITES = 150
READS = 1_500
SERVER_READS = 200


def _rewrite_in_place(path: Path, versions: t.Sequence[bytes], stop: threading.Event,
                      times: int = 0) -> int:
    """Truncate and write the file again and again (``times``, else :data:`REWRITES` or until
    ``stop``), in two pieces, as an editor or ``cp`` does."""
    done = 0
    while not stop.is_set() and done < (times or REWRITES):
        data = versions[done % len(versions)]
        with open(path, "r+b") as file:
            file.truncate(0)
            file.flush()
            time.sleep(0.0005)
            file.write(data[: len(data) // 2])
            file.flush()
            time.sleep(0.0005)
            file.write(data[len(data) // 2:])
        done += 1
        time.sleep(0.001)
    return done


def _folder(tmp_path: Path, templates: t.Mapping[str, str]) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "fine.svg").write_text(svg())
    for name, text in templates.items():
        (folder / f"{name}.svg").write_text(text)
    return folder


@pytest.fixture
def bombs(tmp_path: Path, fonts: t.Any) -> tuple[og.Renderer, t.Any]:
    templates = {name: text for name, (text, _) in {**REFUSED_AT_LOAD, **JINJA_BOMBS}.items()}
    templates["huge-canvas"] = svg(w="4096", h="4096")
    settings = dataclasses.replace(settings_for(_folder(tmp_path, templates)), render_timeout=2.0)
    renderer = og.Renderer(settings, fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()


@pytest.mark.parametrize("name", sorted(REFUSED_AT_LOAD))
def test_costly_templates_are_refused_when_they_load(bombs: t.Any, name: str) -> None:
    renderer, client = bombs
    with pytest.raises(TemplateError) as error:
        renderer.templates.get(name)
    assert REFUSED_AT_LOAD[name][1] in error.value.message, error.value.message
    response = client.get(f"/{name}.png?title=x")
    assert response.status_code == 500 and response.get_json()["error"] == "template_error"
    problems = client.get("/readyz").get_json()["problems"]
    words = REFUSED_AT_LOAD[name][1]
    assert any(f"template {name!r}" in problem and words in problem for problem in problems), problems
    assert client.get("/fine.png?title=still%20serving").status_code == 200


@pytest.mark.parametrize("name", sorted(JINJA_BOMBS))
def test_placeholders_that_would_build_gigabytes_are_template_errors(bombs: t.Any, name: str) -> None:
    renderer, client = bombs
    template = renderer.templates.get(name)  # loads: nothing is evaluated at compile time
    with pytest.raises(TemplateError) as error:
        fill(template, {"title": "x"})
    assert JINJA_BOMBS[name][1] in error.value.message, error.value.message
    response = client.get(f"/{name}.png" + ("?title=x" if "title" in template.params else ""))
    assert response.status_code == 500 and response.get_json()["error"] == "template_error"
    assert client.get("/fine.png?title=still%20serving").status_code == 200


def test_canvas_times_dpr_squared_stays_within_the_pixel_budget(bombs: t.Any) -> None:
    renderer, client = bombs
    response = client.get("/huge-canvas.png?dpr=2")
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_parameter" and response.get_json()["max"] == 1
    assert client.get("/fine.png?dpr=2").status_code == 200  # 400x200 at 2x: well within


MEASURE = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a regression fails here, not the machine
from og.errors import TemplateError
from og.template.fill import fill
from og.template.store import TemplateStore
store = TemplateStore(sys.argv[1])
names = sys.argv[2:]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.process_time()
outcomes = {}
for name in names:
    try:
        outcomes[name] = fill(store.get(name), {"title": "x"}) is not None and "rendered"
    except TemplateError as error:
        outcomes[name] = "template error" if "MemoryError" not in error.message else error.message
print(json.dumps({"outcomes": outcomes, "cpu_s": time.process_time() - started,
                  "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
"""


def test_loading_and_filling_every_bomb_stays_small_and_quick(tmp_path: Path) -> None:
    """In a fresh process, as a worker or ``og check`` would: every bomb above loads (or is
    refused) and fills (or fails) with the process's peak memory growing by a few megabytes."""
    templates = {name: text for name, (text, _) in {**REFUSED_AT_LOAD, **JINJA_BOMBS}.items()}
    folder = _folder(tmp_path, templates)
    result = subprocess.run([sys.executable, "-c", MEASURE, str(folder), *templates], capture_output=True,
                            text=True, timeout=120, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout)
    assert set(measured["outcomes"].values()) == {"template error"}, measured["outcomes"]
    assert measured["grew_mb"] < 100, measured
    assert measured["cpu_s"] < 30, measured  # a bound far above what it takes, far below one bomb


def test_og_check_names_the_limit(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"mask-self": REFUSED_AT_LOAD["mask-self"][0],
                                "css-import-escaped": REFUSED_AT_LOAD["css-import-escaped"][0]})
    (folder / "huge-canvas.svg").write_text(svg(w="4096", h="4096"))
    result = subprocess.run([sys.executable, "-m", "og", "check", str(folder / "mask-self.svg"),
                             str(folder / "css-import-escaped.svg"), str(folder / "huge-canvas.svg")],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert result.returncode != 0
    out = result.stdout
    assert "points at itself" in out and "@import" in out and "?dpr= goes up to 1 " in out, result.stderr


def test_text_that_only_looks_like_css_is_not_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"labels": svg(
        '<g id="g" aria-label="@import url(http://x)" '
        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        'inkscape:label="url(https://example.com) @import"><rect width="9" height="9"/></g>',
        text="@import url(http://example.com) {{ title }}")})
    assert TemplateStore(folder).get("labels").params["title"]


def test_bundled_templates_are_within_every_limit() -> None:
    store = TemplateStore(ROOT / "svg_templates")
    assert [item for item in store.all() if isinstance(item, Exception)] == []


def test_a_dash_pattern_of_ordinary_size_still_draws(fonts: t.Any, tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"dashed": svg(
        '<style>.d { stroke-dasharray: 4 2 }</style><circle class="d" cx="200" cy="100" r="80" '
        'style="fill:none;stroke:#000;stroke-width:3"/><polyline points="0,0 10,10 20,0" stroke="#000" '
        'marker-mid="url(#k)"/><marker id="k"><circle r="1"/></marker>')})
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    assert renderer.render("dashed", {"title": "x"})[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_template_in_the_server_world_is_a_template_error_and_no_worker_dies(tmp_path: Path) -> None:
    """The real server (gunicorn with gunicorn.conf.py: preload, fork, gevent): /readyz names the
    broken templates, their cards answer 500 template_error at once, and no worker is replaced."""
    from bench.server import GunicornServer

    broken = ("mask-self", "mask-chain", "css-import-escaped", "dash-circle", "use-data-svg")
    folder = _folder(tmp_path, {**{name: REFUSED_AT_LOAD[name][0] for name in broken},
                                "indent-constant": JINJA_BOMBS["indent-constant"][0]})
    log = tmp_path / "gunicorn.log"
    with GunicornServer(env={"OG_TEMPLATES_DIR": str(folder), "WEB_CONCURRENCY": "2"}, log_path=log) as server:
        workers = server.wait_for_workers(2)
        status, _, body = server.get("/readyz", timeout=20)
        problems = json.loads(body)["problems"]
        assert status == 503
        for name in broken:
            assert any(f"template {name!r}" in problem for problem in problems), (name, problems)
        for name in (*broken, "indent-constant"):
            status, headers, body = server.get(f"/{name}.png", timeout=20)
            assert status == 500 and json.loads(body)["error"] == "template_error", (name, body[:200])
        assert server.get("/fine.png?title=fine", timeout=20)[0] == 200
        # A template rewritten in place (saved again and again, truncated then written) while it
        # serves: its last good version answers meanwhile. (Two *different* versions alternating
        # every millisecond may also get a 503 with Retry-After: the render process then holds
        # another version than the web worker planned with, and renders neither.)
        live = folder / "live.svg"
        versions = [svg(text='{{ title | default("one") }}').encode()]
        live.write_bytes(versions[0])
        assert server.get("/live.json", timeout=20)[0] == 200
        stop = threading.Event()
        writer = threading.Thread(target=_rewrite_in_place, args=(live, versions, stop))
        writer.start()
        try:
            answers = [server.get("/live.json", timeout=20) for _ in range(SERVER_READS)]
            statuses = [answer[0] for answer in answers]
        finally:
            stop.set()
            writer.join(30)
        assert set(statuses) == {200}, ({status: statuses.count(status) for status in set(statuses)},
                                        [line[:300] for line in log.read_text().splitlines()
                                         if "live" in line and "og.access" not in line][-12:])
        # and a real change is served once saved
        _rewrite_in_place(live, [svg(text='{{ title | default("two") }}').encode()], threading.Event(), times=1)
        deadline = time.monotonic() + 10
        while b"two" not in server.get("/live.json", timeout=20)[2] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert b"two" in server.get("/live.json", timeout=20)[2]
        assert server.worker_pids() == workers
    assert "WORKER TIMEOUT" not in log.read_text(errors="replace")


def test_the_sanitiser_decodes_css_escapes_and_drops_foreign_elements() -> None:
    from lxml import etree

    from og.svg.sanitise import sanitise

    root = etree.fromstring(textwrap.dedent("""\
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:html="http://www.w3.org/1999/xhtml">
          <style>@\\69mport "http://evil.example/a.css";
          rect { fill: u\\72l(http://evil.example/p); stroke: red }
          circle { fill: url(#g) }</style>
          <rect width="1" height="1" style="fill:U\\52 L(http://evil.example/q);stroke:blue"/>
          <rect width="1" height="1" fill="u\\72l(http://evil.example/r)"/>
          <html:img src="http://evil.example/i.png"/>
          <html:form action="javascript:alert(1)"><html:input/></html:form>
          <html:meta http-equiv="refresh" content="0;url=http://evil.example/"/>
          <circle r="1"/>
        </svg>"""))
    sanitise(root)
    text = etree.tostring(root).decode()
    for bad in ("evil.example", "html:", "javascript", "refresh", "import"):
        assert bad not in text, (bad, text)
    assert "url(#g)" in text and "stroke:red" in text and "stroke:blue" in text and "<circle" in text


def test_og_build_svg_files_are_sanitised(tmp_path: Path) -> None:
    """``og build --format svg`` writes files served with no CSP: they hold nothing that runs or loads."""
    folder = _folder(tmp_path, {"foreign": svg(
        '<html:img xmlns:html="http://www.w3.org/1999/xhtml" src="http://evil.example/i.png"/>'
        '<html:form xmlns:html="http://www.w3.org/1999/xhtml" action="javascript:alert(1)"/>'
        '<html:meta xmlns:html="http://www.w3.org/1999/xhtml" http-equiv="refresh" content="0;url=x"/>'
        '<script>alert(1)</script><rect width="9" height="9" onclick="alert(2)"/>')})
    data = tmp_path / "rows.csv"
    data.write_text("title\nHello\n")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "og", "build", "foreign", str(data), "--out", str(out),
                             "--format", "svg", "--workers", "1"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT, env={**os.environ, "OG_TEMPLATES_DIR": str(folder)},
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    written = [path for path in out.iterdir() if path.suffix == ".svg"]
    assert len(written) == 1
    text = written[0].read_text()
    for bad in ("evil.example", "javascript", "refresh", "<script", "onclick", "xhtml"):
        assert bad not in text, (bad, text[:500])
    assert "<rect" in text


def test_a_template_rewritten_in_place_keeps_serving_its_last_good_version(tmp_path: Path,
                                                                           fonts: t.Any) -> None:
    versions = [svg(text=f'{{{{ title | default("{word}") }}}}').encode() for word in ("one", "two")]
    folder = _folder(tmp_path, {})
    path = folder / "live.svg"
    path.write_bytes(versions[0])
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()
    assert client.get("/live.json").status_code == 200
    stop = threading.Event()
    writes: list[int] = []
    writer = threading.Thread(target=lambda: writes.append(_rewrite_in_place(path, versions, stop)))
    writer.start()
    statuses: dict[int, int] = {}
    defaults = set()
    try:
        for number in range(READS):
            if number % 10 == 0:  # a few whole answers through the app; the store's answer for the rest
                status = client.get("/live.json").status_code
                statuses[status] = statuses.get(status, 0) + 1
            defaults.add(renderer.templates.get("live").params["title"].default)
            if not writer.is_alive():
                break
    finally:
        stop.set()
        writer.join(30)
    assert writes and writes[0] > 10, writes
    assert set(statuses) == {200}, statuses
    assert defaults <= {"one", "two"}
    path.write_bytes(versions[1])  # once the file is whole again, the new version serves
    assert renderer.templates.get("live").params["title"].default == "two"
    assert client.get("/readyz").status_code == 200


def test_a_file_that_never_parses_again_is_named_by_readiness(tmp_path: Path, fonts: t.Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path, {})
    path = folder / "live.svg"
    path.write_text(svg())
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()
    assert client.get("/live.json?title=a").status_code == 200
    path.write_text(svg()[:100])  # cut short, and left so
    assert client.get("/live.json?title=b").status_code == 200  # the last good version
    assert client.get("/readyz").status_code == 200  # within the grace of a rewrite
    monkeypatch.setattr(og.template.store, "REWRITE_GRACE_S", 0.0)
    problems = client.get("/readyz").get_json()["problems"]
    assert any("'live'" in problem and "last good version" in problem for problem in problems), problems
    assert client.get("/live.json?title=c").status_code == 200
