"""With ``OG_SECRET`` set, only signed URLs are served, and a bad one costs no render."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

import og
import og.web

from ..conftest import TEMPLATES
from ..conftest import settings_for

KEY = "k" * 32


@pytest.fixture
def signed(fonts: t.Any) -> t.Any:
    settings = dataclasses.replace(settings_for(TEMPLATES), secret=f"{KEY},{'o' * 32}")
    renderer = og.Renderer(settings, fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()


def test_signed_url_renders(signed: t.Any) -> None:
    renderer, client = signed
    url = og.image_url("card", secret=KEY, title="Signed & sealed")
    response = client.get(url)
    assert response.status_code == 200 and response.content_type == "image/png"
    assert renderer.renders == 1


@pytest.mark.parametrize("tamper", [
    lambda url: url.replace("Signed", "Signet"),
    lambda url: url.replace("card.png", "card.svg"),
    lambda url: url + "&subtitle=extra",
    lambda url: url.split("&s=")[0] if "&s=" in url else url.split("?s=")[0],
    lambda url: url[:-1] + ("A" if url[-1] != "A" else "B"),
])
def test_tampered_url_is_403_before_any_work(signed: t.Any, tamper: t.Callable[[str], str]) -> None:
    renderer, client = signed
    url = tamper(og.image_url("card", secret=KEY, title="Signed"))
    response = client.get(url)
    assert response.status_code == 403
    assert response.get_json()["error"] in ("bad_signature", "expired")
    assert renderer.renders == 0


def test_unsigned_url_is_403(signed: t.Any) -> None:
    assert signed[1].get("/card.png?title=x").status_code == 403


def test_expired_url_is_403(signed: t.Any) -> None:
    url = og.image_url("card", secret=KEY, expires=1, title="Old")
    response = signed[1].get(url)
    assert response.status_code == 403 and response.get_json()["error"] == "expired"


def test_crawlers_get_a_403_card(signed: t.Any) -> None:
    response = signed[1].get("/card.png?title=x", headers={"User-Agent": "Twitterbot/1.0"})
    assert response.status_code == 403 and response.content_type == "image/png"


def test_without_a_secret_unsigned_urls_work(client: t.Any) -> None:
    assert client.get("/card.png?title=x").status_code == 200
