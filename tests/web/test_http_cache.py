"""Decide before rendering: the ETag comes from the inputs, so 304 and HEAD draw nothing, and
the same card asked again is answered from the cache."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

import og
import og.web

from ..conftest import settings_for


@pytest.fixture
def counted(tmp_templates: t.Any, fonts: t.Any) -> t.Any:
    renderer = og.Renderer(settings_for(tmp_templates), fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()


@pytest.mark.parametrize("fmt", ["png", "svg", "json"])
def test_conditional_get_and_head_do_not_render(counted: t.Any, fmt: str) -> None:
    renderer, client = counted
    url = f"/card.{fmt}?title=Counted"
    head = client.head(url)
    assert head.status_code == 200 and head.data == b""
    assert renderer.renders == 0, "HEAD must not render"
    etag = head.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert renderer.renders == 0, "a conditional GET that matches must not render"
    full = client.get(url)
    assert full.status_code == 200 and full.headers["ETag"] == etag
    assert renderer.renders == 1
    assert client.get(url).data == full.data
    assert renderer.renders == 1, "the same card again comes from the cache"


def test_etag_names_the_inputs(counted: t.Any, tmp_templates: t.Any) -> None:
    renderer, client = counted
    first = client.head("/card.png?title=A").headers["ETag"]
    assert client.head("/card.png?title=B").headers["ETag"] != first
    assert client.head("/card.svg?title=A").headers["ETag"] != first
    path = tmp_templates / "card.svg"
    path.write_bytes(path.read_bytes().replace(b"</svg>", b"<!-- edited --></svg>"))
    assert client.head("/card.png?title=A").headers["ETag"] != first, "a template edit changes the card"


def test_cache_is_bounded_in_bytes(fonts: t.Any, tmp_templates: t.Any) -> None:
    settings = dataclasses.replace(settings_for(tmp_templates), cache_bytes=100_000)
    renderer = og.Renderer(settings, fonts=fonts)
    sizes = [len(renderer.render("card", {"title": f"Card {number}"})) for number in range(8)]
    stats = renderer.storage.stats()
    assert sum(sizes) > 100_000, "the cards together must outweigh the bound for this test"
    assert 0 < stats["bytes"] <= 100_000 and stats["entries"] < 8
