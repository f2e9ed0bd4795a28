"""ASGI → og's HTTP core and back: ``uvicorn og.asgi:app`` serves og, and a FastAPI or Starlette
site mounts it the way it mounts static files::

    app.mount("/og", og.asgi.app)           # or og.asgi.create_app(settings=..., renderer=...)

What a request means is decided in :mod:`og.http.core`, the same for every front end. The core
is synchronous (a render is CPU work under og's admission and budget), so each request runs in
the event loop's default thread executor and the loop never waits on a render; the studio's
event stream is read the same way, one chunk at a time. Settings come from the environment
(``OG_*``), read when the first request (or ASGI ``lifespan`` startup) arrives, not on import.
"""

from __future__ import annotations

import asyncio
import threading
import typing as t

from .config import Settings
from .http import Answer
from .http import HttpCore
from .http import Request
from .pool import RenderPool
from .pool import pooled
from .raster.lazy import LazyBackend
from .render import Renderer

Scope = t.MutableMapping[str, t.Any]
Message = t.MutableMapping[str, t.Any]
Receive = t.Callable[[], t.Awaitable[Message]]
Send = t.Callable[[Message], t.Awaitable[None]]


def og_request(scope: Scope) -> Request:
    """The request as the core reads it: the path below ``root_path`` (where a site mounted og;
    Starlette keeps the full path in ``path``, older servers strip it), the raw query."""
    root = str(scope.get("root_path", "")).rstrip("/")
    path = str(scope["path"])
    if root and (path == root or path.startswith(root + "/")):
        path = path[len(root):]
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope.get("headers", ())]
    host = next((value for name, value in headers if name.lower() == "host"), None)
    if host is None:
        server = scope.get("server") or ("localhost", None)
        host = f"{server[0]}:{server[1]}" if server[1] else str(server[0])
    root_url = f"{scope.get('scheme', 'http')}://{host}{root}/"
    return Request.make(scope["method"], path, scope.get("query_string", b""), headers, root_url)


class OgAsgi:
    """The ASGI app over one :class:`HttpCore` (made on first use, from ``renderer``, else from
    ``settings``, else from the environment)."""

    def __init__(self, settings: Settings | None = None, *, renderer: Renderer | None = None) -> None:
        self._settings = settings
        self._renderer = renderer
        self._core: HttpCore | None = None
        self._lock = threading.Lock()

    def core(self) -> HttpCore:
        with self._lock:
            if self._core is None:
                renderer = self._renderer
                if renderer is None:  # og's own: renders in render processes, as og serve's do
                    renderer = Renderer(self._settings or Settings.from_env())
                    if isinstance(renderer.backend, LazyBackend):
                        renderer.backend.load()  # before the render processes fork, not in each card
                    renderer = pooled(renderer)
                elif isinstance(renderer.backend, LazyBackend):
                    renderer.backend.load()  # before the first card, not during it
                self._core = HttpCore(renderer, studio=renderer.settings.studio)
            return self._core

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        loop = asyncio.get_running_loop()
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send, loop)
            return
        if scope["type"] != "http":
            raise ValueError(f"og answers HTTP, not {scope['type']!r}")
        core = self._core
        if core is None:  # made once, in a thread (it loads fonts and templates)
            core = await loop.run_in_executor(None, self.core)
        answer = await loop.run_in_executor(None, core.handle, og_request(scope))
        await _send(answer, send, receive, loop)

    async def _lifespan(self, receive: Receive, send: Send, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await loop.run_in_executor(None, self.core)  # a bad setting fails the start, not a request
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await loop.run_in_executor(None, self.close)
                await send({"type": "lifespan.shutdown.complete"})
                return

    def close(self) -> None:
        """Stop the render processes this app made for itself (a renderer given to it is its
        owner's to close)."""
        core = self._core
        if self._renderer is None and core is not None and isinstance(core.renderer.pool, RenderPool):
            core.renderer.pool.close()
            core.renderer.pool = None


async def _send(answer: Answer, send: Send, receive: Receive, loop: asyncio.AbstractEventLoop) -> None:
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    if answer.stream is None:
        await send({"type": "http.response.body", "body": answer.body})
        return
    stream = answer.stream
    # A server may drop what is sent after the client left (uvicorn does, silently): the stream
    # ends when the server says the client is gone, not when its lifetime is over.
    left = asyncio.ensure_future(_disconnect(receive))
    try:
        while True:
            chunk = loop.run_in_executor(None, next, stream, None)
            either: set[asyncio.Future[t.Any]] = {chunk, left}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if chunk.done() and chunk.result() is not None and not left.done():
                await send({"type": "http.response.body", "body": chunk.result(), "more_body": True})
                continue
            await chunk  # a stream is closed only between chunks, never while one is made
            if not left.done():
                await send({"type": "http.response.body", "body": b""})
            return
    finally:
        left.cancel()
        close = getattr(stream, "close", None)
        if close is not None:
            close()


async def _disconnect(receive: Receive) -> None:
    """Returns once the server says the client has gone (the request's body is read and dropped)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def create_app(settings: Settings | None = None, *, renderer: Renderer | None = None) -> OgAsgi:
    """An ASGI app for og (each test or site may make its own)."""
    return OgAsgi(settings, renderer=renderer)


#: ``uvicorn og.asgi:app``: settings from the environment, read on first use.
app = create_app()
