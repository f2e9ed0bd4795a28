"""Routes: check the request, then render, then respond. Nothing else lives here."""

from __future__ import annotations

import hashlib
import re
import typing as t

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request

from ..errors import BadParameter
from ..render import CONTENT_TYPES
from ..render import Renderer

bp = Blueprint("og", __name__)

#: Link-preview fetchers, which show an image or nothing.
CRAWLERS = re.compile(r"facebookexternalhit|Facebot|Twitterbot|LinkedInBot|Slackbot|Discordbot|"
                      r"WhatsApp|TelegramBot|Pinterest|redditbot|Applebot|SkypeUriPreview|Embedly",
                      re.IGNORECASE)
#: Cards change only when the template or the query does; both are in the URL or ETag.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"


def renderer() -> Renderer:
    return t.cast(Renderer, current_app.extensions["og"])


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
            image = renderer().error_card(status, str(body.get("message", "")))
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
    params: dict[str, str] = {}
    for name, values in request.args.lists():
        if len(values) > 1:
            raise BadParameter(f"parameter {name[:64]!r} is given {len(values)} times; give it once",
                               parameter=name[:64])
        params[name] = values[0]
    return params


@bp.get("/<name>.<fmt>")
def card(name: str, fmt: str) -> Response:
    body = renderer().render(name, _params(), fmt)
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    if fmt == "json":
        response.content_type = "application/json; charset=utf-8"
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return t.cast(Response, response.make_conditional(request))
