"""The HTTP core alone, no framework and no server: a Request value in, an Answer value out."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

import og
from og.http import HttpCore
from og.http import Request
from og.http.messages import accept_quality
from og.http.messages import etag_matches

from ..conftest import settings_for


@pytest.fixture
def core(tmp_templates: t.Any, fonts: t.Any) -> HttpCore:
    return HttpCore(og.Renderer(settings_for(tmp_templates), fonts=fonts), keys=())


def ask(core: HttpCore, method: str, target: str, **headers: str) -> t.Any:
    path, _, query = target.partition("?")
    return core.handle(Request.make(method, path, query, headers.items(), "https://site.example/og/"))


def test_head_and_304_answer_from_the_plan_without_rendering(core: HttpCore) -> None:
    head = ask(core, "HEAD", "/card.svg?title=A")
    assert head.status == 200 and head.body == b"" and head.header("Content-Length") is None
    assert head.header("Content-Security-Policy") and head.header("Content-Type") == "image/svg+xml"
    etag = head.header("ETag")
    assert ask(core, "GET", "/card.svg?title=A", **{"If-None-Match": f'W/{etag}'}).status == 304
    assert core.renderer.renders == 0
    full = ask(core, "GET", "/card.svg?title=A")
    assert full.status == 200 and full.header("ETag") == etag and core.renderer.renders == 1
    assert full.header("Content-Length") == str(len(full.body))
    assert full.header("Server-Timing").startswith("layout;dur=")
    assert ask(core, "GET", "/card.svg?title=A").header("Server-Timing") == 'cache;desc="stored card"'


def test_every_answer_says_nosniff_and_errors_are_not_stored(core: HttpCore) -> None:
    for target in ("/healthz", "/templates", "/card.png?colour=red", "/nope", "/a/b.png"):
        answer = ask(core, "GET", target)
        assert answer.header("X-Content-Type-Options") == "nosniff", target
        if answer.status >= 400:
            assert answer.header("Cache-Control") == "no-store", target


@pytest.mark.parametrize(("headers", "image"), [
    ({}, False),
    ({"User-Agent": "Twitterbot/1.0"}, True),
    ({"Accept": "image/avif,image/webp,image/*,*/*;q=0.8"}, True),
    ({"Accept": "application/json"}, False),
    ({"Accept": "*/*"}, False),
])
def test_image_clients_get_an_error_card(core: HttpCore, headers: dict[str, str], image: bool) -> None:
    answer = ask(core, "GET", "/card.png?colour=red", **headers)
    assert answer.status == 400
    assert answer.header("Content-Type") == ("image/png" if image else "application/json")
    assert answer.body.startswith(b"\x89PNG") is image


def test_the_studio_api_is_there_only_when_asked_for(core: HttpCore) -> None:
    assert ask(core, "GET", "/studio/api/check/card").status == 404
    studio = HttpCore(core.renderer, keys=(), studio=True)
    answer = ask(studio, "GET", "/studio/api/card/card?title=Hi")
    assert answer.status == 200
    assert b'"image_url":"https://site.example/og/card.png?title=Hi&v=' in answer.body


def test_metrics_exist_for_the_token_only(tmp_templates: t.Any, fonts: t.Any) -> None:
    settings = dataclasses.replace(settings_for(tmp_templates), metrics_token="t0ken")
    core = HttpCore(og.Renderer(settings, fonts=fonts))
    assert ask(core, "GET", "/metrics").status == 404
    assert ask(core, "GET", "/metrics", Authorization="Bearer nope").status == 404
    ask(core, "GET", "/healthz")
    answer = ask(core, "GET", "/metrics", Authorization="Bearer t0ken")
    assert answer.status == 200 and b"og_cards" in answer.body


def test_the_query_is_read_one_way() -> None:
    request = Request.make("GET", "/card.png", b"t=a+b%20c&t=%ZZ&x=caf\xc3\xa9&empty=", (), "http://h/")
    assert request.pairs == [("t", "a b c"), ("t", "%ZZ"), ("x", "café"), ("empty", "")]
    assert request.arg("t") == "a b c" and request.arg("missing") is None
    headers = Request.make("get", "", "", [("X-A", "1"), ("x-a", "2")], "http://h/")
    assert (headers.method, headers.path, headers.header("X-A")) == ("GET", "/", "1, 2")


@pytest.mark.parametrize(("header", "matches"), [
    ('"k"', True), ('W/"k"', True), ('"x", "k"', True), ("*", True),
    ('"kk"', False), ('"k', False), ("k", False), ("", False),
])
def test_if_none_match_is_a_list_of_tags(header: str, matches: bool) -> None:
    assert etag_matches(header, "k") is matches


def test_accept_quality_takes_the_best_match() -> None:
    assert accept_quality("image/png;q=0.5, image/*;q=0.9", "image/png") == 0.9
    assert accept_quality("text/html", "image/png") == 0.0
    assert accept_quality("image/png;q=nonsense", "image/png") == 0.0


def test_an_event_stream_gives_its_slot_back_when_closed(core: HttpCore) -> None:
    studio = HttpCore(core.renderer, keys=(), studio=True, studio_streams=1, studio_lifetime_s=60)
    assert ask(studio, "HEAD", "/studio/events").status == 200  # takes no slot
    first = ask(studio, "GET", "/studio/events")
    assert first.status == 200 and next(first.stream).startswith(b"retry: ")
    busy = ask(studio, "GET", "/studio/events")
    assert (busy.status, busy.header("Retry-After")) == (503, "5")
    assert busy.header("X-Og-Error") == "too_many_streams"
    first.stream.close()  # what a server does when the client leaves
    again = ask(studio, "GET", "/studio/events")
    assert again.status == 200
    again.stream.close()
    assert studio.studio is not None and studio.studio.slots.open == 0
