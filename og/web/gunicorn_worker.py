"""og's gunicorn worker: gevent, a bounded request head, and og's JSON for gunicorn's own errors.

gunicorn reads the request line and headers before og sees anything, and answers what it
cannot parse itself (400, 414, 431) with an HTML page. This worker keeps gunicorn's status
codes and access log and writes og's ``{"error": ..., "message": ...}`` instead.

Why gevent: in gunicorn's ``gthread`` worker a connection holds a thread from its first byte
until its headers end, with no deadline, so ``threads`` slow clients per worker stop the
service. A gevent worker holds a greenlet per connection (``worker_connections`` of them) and
reads each head under a ``keepalive``-second deadline. Renders do not run here: each worker
forks a render host before gevent patches it (:mod:`og.web.render_host`), whose render processes
are killed past the budget; the worker only waits on a socket, so its heartbeat never stops.
"""

from __future__ import annotations

import json
import logging
import typing as t

from gunicorn import glogging
from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.ggevent import GeventWorker

from .render_host import start_for_worker
from .render_host import worker_renderer
from .serving import request_head_limit
from .serving import request_line_limit


class HeadLimitedSocket:
    """The client socket, refusing a request line longer than ``line_limit`` bytes and a
    request head (line and headers) longer than ``head_limit``.

    gunicorn clamps ``limit_request_line`` to 8190 bytes, shorter than og's longest legal URL,
    and its only larger setting, 0, is unbounded (and quadratic: its parser copies the buffer
    on every read). So og sets 0 and counts here. The count starts again with each response.
    """

    def __init__(self, sock: t.Any, line_limit: int, head_limit: int) -> None:
        self._sock = sock
        self._line_limit = line_limit
        self._head_limit = head_limit
        self._reset()

    def _reset(self) -> None:
        self._received = 0
        self._line_length: int | None = None
        self._last_byte = b""

    def recv(self, size: int) -> bytes:
        data: bytes = self._sock.recv(size)
        if self._line_length is None:
            end = (self._last_byte + data).find(b"\r\n")
            if end >= 0:
                self._line_length = self._received - len(self._last_byte) + end
            self._last_byte = data[-1:]
        self._received += len(data)
        line_length = self._received if self._line_length is None else self._line_length
        if line_length > self._line_limit:
            raise LimitRequestLine(line_length, self._line_limit)
        if self._received > self._head_limit:
            raise LimitRequestHeaders(f"request head larger than {self._head_limit} bytes")
        return data

    def sendall(self, data: bytes, *args: t.Any) -> None:
        self._reset()
        self._sock.sendall(data, *args)

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self._sock, name)


class _CapturedAnswer:
    """Stands in for the client while gunicorn writes its error page, to learn its status."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data


def json_error(answer: bytes, exc: BaseException) -> bytes:
    """og's JSON error for gunicorn's HTML ``answer`` to ``exc``: same status, same reason.

    >>> json_error(b"HTTP/1.1 414 URI Too Long\\r\\n\\r\\n<html>", LimitRequestLine(9000, 8190))[:24]
    b'HTTP/1.1 414 URI Too Lon'
    """
    status_line = answer.split(b"\r\n", 1)[0].decode("latin-1")
    _, status, reason = status_line.split(" ", 2)
    message = str(exc) if status.startswith("4") else "og failed to read this request; the error is logged"
    body = json.dumps({"error": reason.lower().replace(" ", "_"), "message": message}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Cache-Control: no-store\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class OgLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's logger (``logger_class``), building an access line only when a handler would
    write it: og logs each request itself (``og.access``), and gunicorn, given a ``logconfig_dict``,
    built its line (≈ 9% of a cache hit's time in the worker) for a logger with nowhere to write."""

    @property
    def access_log_enabled(self) -> bool:
        access: logging.Logger = self.access_log
        return bool(super().access_log_enabled) and access.isEnabledFor(logging.INFO) and access.hasHandlers()


class OgWorker(GeventWorker):  # type: ignore[misc]
    """gunicorn's gevent worker with og's head limit and JSON errors (``worker_class``), restarted
    after ``max_requests`` cards drawn rather than requests answered (with ``preload_app``).

    A restart bounds what renders leave behind (font and layout caches, the render processes'
    heaps); an answer from the stored cards, a ``304`` or an error leaves nothing. Counted per
    request, a crawler storm on one shared card restarted each worker every few seconds: its
    render host and render processes forked again, and its stored cards lost, so the storm's
    next requests were renders again."""

    def init_process(self) -> None:
        self.head_limits = (request_line_limit(), request_head_limit())
        # Without preload_app the app loads later, after gevent's patching: then requests count.
        self.renderer = worker_renderer(self) if self.cfg.preload_app else None
        # Renders run in render processes of a host forked now, before gevent patches this
        # process (super().init_process() patches): see og/web/render_host.py.
        self.render_host = start_for_worker(self, self.renderer)
        super().init_process()

    def handle_request(self, listener_name: t.Any, req: t.Any, sock: t.Any, addr: t.Any) -> None:
        # gunicorn adds one to ``nr`` for this request and restarts once it reaches max_requests:
        # counted from the cards drawn so far, the request after the last one allowed restarts.
        if self.renderer is not None:
            self.nr = self.renderer.renders
        super().handle_request(listener_name, req, sock, addr)

    def handle(self, listener: t.Any, client: t.Any, addr: t.Any) -> None:
        super().handle(listener, HeadLimitedSocket(client, *self.head_limits), addr)

    def handle_error(self, req: t.Any, client: t.Any, addr: t.Any, exc: BaseException) -> None:
        captured = _CapturedAnswer()
        super().handle_error(req, captured, addr, exc)
        try:
            util.write_nonblock(client, json_error(captured.data, exc))
        except OSError:
            self.log.debug("Failed to send error message.")
