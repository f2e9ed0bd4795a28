"""Errors as images for clients that show images: crawlers and ``<img>`` requests get a
PNG card with the message and the same 4xx status; API clients keep getting JSON."""

from __future__ import annotations

import io
import typing as t

import pytest
from PIL import Image

BROWSER_IMG = "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"


@pytest.mark.parametrize("headers", [
    {"User-Agent": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"},
    {"User-Agent": "Twitterbot/1.0"},
    {"User-Agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"},
    {"Accept": BROWSER_IMG},
])
@pytest.mark.parametrize(("url", "status"), [("/card.png?nope=1", 400), ("/missing.png", 404)])
def test_image_clients_get_an_error_card(client: t.Any, headers: dict[str, str], url: str,
                                         status: int) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == status
    assert response.content_type == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 630)
    pixels = image.convert("L").getextrema()
    assert pixels[1] - pixels[0] > 100, "the card should carry visible text"


@pytest.mark.parametrize("headers", [{}, {"Accept": "*/*"}, {"Accept": "application/json"},
                                     {"Accept": "application/json", "User-Agent": "curl/8"}])
def test_api_clients_get_json(client: t.Any, headers: dict[str, str]) -> None:
    response = client.get("/card.png?nope=1", headers=headers)
    assert response.status_code == 400
    assert response.is_json
    assert "nope" in response.get_json()["message"]


def test_json_and_svg_urls_never_get_an_image(client: t.Any) -> None:
    for url in ("/card.json?nope=1", "/card.svg?nope=1"):
        response = client.get(url, headers={"User-Agent": "Twitterbot/1.0"})
        assert response.status_code == 400
        assert response.is_json
