"""Flask → og's HTTP core and back: every route og answers is one catch-all rule that turns
Flask's request into an :class:`og.http.Request` and the :class:`og.http.Answer` into a
response. What a request means is decided in :mod:`og.http.core`, the same for every front end."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import request
from werkzeug.datastructures import Headers

from ..http import Answer
from ..http import HttpCore
from ..http import Request

bp = Blueprint("og", __name__)

#: Every method reaches the core, which answers 405 itself (the same way on every front end).
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def core() -> HttpCore:
    return t.cast(HttpCore, current_app.extensions["og.core"])


def og_request() -> Request:
    """The current Flask request as the core reads it (the path below og's mount), with its root
    URL as the server saw it: the core reads ``X-Forwarded-*`` itself (and checks what they say),
    whatever Werkzeug's ProxyFix made of them."""
    return Request.make(request.method, request.path, request.query_string, request.headers.items(),
                        server_root())


def server_root() -> str:
    """The current request's root URL before ProxyFix (which keeps what it replaced)."""
    before = request.environ.get("werkzeug.proxy_fix.orig")
    if not before:
        return request.url_root
    scheme = before.get("wsgi.url_scheme") or request.scheme
    host = before.get("HTTP_HOST") or f"{before.get('SERVER_NAME')}:{before.get('SERVER_PORT')}"
    return f"{scheme}://{host}{request.script_root}/"


def response(answer: Answer) -> Response:
    """The answer, headers exactly as given: Werkzeug adds no type or length of its own."""
    made = Response(answer.stream if answer.stream is not None else answer.body, status=answer.status)
    made.headers = Headers(answer.headers)
    made.automatically_set_content_length = False
    return made


@bp.route("/", defaults={"path": ""}, methods=METHODS, provide_automatic_options=False)
@bp.route("/<path:path>", methods=METHODS, provide_automatic_options=False)
def serve(path: str) -> Response:
    return response(core().handle(og_request()))
