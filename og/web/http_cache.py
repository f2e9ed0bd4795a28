"""HTTP caching from the request plan: ETag and Cache-Control are known before rendering, so
a ``304`` and a ``HEAD`` cost no render."""

from __future__ import annotations

from flask import Request
from flask import Response

from ..render import Plan

#: Cards change only when the template, the fonts or the query do: all are in the ETag.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"
#: A card drawn with something missing (no font for some text) is rendered again soon.
DEGRADED_CACHE_CONTROL = "public, max-age=60"


def not_modified(plan: Plan, request: Request) -> bool:
    """Whether the client already holds this card (``If-None-Match`` names its ETag)."""
    return plan.key in request.if_none_match or request.if_none_match.star_tag


def cache_headers(response: Response, plan: Plan, degraded: bool = False) -> Response:
    response.set_etag(plan.key)
    response.headers["Cache-Control"] = DEGRADED_CACHE_CONTROL if degraded else CACHE_CONTROL
    return response
