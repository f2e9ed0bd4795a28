"""Routes: check the request, name its result, answer from what is known, render the rest."""

from __future__ import annotations

import re
import time
import typing as t

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request

from .. import signing
from ..errors import BadParameter
from ..errors import ImageUnavailable
from ..render import CONTENT_TYPES
from ..render import Renderer
from .error_card import ErrorCards
from .http_cache import cache_headers
from .http_cache import not_modified

bp = Blueprint("og", __name__)

#: Link-preview fetchers, which show an image or nothing.
CRAWLERS = re.compile(r"facebookexternalhit|Facebot|Twitterbot|LinkedInBot|Slackbot|Discordbot|"
                      r"WhatsApp|TelegramBot|Pinterest|redditbot|Applebot|SkypeUriPreview|Embedly",
                      re.IGNORECASE)


def renderer() -> Renderer:
    return t.cast(Renderer, current_app.extensions["og"])


def error_cards() -> ErrorCards:
    return t.cast(ErrorCards, current_app.extensions["og.error_cards"])


def wants_image() -> bool:
    """Whether the client would show an image rather than read JSON: a crawler, or an
    ``<img>`` request (it asks for images and not for JSON)."""
    if not request.path.endswith(".png"):
        return False
    if CRAWLERS.search(request.headers.get("User-Agent", "")):
        return True
    accept = request.accept_mimetypes
    return accept.quality("image/png") > accept.quality("application/json")


def error_response(status: int, body: dict[str, t.Any]) -> Response:
    """JSON for API clients; the same message as a PNG card for crawlers and ``<img>``."""
    if wants_image():
        try:
            image = error_cards().png(status, str(body.get("message", "")))
        except Exception:  # the error card must never hide the original error
            image = None
        if image is not None:
            response = Response(image, status=status, content_type="image/png")
            response.headers["Cache-Control"] = "no-store"
            return response
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@bp.get("/templates")
def templates() -> Response:
    listed = []
    for item in renderer().templates.all():
        if isinstance(item, Exception):
            continue
        listed.append(item.to_dict())
    return jsonify({"templates": listed})


def _params() -> dict[str, str]:
    """The query's values by name; the signature's own parameters are not the template's."""
    params: dict[str, str] = {}
    for name, values in request.args.lists():
        if name in signing.SIGNING_PARAMS and signing_keys():
            continue
        if len(values) > 1:
            raise BadParameter(f"parameter {name[:64]!r} is given {len(values)} times; give it once",
                               parameter=name[:64])
        params[name] = values[0]
    return params


def signing_keys() -> tuple[bytes, ...]:
    return t.cast(tuple[bytes, ...], current_app.extensions["og.keys"])


@bp.get("/<name>.<fmt>")
def card(name: str, fmt: str) -> Response:
    keys = signing_keys()
    if keys:  # before any work: an unsigned URL costs nothing
        signing.verify(request.path, request.args.items(multi=True), keys, time.time())
    plan = renderer().plan(name, _params(), fmt)
    content_type = CONTENT_TYPES[plan.fmt] + ("; charset=utf-8" if plan.fmt == "json" else "")
    if not_modified(plan, request):
        return cache_headers(Response(status=304), plan)
    if request.method == "HEAD":
        return cache_headers(Response(content_type=content_type), plan)
    try:
        card = renderer().card(plan)
    except ImageUnavailable as error:  # a crawler gets the placeholder if the slot says so
        if not wants_image() or error.details.get("fallback") != "placeholder":
            raise
        plan, card = renderer().fallback_card(plan, error)
    return cache_headers(Response(card.body, content_type=content_type), plan, card.degraded)
