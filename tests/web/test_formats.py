"""Cards that travel: every format, retina sizes, a byte budget, versioned URLs."""

from __future__ import annotations

import dataclasses
import io
import typing as t

import numpy as np
import pytest
from PIL import Image

import og
import og.web
from og.render import default_renderer

from ..conftest import TEMPLATES
from ..conftest import settings_for


def _client(fonts: t.Any, **settings: t.Any) -> tuple[og.Renderer, t.Any]:
    renderer = og.Renderer(dataclasses.replace(settings_for(TEMPLATES), **settings), fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()


@pytest.fixture(scope="module")
def served(fonts: t.Any) -> tuple[og.Renderer, t.Any]:
    return _client(fonts)


@pytest.mark.parametrize(("ext", "content_type", "pil_format"), [
    ("png", "image/png", "PNG"), ("jpg", "image/jpeg", "JPEG"), ("jpeg", "image/jpeg", "JPEG"),
    ("webp", "image/webp", "WEBP"), ("avif", "image/avif", "AVIF"),
])
def test_every_image_format(served: t.Any, ext: str, content_type: str, pil_format: str) -> None:
    response = served[1].get(f"/card.{ext}?title=Formats")
    assert response.status_code == 200 and response.content_type == content_type
    image = Image.open(io.BytesIO(response.data))
    assert image.format == pil_format and image.size == (1200, 630)
    png = np.asarray(Image.open(io.BytesIO(served[1].get("/card.png?title=Formats").data)).convert("RGB"), float)
    assert np.abs(np.asarray(image.convert("RGB"), float) - png).mean() < 4, "lossy, but the same card"


def test_python_api_formats(served: t.Any) -> None:
    assert served[0].render("card", {"title": "x"}, "jpeg")[:3] == b"\xff\xd8\xff"
    assert served[0].render("card", {"title": "x"}, "webp")[8:12] == b"WEBP"


@pytest.mark.parametrize("dpr", ["2", "1.5"])
def test_dpr_draws_the_same_vectors_larger(served: t.Any, dpr: str) -> None:
    one = Image.open(io.BytesIO(served[1].get("/card.png?title=Retina").data)).convert("RGB")
    big = Image.open(io.BytesIO(served[1].get(f"/card.png?title=Retina&dpr={dpr}").data)).convert("RGB")
    assert big.size == (round(1200 * float(dpr)), round(630 * float(dpr)))
    shrunk = np.asarray(big.resize(one.size, Image.Resampling.BOX), float)
    assert np.abs(shrunk - np.asarray(one, float)).mean() < 3


@pytest.mark.parametrize("dpr", ["3", "0.5", "0", "nan", "inf", "-1", "2x", ""])
def test_dpr_out_of_range_is_400(served: t.Any, dpr: str) -> None:
    response = served[1].get(f"/card.png?dpr={dpr}")
    assert response.status_code == 400 and response.get_json()["parameter"] == "dpr"


def test_dpr_is_capped_by_the_deploy(fonts: t.Any) -> None:
    assert _client(fonts, max_dpr=1.0)[1].get("/card.png?dpr=2").status_code == 400


def test_byte_budget_reencodes_smaller(fonts: t.Any) -> None:
    renderer, client = _client(fonts)
    full = client.get("/card.png?title=Budget")
    budget = len(full.data) // 3
    _, tight = _client(fonts, max_bytes=budget)
    response = tight.get("/card.png?title=Budget")
    assert response.status_code == 200 and len(response.data) <= budget
    assert response.content_type in ("image/webp", "image/jpeg")
    Image.open(io.BytesIO(response.data)).verify()


def test_budget_that_png_meets_keeps_png(fonts: t.Any) -> None:
    _, client = _client(fonts, max_bytes=5_000_000)
    assert client.get("/card.png?title=Roomy").content_type == "image/png"


def test_versioned_urls_are_immutable(served: t.Any) -> None:
    renderer, client = served
    version = renderer.version(renderer.templates.get("card"))
    fresh = client.get(f"/card.png?title=V&v={version}")
    assert fresh.status_code == 200 and "immutable" in fresh.headers["Cache-Control"]
    assert "max-age=31536000" in fresh.headers["Cache-Control"]
    stale = client.get("/card.png?title=V&v=000000000000")
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    assert stale.data == fresh.data and stale.headers["ETag"] == fresh.headers["ETag"]
    assert "immutable" not in client.get("/card.png?title=V").headers["Cache-Control"]


def test_image_url_adds_the_version(served: t.Any) -> None:
    renderer = served[0]
    url = renderer.image_url("card", title="Hello")
    assert f"v={renderer.version(renderer.templates.get('card'))}" in url
    assert "immutable" in served[1].get(url).headers["Cache-Control"]


def test_every_response_says_nosniff(served: t.Any) -> None:
    for url in ("/card.png", "/card.svg", "/card.json", "/nope.png", "/healthz", "/templates"):
        assert served[1].get(url).headers["X-Content-Type-Options"] == "nosniff", url


def test_top_level_image_url_is_versioned() -> None:
    url = og.image_url("article", title="Hello")
    renderer = default_renderer()
    assert f"v={renderer.version(renderer.templates.get('article'))}" in url
    assert og.image_url("no-such-template") == "/no-such-template.png"


def test_dpr_is_quantised_to_quarter_steps(served: t.Any) -> None:
    renderer = served[0]
    assert renderer.plan("card", {}, "png", "1.33").dpr == 1.25
    assert renderer.plan("card", {}, "png", "1.33").key == renderer.plan("card", {}, "png", "1.26").key


def test_image_formats_setting_is_checked_at_start(fonts: t.Any) -> None:
    assert _client(fonts, image_formats=("jpg", "webp"), max_bytes=1000)[1].get("/card.png").status_code == 200
    with pytest.raises(ValueError, match="bmp"):
        _client(fonts, image_formats=("png", "bmp"))
