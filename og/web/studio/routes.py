"""The studio's pages and its JSON: signed card URLs and meta tags, ``og check``, live reload."""

from __future__ import annotations

import dataclasses
import json

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request

from ...check import check_file
from ...check import has_errors
from ..routes import _params
from ..routes import renderer
from ..routes import signing_keys
from .events import BUSY_RETRY_SECONDS
from .events import LIFETIME_SECONDS
from .events import POLL_SECONDS
from .events import StreamSlots
from .events import template_events
from .meta import card_urls

bp = Blueprint("studio", __name__, template_folder="templates", static_folder="static",
               static_url_path="/studio/static")

#: The studio is for people editing templates: nothing it answers may be cached on the way.
NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/")
def index() -> str:
    return render_template("studio/index.html")


@bp.get("/studio/t/<name>")
def template_page(name: str) -> str:
    renderer().templates.path_for(name)  # 404 for a template that is not there
    return render_template("studio/card.html", name=name)


@bp.get("/studio/api/card/<name>")
def card_api(name: str) -> Response:
    """The card's URLs (signed when og has keys) and meta tags; the query is the template's
    values, checked like a card request's (unknown or too long: ``400``)."""
    plan = renderer().plan(name, _params(), "json")
    report = json.loads(renderer().card(plan).body)  # what the page fetches next: then from the cache
    body = card_urls(plan.template, plan.values, report, signing_keys(), request.host_url,
                     renderer().version(plan.template))
    return _no_store(jsonify(body))


@bp.get("/studio/api/check/<name>")
def check_api(name: str) -> Response:
    """``og check`` on the template's file: what og understood and what it cannot render."""
    findings = check_file(renderer().templates.path_for(name), renderer().fonts)
    listed = [dataclasses.asdict(finding) for finding in findings]
    return _no_store(jsonify({"name": name, "errors": has_errors(findings), "findings": listed}))


#: Where the app keeps its :class:`StreamSlots` (:func:`og.web.studio.register_studio` puts it there).
STREAM_SLOTS = "og.studio.streams"


@bp.get("/studio/events")
def events() -> Response:
    """Server-Sent Events: a template file was saved (see :mod:`.events`). Over this worker's
    bound of open streams: ``503`` with ``Retry-After`` (the studio's page tries again then)."""
    config = current_app.config
    slots: StreamSlots = current_app.extensions[STREAM_SLOTS]
    stream = template_events(renderer().templates,
                             poll_seconds=float(config.get("OG_STUDIO_POLL_SECONDS", POLL_SECONDS)),
                             lifetime_seconds=float(config.get("OG_STUDIO_EVENTS_SECONDS", LIFETIME_SECONDS)))
    if not slots.take():
        message = f"this worker already holds {slots.limit} studio event streams; try again later"
        busy = jsonify({"error": "too_many_streams", "message": message})
        busy.status_code = 503
        busy.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return _no_store(busy)
    response = Response(stream, mimetype="text/event-stream", headers={**NO_STORE, "X-Accel-Buffering": "no"})
    response.call_on_close(slots.give_back)  # the server closes the response when the stream ends or drops
    return response


def _no_store(response: Response) -> Response:
    response.headers.update(NO_STORE)
    return response


__all__ = ["bp"]
