"""Django → og's HTTP core and back: a view that turns Django's request into an
:class:`og.http.Request` and the :class:`og.http.Answer` into a response. What a request means
is decided in :mod:`og.http.core`, the same for every front end."""

from __future__ import annotations

from django.http import HttpRequest
from django.http import HttpResponse
from django.http import HttpResponseBase
from django.http import StreamingHttpResponse

from ...http import Answer
from ...http import Request
from .apps import app_config


def og_request(request: HttpRequest, path: str) -> Request:
    """The request as the core reads it: ``path`` is what the URL pattern matched below og's
    mount, so signatures cover the same path wherever the project mounts og."""
    mount = request.path[: len(request.path) - len(path)] if request.path.endswith(path) else "/"
    return Request.make(request.method or "GET", "/" + path, request.META.get("QUERY_STRING", ""),
                        request.headers.items(), request.build_absolute_uri(mount))


def response(answer: Answer) -> HttpResponseBase:
    """The answer, headers exactly as given (Django's default type taken off)."""
    made: HttpResponseBase = (
        StreamingHttpResponse(answer.stream, status=answer.status) if answer.stream is not None
        else HttpResponse(answer.body, status=answer.status))
    del made["Content-Type"]
    for name, value in answer.headers:
        made[name] = value
    return made


def serve(request: HttpRequest, path: str = "") -> HttpResponseBase:
    """Every og route below the mount: ``/{name}.{fmt}``, ``/templates``, ``/healthz``…"""
    return response(app_config().core().handle(og_request(request, path)))


def card(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    return serve(request, f"{name}.{fmt}")
