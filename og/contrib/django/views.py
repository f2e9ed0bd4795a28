"""og's routes as Django views: the same checks, keys, ETags and JSON errors as the Flask routes."""

from __future__ import annotations

import time

from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse

from ... import signing
from ...errors import BadParameter
from ...errors import OgError
from ...render import OWN_PARAMS
from ...web.http_cache import CACHE_CONTROL
from ...web.http_cache import DEGRADED_CACHE_CONTROL
from ...web.http_cache import VERSIONED_CACHE_CONTROL
from .apps import app_config


def _error(error: OgError) -> HttpResponse:
    response = JsonResponse(error.to_dict(), status=error.status, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


def _values(request: HttpRequest, signed: bool) -> dict[str, str]:
    """One value per template parameter, as the Flask route reads a query: a name given twice
    is refused, and with keys the signature's own ``s`` and ``exp`` are not parameters."""
    given = {name: values for name, values in request.GET.lists()
             if name not in OWN_PARAMS and not (signed and name in signing.SIGNING_PARAMS)}
    twice = [name for name, values in given.items() if len(values) > 1]
    if twice:
        raise BadParameter(f"parameter {twice[0][:64]!r} is given more than once; give it once",
                           parameter=twice[0][:64])
    return {name: values[0] for name, values in given.items()}


def card(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """``/{name}.{fmt}``: verify → plan → 304 from the key → render (once) → answer."""
    config = app_config()
    renderer, keys = config.renderer(), config.keys()
    try:
        if keys:
            pairs = [(key, value) for key, values in request.GET.lists() for value in values]
            signing.verify(request.path, pairs, keys, time.time())
        plan = renderer.plan(name, _values(request, signed=bool(keys)), fmt, request.GET.get("dpr", "1"),
                             request.GET.get("page"))
        versioned = request.GET.get("v") == renderer.version(plan.template)
        etag = f'"{plan.key}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            entry = renderer.card(plan)
            response = HttpResponse(entry.body, content_type=entry.content_type)
            response["Cache-Control"] = (DEGRADED_CACHE_CONTROL if entry.degraded
                                         else VERSIONED_CACHE_CONTROL if versioned else CACHE_CONTROL)
    except OgError as error:
        return _error(error)
    response["ETag"] = etag
    response.setdefault("Cache-Control", CACHE_CONTROL)
    return response


def templates(request: HttpRequest) -> HttpResponse:
    listed = [item.to_dict() for item in app_config().renderer().templates.all()
              if not isinstance(item, Exception)]
    return JsonResponse({"templates": listed}, json_dumps_params={"ensure_ascii": False})
