"""Fetching image parameters from a real HTTP server on 127.0.0.1: what is accepted, what is refused
and how fast a hostile server is let go; the cache and the single flight."""

from __future__ import annotations

import concurrent.futures
import io
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from og.caches import Caches
from og.caches import FontCaches
from og.config import Settings
from og.errors import BadParameter
from og.errors import ImageUnavailable
from og.fetch import ImageSource
from og.fetch.decode import fitted_png
from og.fetch.decode import sniff
from tests.fetch.conftest import EPS_BODY
from tests.fetch.conftest import SVG_BODY
from tests.fetch.conftest import bomb_png
from tests.fetch.conftest import encoded
from tests.fetch.conftest import png

TIMEOUT_S = 0.8


def source(hosts: str, **overrides: object) -> ImageSource:
    settings = Settings(image_hosts=hosts, image_timeout_s=TIMEOUT_S, **overrides)  # type: ignore[arg-type]
    return ImageSource(settings, Caches(FontCaches()).images)


def pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


@pytest.mark.parametrize("path", ["/red.png", "/red.jpg", "/red.webp", "/anim.gif", "/redirect-in"])
def test_png_jpeg_webp_gif_and_redirects_inside_the_allow_list_are_fetched(image_server, path):
    data = source(image_server.origin).png(image_server.url(path), (30, 30), "cover", "photo")
    image = pixels(data)
    assert image.shape == (30, 30, 4)
    red, green, blue, alpha = image[15, 15]
    assert red > 230 and green < 30 and blue < 30 and alpha == 255  # the GIF's first frame is the red one


@pytest.mark.parametrize(("path", "reason"), [
    ("/lying.png", "did not give an image"), ("/image.svg", "did not give an image"),
    ("/image.eps", "did not give an image"), ("/text.png", "did not give an image"),
    ("/bomb.png", "pixels|decoded"), ("/missing.png", "HTTP 404"), ("/broken.png", "HTTP 500"),
    ("/huge-declared.png", "larger than"), ("/endless.png", "larger than"),
    ("/redirect-loop", "redirected more than"), ("/redirect-out", "only over https"),
    ("/redirect-https-out", "only over https"),
])
def test_hostile_answers_are_refused_with_a_reason(image_server, path, reason):
    images = source(image_server.origin, image_max_bytes=1 << 20)
    with pytest.raises(ImageUnavailable, match=reason):
        images.png(image_server.url(path), (30, 30), "cover", "photo")


@pytest.mark.parametrize("path", ["/slow-headers", "/trickle.png"])
def test_a_slow_server_is_let_go_at_the_total_timeout(image_server, path):
    started = time.monotonic()
    with pytest.raises(ImageUnavailable, match="too long"):
        source(image_server.origin).png(image_server.url(path), (30, 30), "cover", "photo")
    assert time.monotonic() - started < TIMEOUT_S + 1.5  # bounded by og, not by the server's 3-5 s


def test_nothing_is_fetched_while_og_image_hosts_is_unset(image_server):
    before = image_server.hits.get("/red.png", 0)
    images = source("")
    with pytest.raises(BadParameter, match="OG_IMAGE_HOSTS"):
        images.check(image_server.url("/red.png"), "photo")
    with pytest.raises(ImageUnavailable, match="OG_IMAGE_HOSTS"):
        images.png(image_server.url("/red.png"), (30, 30), "cover", "photo")
    assert image_server.hits.get("/red.png", 0) == before


def test_a_name_that_resolves_to_loopback_is_refused_at_the_connected_peer(image_server, monkeypatch):
    """DNS rebinding: the allow-listed name answers 127.0.0.1 when og connects; the socket's peer says so."""
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        return real("127.0.0.1" if host == "cdn.example.com" else host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    before = sum(image_server.hits.values())
    with pytest.raises(ImageUnavailable, match="non-public address"):
        source("cdn.example.com").png(f"https://cdn.example.com:{image_server.port}/red.png", (30, 30),
                                      "cover", "photo")
    assert sum(image_server.hits.values()) == before  # refused before a byte was sent


def test_localhost_allow_listed_as_a_host_is_refused_at_the_peer(image_server):
    with pytest.raises(ImageUnavailable, match="non-public address"):
        source("localhost").png(f"https://localhost:{image_server.port}/red.png", (30, 30), "cover", "photo")


def test_the_same_url_is_fetched_once_by_many_requests_at_the_same_time(image_server):
    images = source(image_server.origin)
    url = image_server.url("/slow-red.png")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: images.png(url, (20, 20), "cover", "photo"), range(8)))
    assert image_server.hits["/slow-red.png"] == 1
    assert images.fetches == 1
    assert len({r for r in results}) == 1
    images.png(url, (40, 40), "contain", "photo")  # another slot size: made from the cached download
    assert image_server.hits["/slow-red.png"] == 1


def test_a_download_is_fetched_again_after_its_maximum_age(image_server):
    images = source(image_server.origin, image_max_age_s=0.0)
    before = image_server.hits.get("/wide.png", 0)
    for _ in range(2):
        images.png(image_server.url("/wide.png"), (20, 20), "cover", "photo")
    assert image_server.hits["/wide.png"] == before + 2


def test_a_failure_is_remembered_briefly(image_server):
    images = source(image_server.origin)
    before = image_server.hits.get("/missing.png", 0)
    for _ in range(3):
        with pytest.raises(ImageUnavailable):
            images.png(image_server.url("/missing.png"), (20, 20), "cover", "photo")
    assert image_server.hits["/missing.png"] == before + 1


def test_sniffing_looks_at_bytes_only():
    assert sniff(png((2, 2), (0, 0, 0))) == "PNG"
    assert sniff(encoded(Image.new("RGB", (2, 2)), "JPEG")) == "JPEG"
    assert sniff(encoded(Image.new("RGB", (2, 2)), "WEBP")) == "WEBP"
    assert sniff(encoded(Image.new("RGB", (2, 2)), "GIF")) == "GIF"
    for other in (SVG_BODY, EPS_BODY, encoded(Image.new("RGB", (2, 2)), "BMP"),
                  encoded(Image.new("RGB", (2, 2)), "TIFF"), b"%PDF-1.7", b""):
        assert sniff(other) is None


def test_a_decompression_bomb_is_refused_before_decoding():
    assert len(bomb_png()) < 200
    with pytest.raises(ImageUnavailable):
        fitted_png(bomb_png(), (100, 100), "cover", 40_000_000)
    with pytest.raises(ImageUnavailable, match="pixels"):  # under Pillow's own limit, over og's
        fitted_png(bomb_png(3000, 3000), (100, 100), "cover", 4_000_000)


def test_cover_crops_and_contain_letterboxes():
    wide = Image.new("RGB", (200, 100), (255, 0, 0))
    wide.paste((0, 0, 255), (0, 0, 50, 100))  # the left quarter is blue: cropped away by cover
    covered = pixels(fitted_png(encoded(wide, "PNG"), (50, 50), "cover", 10**6))
    assert covered.shape == (50, 50, 4) and (covered[..., 0] > 200).all()
    contained = pixels(fitted_png(encoded(wide, "PNG"), (50, 50), "contain", 10**6))
    assert contained.shape == (25, 50, 4)  # within the slot; the SVG centres it (xMidYMid meet)
    assert contained[12, 5, 2] > 200 and contained[12, 45, 0] > 200


def test_local_assets_stay_inside_their_folder(tmp_path: Path):
    assets = tmp_path / "assets"
    (assets / "team").mkdir(parents=True)
    (assets / "team" / "jane.png").write_bytes(png((10, 10), (255, 0, 0)))
    (tmp_path / "secret.png").write_bytes(png((10, 10), (0, 0, 0)))
    (assets / "team" / "link.png").symlink_to(tmp_path / "secret.png")
    images = source("", assets_dir=assets)
    images.check("@team/jane.png", "photo")
    assert pixels(images.png("@team/jane.png", (10, 10), "cover", "photo"))[5, 5, 0] == 255
    for name in ("@../secret.png", "@team/../../secret.png", "@/etc/passwd", "@team\\jane.png", "@",
                 "@./x.png", "@team//jane.png", "@%2e%2e/secret.png"):
        with pytest.raises(BadParameter):
            images.check(name, "photo")
    with pytest.raises(ImageUnavailable, match="outside the assets folder"):
        images.png("@team/link.png", (10, 10), "cover", "photo")
    with pytest.raises(ImageUnavailable, match="no asset"):
        images.png("@team/nobody.png", (10, 10), "cover", "photo")
    with pytest.raises(BadParameter, match="OG_ASSETS_DIR"):
        source("").check("@team/jane.png", "photo")
