"""og's routes as Django views: the same checks, keys, ETags and JSON errors as the Flask routes."""

from __future__ import annotations

import time

from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse

from ... import signing
from ...errors import OgError
from ...render import CONTENT_TYPES
from ...web.http_cache import CACHE_CONTROL
from ...web.http_cache import DEGRADED_CACHE_CONTROL
from ...web.routes import params_from_query
from .apps import app_config


def _error(error: OgError) -> HttpResponse:
    response = JsonResponse(error.to_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def card(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """``/{name}.{fmt}``: verify → plan → 304 from the key → render (once) → answer."""
    config = app_config()
    renderer, keys = config.renderer(), config.keys()
    try:
        if keys:
            pairs = [(key, value) for key, values in request.GET.lists() for value in values]
            signing.verify(request.path, pairs, keys, time.time())
        plan = renderer.plan(name, params_from_query(request.GET.lists(), signed=bool(keys)), fmt)
        etag = f'"{plan.key}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            entry = renderer.card(plan)
            response = HttpResponse(entry.body, content_type=CONTENT_TYPES[plan.fmt])
            response["Cache-Control"] = DEGRADED_CACHE_CONTROL if entry.degraded else CACHE_CONTROL
    except OgError as error:
        return _error(error)
    response["ETag"] = etag
    response.setdefault("Cache-Control", CACHE_CONTROL)
    return response


def templates(request: HttpRequest) -> HttpResponse:
    listed = [item.to_dict() for item in app_config().renderer().templates.all()
              if not isinstance(item, Exception)]
    return JsonResponse({"templates": listed}, json_dumps_params={"ensure_ascii": False})
