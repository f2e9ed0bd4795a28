"""Typed parameters through the HTTP contract: /templates, 400s before any work, image failures as 4xx
for API clients and as the placeholder card (or the error card) for crawlers, never a 5xx."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
import og.config
import og.web
from tests.conftest import FONTS_DIR

TYPED = Path(__file__).resolve().parent.parent / "data" / "typed"
CRAWLER = {"User-Agent": "facebookexternalhit/1.1"}
#: Centre pixels of the fixture's slots (tests/data/typed/typed.svg).
PHOTO, LOGO, SWATCH = (70, 70), (190, 70), (290, 50)
FRAME_EDGE, BADGE, BAND = (347, 50), (440, 40), (300, 260)


@pytest.fixture(scope="module")
def server_renderer(image_server, fonts):
    settings = og.config.Settings(templates_dir=TYPED, fonts_dir=FONTS_DIR, image_hosts=image_server.origin,
                                  image_timeout_s=0.8)
    return og.Renderer(settings, fonts=fonts)


@pytest.fixture
def typed_client(server_renderer):
    return og.web.create_app({"OG_RENDERER": server_renderer, "TESTING": True}).test_client()


def rgb(data: bytes, where: tuple[int, int]) -> tuple[int, int, int]:
    image = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    return tuple(int(v) for v in image[where[1], where[0]])  # type: ignore[return-value]


def near(actual: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def test_templates_lists_each_parameter_with_its_type_default_and_allowed_values(typed_client):
    listed = {t["name"]: t for t in typed_client.get("/templates").get_json()["templates"]}
    params = {p["name"]: p for p in listed["typed"]["params"]}
    assert params["title"]["type"] == "text" and params["title"]["default"] == "Typed"
    assert params["photo"] == {"name": "photo", "type": "image", "default": "", "max_length": 500}
    assert params["color"]["type"] == "color" and params["color"]["default"] == "#000000"
    assert params["color"]["allowed"] == ["#rgb", "#rrggbb"]
    assert params["accent"] == {"name": "accent", "type": "color", "default": "sky", "max_length": 64,
                                "allowed": ["rose", "sky"], "palette": {"rose": "#e11d48", "sky": "#0284c7"}}
    assert params["theme"]["type"] == "choice" and params["theme"]["allowed"] == ["dark", "light"]
    assert params["theme"]["default"] == "dark"
    assert params["badge"]["type"] == "flag" and params["badge"]["default"] == ""


def test_defaults_keep_the_placeholders_and_the_template_colours(typed_client):
    body = typed_client.get("/typed.png").data
    assert near(rgb(body, PHOTO), (0, 0, 255)) and near(rgb(body, LOGO), (0, 255, 0))
    assert near(rgb(body, SWATCH), (0, 0, 0)) and near(rgb(body, FRAME_EDGE), (0x02, 0x84, 0xc7))
    assert near(rgb(body, BADGE), (255, 255, 255)) and near(rgb(body, BAND), (0x11, 0x11, 0x11))


def test_values_set_colours_choices_flags_and_pictures(typed_client, image_server):
    response = typed_client.get("/typed.png", query_string={
        "color": "#E11D48", "accent": "rose", "theme": "light", "badge": "yes",
        "photo": image_server.url("/red.png"), "logo": image_server.url("/wide.png")})
    assert response.status_code == 200, response.get_json()
    body = response.data
    assert near(rgb(body, PHOTO), (255, 0, 0)) and near(rgb(body, LOGO), (255, 0, 0))
    assert near(rgb(body, (190, 30)), (255, 255, 255))  # contain: a 2:1 picture leaves the slot's top
    assert near(rgb(body, SWATCH), (0xe1, 0x1d, 0x48)) and near(rgb(body, FRAME_EDGE), (0xe1, 0x1d, 0x48))
    assert near(rgb(body, BADGE), (255, 0, 255)) and near(rgb(body, BAND), (0xee, 0xee, 0xee))


def test_colours_are_re_serialised_by_og(typed_client):
    svg = etree.fromstring(typed_client.get("/typed.svg", query_string={"color": "E11"}).data)
    swatch = svg.xpath("//*[@id='swatch']")[0]
    assert swatch.get("style") == "fill:#ee1111"
    assert not svg.xpath("//*[@id='theme-light']") and svg.xpath("//*[@id='theme-dark']")
    assert not svg.xpath("//*[@id='badge']")


@pytest.mark.parametrize(("name", "value"), [
    ("color", "red"), ("color", "red;filter:url(#x)"), ("color", '"/><script>alert(1)</script>'),
    ("color", "#12345"), ("color", "#ggg"), ("color", "url(#x)"), ("color", "#fff;stroke:red"),
    ("color", "#fff "), ("color", "rgb(1,2,3)"), ("color", "#ffffff00"), ("color", ""),
    ("accent", "#e11d48"), ("accent", "Rose"), ("accent", "rose;"), ("accent", ""),
    ("theme", "blue"), ("theme", "dark "), ("theme", '"/><script>'), ("badge", "maybe"),
    ("photo", "javascript:alert(1)"), ("photo", "file:///etc/passwd"), ("photo", "data:image/svg+xml,<svg/>"),
    ("photo", "https://evil.example.net/a.png"), ("photo", "@team/jane.png"),
])
def test_a_value_outside_its_form_is_a_400_before_any_work(typed_client, server_renderer, name, value):
    before = server_renderer.renders
    response = typed_client.get("/typed.png", query_string={name: value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_parameter" and body["parameter"] == name
    assert server_renderer.renders == before


def test_the_400_names_the_allowed_values(typed_client):
    assert "dark, light" in typed_client.get("/typed.png?theme=blue").get_json()["message"]
    assert "rose, sky" in typed_client.get("/typed.png?accent=red").get_json()["message"]
    assert "#rgb, #rrggbb" in typed_client.get("/typed.png?color=red").get_json()["message"]


def test_equivalent_colours_name_the_same_card(server_renderer):
    keys = {server_renderer.plan("typed", {"color": v}).key for v in ("#E11", "#ee1111", "EE1111", "e11")}
    assert len(keys) == 1
    assert server_renderer.plan("typed", {"color": "#ee1112"}).key not in keys


def test_a_failed_fetch_is_a_4xx_for_api_clients(typed_client, image_server):
    for path in ("/missing.png", "/image.svg", "/bomb.png", "/slow-headers"):
        response = typed_client.get("/typed.png", query_string={"photo": image_server.url(path)})
        assert response.status_code == 422, path
        assert response.get_json()["error"] == "image_unavailable"
        assert response.get_json()["parameter"] == "photo"


def test_a_crawler_gets_the_placeholder_card_degraded_when_the_slot_says_so(typed_client, image_server):
    response = typed_client.get("/typed.png", query_string={"photo": image_server.url("/missing.png"),
                                                             "color": "#e11d48"}, headers=CRAWLER)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert near(rgb(response.data, PHOTO), (0, 0, 255))  # the placeholder
    assert near(rgb(response.data, SWATCH), (0xe1, 0x1d, 0x48))  # the other values are kept
    again = typed_client.get("/typed.png", query_string={"photo": image_server.url("/missing.png"),
                                                          "color": "#e11d48"}, headers=CRAWLER)
    assert again.status_code == 200 and again.headers["ETag"] == response.headers["ETag"]
    assert again.headers["ETag"] != typed_client.get("/typed.png?color=%23e11d48").headers["ETag"]


def test_a_crawler_gets_the_error_card_when_the_slot_says_error(typed_client, image_server):
    response = typed_client.get("/typed.png", query_string={"logo": image_server.url("/missing.png")},
                                headers=CRAWLER)
    assert response.status_code == 422 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    assert Image.open(io.BytesIO(response.data)).size == (1200, 630)  # og's error card


def test_the_layout_report_fetches_nothing(typed_client, image_server):
    before = image_server.hits.get("/red.jpg", 0)
    response = typed_client.get("/typed.json", query_string={"photo": image_server.url("/red.jpg")})
    assert response.status_code == 200
    assert image_server.hits.get("/red.jpg", 0) == before


def test_without_og_image_hosts_an_image_value_is_a_400(fonts):
    renderer = og.Renderer(og.config.Settings(templates_dir=TYPED, fonts_dir=FONTS_DIR), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()
    response = client.get("/typed.png", query_string={"photo": "https://cdn.example.com/a.png"})
    assert response.status_code == 400 and "OG_IMAGE_HOSTS" in response.get_json()["message"]


def test_each_failing_slot_falls_back_as_it_says(typed_client, image_server):
    both = {"photo": image_server.url("/missing.png"), "logo": image_server.url("/text.png")}
    response = typed_client.get("/typed.png", query_string=both, headers=CRAWLER)
    assert response.status_code == 422 and response.mimetype == "image/png"  # the logo's slot says error
    response = typed_client.get("/typed.png", query_string={**both, "logo": image_server.url("/red.png")},
                                headers=CRAWLER)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=60"
    assert near(rgb(response.data, PHOTO), (0, 0, 255)) and near(rgb(response.data, LOGO), (255, 0, 0))
