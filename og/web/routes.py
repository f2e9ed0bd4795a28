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
from ..errors import Overloaded
from ..render import CONTENT_TYPES
from ..render import OWN_PARAMS
from ..render import Plan
from ..render import Renderer
from .error_card import ErrorCards
from .http_cache import cache_headers
from .http_cache import not_modified
from .observe import record_card

bp = Blueprint("og", __name__)

#: Link-preview fetchers, which show an image or nothing.
CRAWLERS = re.compile(r"facebookexternalhit|Facebot|Twitterbot|LinkedInBot|Slackbot|Slack-ImgProxy|"
                      r"Discordbot|WhatsApp|TelegramBot|Pinterest|redditbot|Applebot|SkypeUriPreview|"
                      r"Embedly|Mastodon/|Cardyb|Bluesky|Iframely|vkShare|Google-InspectionTool",
                      re.IGNORECASE)


def renderer() -> Renderer:
    return t.cast(Renderer, current_app.extensions["og"])


def error_cards() -> ErrorCards:
    return t.cast(ErrorCards, current_app.extensions["og.error_cards"])


def wants_image() -> bool:
    """Whether the client would show an image rather than read JSON: a crawler, or an
    ``<img>`` request (it asks for images and not for JSON)."""
    if not request.path.endswith((".png", ".jpg", ".jpeg", ".webp", ".avif")):
        return False
    if CRAWLERS.search(request.headers.get("User-Agent", "")):
        return True
    accept = request.accept_mimetypes
    return accept.quality("image/png") > accept.quality("application/json")


def error_response(status: int, body: dict[str, t.Any]) -> Response:
    """JSON for API clients; the same message as a PNG card for crawlers and ``<img>``.
    A ``retry_after`` in the body (a render stopped, og busy) becomes ``Retry-After``."""
    if wants_image():
        try:
            image = error_cards().png(status, str(body.get("message", "")))
        except Exception:  # the error card must never hide the original error
            image = None
        if image is not None:
            return _no_store(Response(image, status=status, content_type="image/png"), body)
    response = jsonify(body)
    response.status_code = status
    return _no_store(response, body)


def _no_store(response: Response, body: dict[str, t.Any]) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Og-Error"] = str(body.get("error", "error"))
    if "retry_after" in body:
        response.headers["Retry-After"] = str(body["retry_after"])
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """Alive: the process answers (a load balancer restarts it when not)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Response:
    """Ready: every template loads and every font file reads; what fails is named."""
    problems = readiness_problems(renderer())
    response = jsonify({"status": "ok" if not problems else "failing", "problems": problems})
    response.status_code = 503 if problems else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def readiness_problems(og_renderer: Renderer) -> list[str]:
    problems = [f"font file cannot be read: {path}" for path in og_renderer.fonts.unreadable]
    problems += [item.message for item in og_renderer.templates.all() if isinstance(item, Exception)]
    return problems


@bp.get("/templates")
def templates() -> Response:
    listed = []
    for item in renderer().templates.all():
        if isinstance(item, Exception):
            continue
        listed.append(item.to_dict())
    return jsonify({"templates": listed})


def _params() -> dict[str, str]:
    """The template's values by name, each given once."""
    params: dict[str, str] = {}
    for name, values in request.args.lists():
        if name in OWN_PARAMS or (name in signing.SIGNING_PARAMS and signing_keys()):
            continue
        if len(values) > 1:
            raise BadParameter(f"parameter {name[:64]!r} is given {len(values)} times; give it once",
                               parameter=name[:64])
        params[name] = values[0]
    return params


def signing_keys() -> tuple[bytes, ...]:
    return t.cast(tuple[bytes, ...], current_app.extensions["og.keys"])


def queued_for_s(header: str | None, now: float) -> float:
    """Seconds a request waited before og saw it, from the ``X-Request-Start`` a router adds
    (Heroku: ``t=`` milliseconds; nginx: ``t=`` seconds with a fraction); 0 when unknown.

    >>> queued_for_s("t=1000000000500", 1000000001.0), queued_for_s("t=1000000000.25", 1000000001.0)
    (0.5, 0.75)
    """
    value = (header or "").strip().removeprefix("t=")
    try:
        started = float(value)
    except ValueError:
        return 0.0
    for per_second in (1, 1e3, 1e6):  # seconds, milliseconds, microseconds since the epoch
        if abs(now - started / per_second) < 86_400:
            return max(0.0, now - started / per_second)
    return 0.0


@bp.get("/<name>.<fmt>")
def card(name: str, fmt: str) -> Response:
    waited = queued_for_s(request.headers.get("X-Request-Start"), time.time())
    if waited > renderer().settings.queue_timeout:
        # Under gevent a worker takes the next connection only between renders, so a flood
        # waits in the router or the kernel: refuse what already waited too long, at once.
        raise Overloaded(f"og is busy: this request waited {waited:.1f} s; try again in a moment",
                         retry_after=1)
    keys = signing_keys()
    if keys:  # before any work: an unsigned URL costs nothing
        signing.verify(request.path, request.args.items(multi=True), keys, time.time())
    plan = renderer().plan(name, _params(), fmt, request.args.get("dpr", "1"), request.args.get("page"))
    versioned = request.args.get("v") == renderer().version(plan.template)
    if not_modified(plan, request):
        return _cached(Response(status=304), plan, versioned=versioned)
    if request.method == "HEAD":
        head = Response(content_type=_content_type(CONTENT_TYPES[plan.fmt]))
        if renderer().settings.max_bytes:  # a byte budget may answer in another format
            del head.headers["Content-Type"]
        return _cached(head, plan, versioned=versioned)
    timings: dict[str, float] = {}
    try:
        card = renderer().card(plan, timings)
    except ImageUnavailable as error:  # a crawler gets the placeholder if the slot says so
        if not wants_image() or error.details.get("fallback") != "placeholder":
            raise
        plan, card = renderer().fallback_card(plan, error)
    record_card(plan.template.name, plan.fmt, timings)
    response = Response(card.body, content_type=_content_type(card.content_type))
    if plan.fmt == "svg":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return _cached(response, plan, card.degraded, versioned)


def _cached(response: Response, plan: Plan, degraded: bool = False, versioned: bool = False) -> Response:
    return cache_headers(response, plan, degraded, versioned, renderer().settings.image_max_age_s)


#: A card's SVG is a picture, never a page: nothing in it may run or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _content_type(content_type: str) -> str:
    return content_type + ("; charset=utf-8" if content_type == "application/json" else "")
