"""The numbers gunicorn needs, derived from og's own limits; ``gunicorn.conf.py`` and og's worker read them.

Kept apart from the config file so the arithmetic is typed, tested and stated once.
"""

from __future__ import annotations

import math
import os
import typing as t

from ..config import Settings

#: Parameters one card takes at most (the bundled templates have 4 to 6).
MAX_PARAMETERS = 8
#: A character is at most 4 UTF-8 bytes, each sent percent-encoded as 3 (``%E4``).
URL_BYTES_PER_CHARACTER = 4 * 3
#: Method, path, ``HTTP/1.1``, parameter names, ``=`` and ``&``: generously.
REQUEST_LINE_SLACK = 2048
#: Other headers (User-Agent, Accept, cookies of the page's domain) next to a Referer as long
#: as the request line.
OTHER_HEADERS_BYTES = 16384
#: Seconds a client has to send a whole request head (gevent: gunicorn's ``keepalive`` bounds
#: each head read, the first one included), and that an idle kept-alive connection stays open.
HEAD_TIMEOUT_S = 5


def request_line_limit(max_length: int | None = None) -> int:
    """Longest legal request line: every parameter at its longest, in 4-byte characters.

    >>> request_line_limit(500)
    50048
    """
    if max_length is None:
        max_length = Settings.from_env().max_length
    return MAX_PARAMETERS * max_length * URL_BYTES_PER_CHARACTER + REQUEST_LINE_SLACK


def request_head_limit(max_length: int | None = None) -> int:
    """Longest legal request head: the line, a Referer as long, and the other headers.

    >>> request_head_limit(500)
    116480
    """
    return 2 * request_line_limit(max_length) + OTHER_HEADERS_BYTES


def worker_timeout_s(render_timeout: float) -> int:
    """gunicorn's ``timeout``: the backstop for a worker that stopped answering.

    Renders run in render processes, killed past the budget, so a worker's heartbeat goes on
    while it waits; without ``preload_app`` renders stay in the worker, where the heartbeat
    stops while it renders: this still exceeds one budget plus the heartbeat's second, with
    room for a queued render.

    >>> worker_timeout_s(5.0)
    15
    """
    return 2 * math.ceil(render_timeout) + 5


def graceful_timeout_s(render_timeout: float) -> int:
    """gunicorn's ``graceful_timeout``: time for a stopping worker to finish the render it
    started and answer a head already on its way.

    >>> graceful_timeout_s(5.0)
    10
    """
    return math.ceil(render_timeout) + HEAD_TIMEOUT_S


def default_bind(env: t.Mapping[str, str] | None = None) -> str:
    """``0.0.0.0:$PORT`` where the platform sets ``PORT`` (Heroku's router, Docker's port
    mapping reach the process over the network); loopback elsewhere.

    >>> default_bind({"PORT": "5000"}), default_bind({})
    ('0.0.0.0:5000', '127.0.0.1:8000')
    """
    env = os.environ if env is None else env
    port = env.get("PORT")
    return f"0.0.0.0:{port}" if port else "127.0.0.1:8000"


def web_concurrency(env: t.Mapping[str, str] | None = None) -> int:
    """Worker processes: ``WEB_CONCURRENCY`` (Heroku sets it from the dyno's size), else 2."""
    env = os.environ if env is None else env
    return int(env.get("WEB_CONCURRENCY") or 2)
