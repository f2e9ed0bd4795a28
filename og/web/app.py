"""Application factory: one :class:`og.Renderer` per app, errors always as JSON."""

from __future__ import annotations

import logging
import time
import typing as t

from flask import Flask
from flask import Response
from flask import g
from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Settings
from ..errors import OgError
from ..http import Answer
from ..http import HttpCore
from ..http.core import TEMPLATE_ERROR_MESSAGE as TEMPLATE_ERROR_MESSAGE
from ..http.events import LIFETIME_SECONDS
from ..http.events import MAX_STREAMS
from ..http.events import POLL_SECONDS
from ..http.observe import observe
from ..pool import isolated
from ..raster.lazy import LazyBackend
from ..render import Renderer
from .routes import bp
from .routes import core
from .routes import og_request
from .routes import response

log = logging.getLogger(__name__)


def create_app(test_config: t.Mapping[str, t.Any] | None = None) -> Flask:
    """Build the WSGI app. ``test_config`` may hold ``OG_SETTINGS`` (a :class:`Settings`)
    or ``OG_RENDERER`` (a ready :class:`Renderer`); ``OG_STUDIO_POLL_SECONDS`` and
    ``OG_STUDIO_EVENTS_SECONDS`` pace the studio's event stream, ``OG_STUDIO_STREAMS`` bounds them."""
    app = Flask(__name__)
    if test_config:
        app.config.update(test_config)
    renderer = app.config.get("OG_RENDERER")
    serving = renderer is None  # this app makes its renderer: a deploy (gunicorn's master), not a test
    if renderer is None:
        renderer = Renderer(app.config.get("OG_SETTINGS") or Settings.from_env())
    if isinstance(renderer.backend, LazyBackend):
        renderer.backend.load()  # cairo in the preloading master, shared by the forked workers

    def make_core() -> HttpCore:
        return HttpCore(
            renderer, studio=studio_enabled(app, renderer.settings),
            studio_poll_s=float(app.config.get("OG_STUDIO_POLL_SECONDS", POLL_SECONDS)),
            studio_lifetime_s=float(app.config.get("OG_STUDIO_EVENTS_SECONDS", LIFETIME_SECONDS)),
            studio_streams=int(app.config.get("OG_STUDIO_STREAMS", MAX_STREAMS)))

    if serving:
        # The templates load here (in gunicorn's master, before it forks the workers), each
        # loaded in a render process first: a template that is a bomb at load is its error.
        with isolated(renderer, processes=1):
            app.extensions["og.core"] = make_core()
        # og's own error card, drawn here, warms what every card needs (fonts, ICU, cffi's cairo
        # types, CairoSVG): render processes forked later start warm (a first card ≈ 160 ms, not
        # ≈ 400 ms, on the 2-core machine).
        app.extensions["og.core"].error_cards.png(503, "og is starting")
    else:
        app.extensions["og.core"] = make_core()
    app.register_blueprint(bp)
    trust_proxies(app, renderer.settings.trusted_proxies)

    @app.before_request
    def start_clock() -> None:
        g.og_started = time.perf_counter()

    @app.after_request
    def flask_answers(made: Response) -> Response:
        """What Flask answers itself (an error before any route) says nosniff and is counted and
        logged like the core's answers."""
        made.headers["X-Content-Type-Options"] = "nosniff"
        if request.endpoint != "og.serve":  # the core observes its own
            length = made.calculate_content_length()
            sized = [("Content-Length", str(length))] if length is not None else []
            headers = [*made.headers.items(), *sized]
            elapsed_ms = (time.perf_counter() - g.get("og_started", time.perf_counter())) * 1000
            observe(core().metrics, og_request(), Answer(made.status_code, headers), elapsed_ms, None)
        return made

    @app.errorhandler(OgError)
    def og_error(error: OgError) -> t.Any:
        return response(core().error_answer(og_request(), error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> t.Any:
        code = (error.name or "error").lower().replace(" ", "_")
        body = {"error": code, "message": error.description or ""}
        return response(core().error_body(og_request(), error.code or 500, body))

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> t.Any:
        return response(core().error_answer(og_request(), error))

    return app


def studio_enabled(app: Flask, settings: Settings) -> bool:
    """``OG_STUDIO=1`` (the setting, or ``OG_STUDIO`` in the app's config), or Flask debug mode:
    then og's HTTP core serves the studio (:mod:`og.http.studio`)."""
    return bool(settings.studio or app.config.get("OG_STUDIO") or app.debug)


def trust_proxies(app: Flask, hops: int) -> None:
    """Read the client's address, scheme, host and port from the ``X-Forwarded-*`` headers that
    ``hops`` proxies in front of the app set (``OG_TRUSTED_PROXIES``), so absolute URLs (meta
    tags, the studio's) say ``https://`` behind TLS. With no hops, the headers are ignored: any
    client could send them. (Not ``X-Forwarded-Prefix``: reading it twice, in a site and in og
    mounted inside it, would add the prefix twice; the rest reads the same however often.)"""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops)

