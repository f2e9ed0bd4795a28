"""The preview studio's server side: off by default, its card API (signed URLs, meta tags), its
``og check`` route and its live-reload event stream. The page itself: ``test_studio_browser.py``."""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import time
import typing as t
import urllib.parse
from pathlib import Path

import lxml.html
import pytest
from PIL import Image

import og
import og.web
from og.config import Settings
from og.http.events import template_events
from og.http.events import template_stamps
from og.http.meta import alt_text
from og.template.store import TemplateStore

from ..conftest import FONTS_DIR
from ..conftest import TEMPLATES
from ..conftest import settings_for

KEY = "studio-test-key-0123456789"


@pytest.fixture
def studio(renderer: og.Renderer) -> t.Any:
    return og.web.create_app({"OG_RENDERER": renderer, "TESTING": True, "OG_STUDIO": True}).test_client()


def _meta(html: str) -> dict[str, str]:
    """The tags as ``{property or name: content}``, read by an HTML parser as a browser would."""
    tags = lxml.html.fragment_fromstring(html, create_parent="head").findall("meta")
    return {tag.get("property") or tag.get("name"): tag.get("content") for tag in tags}


def _pixels(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def test_off_by_default(client: t.Any) -> None:
    studio_paths = ("/", "/studio/t/card", "/studio/api/check/card", "/studio/events",
                    "/studio/static/studio.js")
    for path in studio_paths:
        with client.get(path) as response:
            assert response.status_code == 404, path
    assert client.get("/card.png").status_code == 200  # the cards themselves are untouched


@pytest.mark.parametrize(("env", "on"), [({"OG_STUDIO": "1"}, True), ({"OG_STUDIO": "true"}, True),
                                         ({"OG_STUDIO": "0"}, False), ({}, False)])
def test_the_setting(env: dict[str, str], on: bool) -> None:
    assert Settings.from_env(env).studio is on


def test_on_with_the_setting_or_debug(renderer: og.Renderer, tmp_path: Path) -> None:
    settings = Settings(templates_dir=renderer.settings.templates_dir, fonts_dir=FONTS_DIR, studio=True)
    app = og.web.create_app({"OG_SETTINGS": settings})
    assert app.test_client().get("/").status_code == 200
    os.environ["FLASK_DEBUG"] = "1"  # restored by the autouse fixture
    debug = og.web.create_app({"OG_RENDERER": renderer})
    assert debug.test_client().get("/").status_code == 200


def test_pages_and_static_files(studio: t.Any) -> None:
    index = studio.get("/")
    assert index.status_code == 200 and index.mimetype == "text/html"
    page = lxml.html.fromstring(index.data)
    assert page.get_element_by_id("gallery") is not None
    scripts = [node.get("src") for node in page.iter("script")]
    styles = [node.get("href") for node in page.iter("link") if node.get("rel") == "stylesheet"]
    assert scripts == ["/studio/static/studio.js"] and styles == ["/studio/static/studio.css"]
    for url in (*scripts, *styles):
        with studio.get(url) as response:  # a file response: closed, or its file would be left open
            assert response.status_code == 200 and response.data
    card = lxml.html.fromstring(studio.get("/studio/t/card").data)
    assert card.find("body").get("data-template") == "card"
    assert card.get_element_by_id("preview") is not None


def test_the_page_loads_nothing_from_elsewhere(studio: t.Any) -> None:
    """No CDN: every URL the HTML and CSS name is this server's (or data:)."""
    for path in ("/", "/studio/t/card"):
        page = lxml.html.fromstring(studio.get(path).data)
        for node in page.iter():
            for attribute in ("src", "href"):
                value = node.get(attribute)
                if value:
                    assert value.startswith(("/", "data:")), value
    with studio.get("/studio/static/studio.css") as css:
        assert "url(" not in css.get_data(as_text=True)


def test_an_unknown_template_page_is_404(studio: t.Any) -> None:
    response = studio.get("/studio/t/nope")
    assert response.status_code == 404
    assert response.get_json()["error"] == "template_not_found"


def test_card_api_gives_urls_and_meta_tags(studio: t.Any) -> None:
    response = studio.get("/studio/api/card/card", query_string={"title": "Tom & \"Jerry\" <3"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert (body["width"], body["height"], body["signed"]) == (1200, 630, False)
    assert body["png"] == "/card.png?title=Tom%20%26%20%22Jerry%22%20%3C3"
    tags = _meta(body["meta"])
    # What to publish is the versioned URL (served immutable); the preview is not.
    assert tags["og:image"] == tags["twitter:image"]
    published = urllib.parse.urlsplit(tags["og:image"])
    assert published.path == "/card.png" and "v=" in published.query and "v=" not in body["png"]
    assert [tags[f"og:image:{key}"] for key in ("width", "height", "type")] == ["1200", "630", "image/png"]
    assert tags["twitter:card"] == "summary_large_image"
    assert 'Tom &amp; &quot;Jerry&quot; &lt;3' in body["meta"]  # escaped in the text, exact once parsed
    assert "Tom & \"Jerry\" <3" in tags["og:image:alt"] and tags["og:image:alt"] == body["alt"]
    assert {limit["platform"]: limit["bytes"] for limit in body["limits"]} == {
        "Facebook": 8_000_000, "X": 5_000_000, "LinkedIn": 5_000_000, "Mastodon": 2_000_000,
        "Bluesky": 1_000_000, "WhatsApp": 300_000}
    card = studio.get(body["png"])
    assert card.status_code == 200 and _pixels(card.data).size == (1200, 630)
    assert studio.get(body["json"]).get_json()["params"]["title"] == "Tom & \"Jerry\" <3"


def test_card_api_leaves_defaults_out_of_the_url(studio: t.Any) -> None:
    body = studio.get("/studio/api/card/card").get_json()
    assert body["png"] == "/card.png"
    assert body["alt"].startswith("A fixture title for og tests")


def test_alt_text_is_what_the_card_shows() -> None:
    report = {"template": "x", "texts": [{"lines": [{"text": "Two  lines"}, {"text": "of title…"}]},
                                         {"lines": []}, {"lines": [{"text": "Jane"}]}]}
    assert alt_text(report) == "Two lines of title… — Jane"
    assert alt_text({"template": "x", "texts": []}) == "x"
    assert len(alt_text({"template": "x", "texts": [{"lines": [{"text": "a " * 400}]}]})) == 420


@pytest.mark.parametrize(("query", "error"), [({"title": "x" * 401}, "bad_parameter"),
                                              ({"nope": "1"}, "bad_parameter")])
def test_card_api_checks_values_like_a_card(studio: t.Any, query: dict[str, str], error: str) -> None:
    response = studio.get("/studio/api/card/card", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"] == error


def test_card_api_signs_when_og_has_keys(fonts: t.Any, tmp_path: Path) -> None:
    settings = Settings(templates_dir=settings_for(tmp_path).templates_dir, fonts_dir=FONTS_DIR, secret=KEY)
    shutil.copy(Path(__file__).resolve().parent.parent / "data" / "templates" / "card.svg", tmp_path)
    renderer = og.Renderer(settings, fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True}).test_client()
    body = client.get("/studio/api/card/card", query_string={"title": "Signed"}).get_json()
    assert body["signed"] is True
    assert body["png"] == og.image_url("card", secret=KEY, title="Signed")
    published = _meta(body["meta"])["og:image"]
    assert published.startswith("http://localhost/card.png?title=Signed&v=") and "&s=" in published
    assert client.get(published.removeprefix("http://localhost")).status_code == 200, "it verifies"
    assert client.get(body["png"]).status_code == 200
    assert client.get(body["json"]).status_code == 200
    assert client.get(body["png"].replace("Signed", "Forged")).status_code == 403


def test_check_api(studio: t.Any, tmp_templates: Path, fonts: t.Any) -> None:
    body = studio.get("/studio/api/check/card").get_json()
    assert body["name"] == "card" and body["errors"] is False
    messages = [finding["message"] for finding in body["findings"]]
    assert any("placeholder {{ title }}" in message for message in messages)
    assert {finding["level"] for finding in body["findings"]} <= {"error", "warning", "info"}
    assert any(finding["element_id"] == "title" and finding["line"] > 0 for finding in body["findings"])
    broken_svg = ("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                  "<image href='https://example.com/logo.png' width='5' height='5'/></svg>")
    (tmp_templates / "broken.svg").write_text(broken_svg)
    renderer = og.Renderer(settings_for(tmp_templates), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True}).test_client()
    broken = client.get("/studio/api/check/broken").get_json()
    assert broken["errors"] is True
    assert any(f["level"] == "error" and "external reference" in f["message"] for f in broken["findings"])
    assert client.get("/studio/api/check/nope").status_code == 404


def _events(stream: t.Iterable[str]) -> list[tuple[str, t.Any]]:
    found = []
    for chunk in stream:
        lines = [line for line in chunk.splitlines() if line.startswith(("event", "data"))]
        fields = dict(line.split(": ", 1) for line in lines)
        if "event" in fields:
            found.append((fields["event"], json.loads(fields["data"])))
    return found


def test_events_follow_saves_additions_and_removals(tmp_templates: Path) -> None:
    """A fake clock: the stream is driven step by step, a file changing between polls."""
    store = TemplateStore(tmp_templates)
    now = [0.0]
    edits = iter([
        lambda: (tmp_templates / "card.svg").write_text((tmp_templates / "card.svg").read_text() + "\n"),
        lambda: None,
        lambda: shutil.copy(tmp_templates / "card.svg", tmp_templates / "added.svg"),
        lambda: (tmp_templates / "narrow.svg").unlink(),
    ])

    def sleep(seconds: float) -> None:
        now[0] += seconds
        next(edits, lambda: None)()

    stream = template_events(store, poll_seconds=1.0, lifetime_seconds=4.0, clock=lambda: now[0], sleep=sleep)
    first = next(stream)
    assert first.startswith("retry: 1000\n")
    events = _events([first, *stream])
    assert events[0][0] == "stamps"
    assert set(events[0][1]) == {path.stem for path in TEMPLATES.glob("*.svg")}
    kinds = [(kind, data.get("name")) for kind, data in events[1:]]
    assert kinds == [("change", "card"), ("change", "added"), ("removed", "narrow"), ("bye", None)]
    assert events[1][1]["stamp"] != events[0][1]["card"]


def test_stamps_change_with_the_file(tmp_templates: Path) -> None:
    store = TemplateStore(tmp_templates)
    before = template_stamps(store)
    (tmp_templates / "card.svg").write_text((tmp_templates / "card.svg").read_text() + " ")
    after = template_stamps(store)
    assert before.keys() == after.keys() and before["card"] != after["card"]
    assert {name: stamp for name, stamp in before.items() if name != "card"} == \
        {name: stamp for name, stamp in after.items() if name != "card"}


def test_events_over_http(renderer: og.Renderer) -> None:
    app = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True, "OG_STUDIO_EVENTS_SECONDS": 0.2,
                             "OG_STUDIO_POLL_SECONDS": 0.05})
    response = app.test_client().get("/studio/events")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-store"
    events = _events(response.get_data(as_text=True).split("\n\n"))
    assert [kind for kind, _ in events] == ["stamps", "bye"]
    assert set(events[0][1]) == set(renderer.templates.names())


def test_event_streams_are_bounded_per_worker(renderer: og.Renderer) -> None:
    """Over the bound a stream is refused with 503 and Retry-After; a closed stream frees its slot."""
    app = og.web.create_app({"OG_RENDERER": renderer, "OG_STUDIO": True, "OG_STUDIO_STREAMS": 2,
                             "OG_STUDIO_POLL_SECONDS": 0.01, "OG_STUDIO_EVENTS_SECONDS": 60})
    client = app.test_client()
    first, second = (client.get("/studio/events", buffered=False) for _ in range(2))
    assert (first.status_code, second.status_code) == (200, 200)
    refused = client.get("/studio/events")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5" and refused.headers["Cache-Control"] == "no-store"
    assert refused.get_json()["error"] == "too_many_streams"
    first.close()
    third = client.get("/studio/events", buffered=False)
    assert third.status_code == 200
    assert next(iter(third.response)).startswith(b"retry: ")
    second.close()
    third.close()


def test_events_sleep_as_time_sleep_is_when_they_run(tmp_templates: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """gevent patches ``time.sleep`` after gunicorn imports a preloaded app: the stream must use
    the patched one, not the one there was at import."""
    slept: list[float] = []
    this_thread, sleep = threading.get_ident(), time.sleep

    def recorded(seconds: float) -> None:  # another test's thread still running sleeps for real
        if threading.get_ident() == this_thread:
            slept.append(seconds)
        else:
            sleep(seconds)

    monkeypatch.setattr("time.sleep", recorded)
    stream = template_events(TemplateStore(tmp_templates), poll_seconds=0.25, lifetime_seconds=0.5,
                             clock=iter([0.0, 0.0, 0.0, 1.0, 1.0]).__next__)
    list(stream)
    assert slept == [0.25]
