"""A real HTTP server on 127.0.0.1 (http.server in a thread) that serves images and traps.

Every route is bounded: the slow ones stop after a few seconds at most or when the client
goes away, and the server is shut down after each module.
"""

from __future__ import annotations

import dataclasses
import http.server
import io
import struct
import threading
import time
import typing as t
import zlib

import pytest
from PIL import Image


def png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def encoded(image: Image.Image, fmt: str, **options: t.Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A ~100-byte PNG whose header declares ``width`` x ``height`` 1-bit pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
            + chunk(b"IEND", b""))


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (40, 40), (255, 0, 0)), Image.new("RGB", (40, 40), (0, 255, 0))]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


RED = (255, 0, 0)
SVG_BODY = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b'<rect width="10" height="10"/></svg>')
EPS_BODY = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nnewpath 0 0 moveto showpage\n"


@dataclasses.dataclass
class ImageServer:
    port: int
    hits: dict[str, int]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path


def _routes() -> dict[str, tuple[int, dict[str, str], bytes]]:
    photo = Image.new("RGB", (200, 100), RED)
    return {
        "/red.png": (200, {"Content-Type": "image/png"}, png((64, 32), RED)),
        "/wide.png": (200, {"Content-Type": "image/png"}, encoded(photo, "PNG")),
        "/red.jpg": (200, {"Content-Type": "image/jpeg"}, encoded(photo, "JPEG", quality=95)),
        "/red.webp": (200, {"Content-Type": "image/webp"}, encoded(photo, "WEBP", lossless=True)),
        "/anim.gif": (200, {"Content-Type": "image/gif"}, animated_gif()),
        "/lying.png": (200, {"Content-Type": "image/png"}, SVG_BODY),
        "/image.svg": (200, {"Content-Type": "image/svg+xml"}, SVG_BODY),
        "/image.eps": (200, {"Content-Type": "image/png"}, EPS_BODY),
        "/bomb.png": (200, {"Content-Type": "image/png"}, bomb_png()),
        "/text.png": (200, {"Content-Type": "image/png"}, b"hello, not an image"),
        "/redirect-in": (302, {"Location": "/red.png"}, b""),
        "/redirect-out": (302, {"Location": "http://127.0.0.2:9/red.png"}, b""),
        "/redirect-https-out": (302, {"Location": "https://evil.example.net/red.png"}, b""),
        "/redirect-loop": (302, {"Location": "/redirect-loop"}, b""),
        "/missing.png": (404, {"Content-Type": "text/plain"}, b"not found"),
        "/broken.png": (500, {"Content-Type": "text/plain"}, b"oops"),
        "/huge-declared.png": (200, {"Content-Type": "image/png", "Content-Length": str(1 << 30)}, b""),
    }


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    hits: dict[str, int] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: t.Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
        try:
            if path == "/slow-headers":  # no answer for 3 s
                time.sleep(3)
            elif path == "/trickle.png":  # a byte every 0.1 s, for at most 5 s
                self._head(200, {"Content-Type": "image/png", "Content-Length": "50"})
                for byte in png((8, 8), RED)[:50]:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.1)
            elif path == "/endless.png":  # no Content-Length, 64 KB chunks, at most 64 MB
                self._head(200, {"Content-Type": "image/png"})
                block = png((8, 8), RED) + b"\0" * 65000
                for _ in range(1024):
                    self.wfile.write(block)
            elif path == "/slow-red.png":  # a good image after 0.3 s (for single flight)
                time.sleep(0.3)
                self._answer(*self.routes["/red.png"])
            else:
                self._answer(*self.routes.get(path, (404, {}, b"no such route")))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self._head(status, {"Content-Length": str(len(body)), **headers})
        if "Content-Length" in headers and not body:
            return
        self.wfile.write(body)


@pytest.fixture(scope="module")
def image_server() -> t.Iterator[ImageServer]:
    handler = type("Handler", (_Handler,), {"routes": _routes(), "hits": {}, "lock": threading.Lock()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield ImageServer(server.server_address[1], handler.hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
