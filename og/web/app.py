"""Application factory: one :class:`og.Renderer` per app, errors always as JSON."""

from __future__ import annotations

import logging
import typing as t

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Settings
from ..errors import OgError
from ..errors import TemplateError
from ..pool import isolated
from ..raster.lazy import LazyBackend
from ..render import Renderer
from ..signing import keys_from_env
from .error_card import ErrorCards
from .observe import Metrics
from .observe import install as install_observers
from .routes import bp
from .routes import error_response
from .studio import register_studio

log = logging.getLogger(__name__)


#: What a client is told about a broken template (the log has the detail).
TEMPLATE_ERROR_MESSAGE = "template error: this card's template cannot be rendered; the server log says why"


def create_app(test_config: t.Mapping[str, t.Any] | None = None) -> Flask:
    """Build the WSGI app. ``test_config`` may hold ``OG_SETTINGS`` (a :class:`Settings`)
    or ``OG_RENDERER`` (a ready :class:`Renderer`)."""
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    if test_config:
        app.config.update(test_config)
    renderer = app.config.get("OG_RENDERER")
    serving = renderer is None  # this app makes its renderer: a deploy (gunicorn's master), not a test
    if renderer is None:
        renderer = Renderer(app.config.get("OG_SETTINGS") or Settings.from_env())
        # The templates load here (in gunicorn's master, before it forks the workers) after each
        # loaded in a render process first: a template that is a bomb at load is its error.
        with isolated(renderer, processes=1):
            _log_template_problems(renderer)
    else:
        _log_template_problems(renderer)
    app.extensions["og"] = renderer
    if isinstance(renderer.backend, LazyBackend):
        renderer.backend.load()  # cairo in the preloading master, shared by the forked workers
    app.extensions["og.error_cards"] = ErrorCards(renderer)
    if serving:
        # og's own error card, drawn here, warms what every card needs (fonts, ICU, cffi's cairo
        # types, CairoSVG): render processes forked later start warm (a first card ≈ 160 ms, not
        # ≈ 400 ms, on the 2-core machine).
        app.extensions["og.error_cards"].png(503, "og is starting")
    app.extensions["og.keys"] = keys_from_env(renderer.settings.secret)
    if not app.extensions["og.keys"]:
        log.warning("OG_SECRET is not set: og serves UNSIGNED URLs, so anyone can make it render "
                    "any card. Set OG_SECRET (comma-separated keys) before going public.")
    app.register_blueprint(bp)
    app.extensions["og.metrics"] = Metrics()
    install_observers(app, app.extensions["og.metrics"], renderer.settings.metrics_token)

    @app.after_request
    def no_sniffing(response: t.Any) -> t.Any:
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    register_studio(app, renderer.settings)
    trust_proxies(app, renderer.settings.trusted_proxies)

    @app.errorhandler(OgError)
    def og_error(error: OgError) -> t.Any:
        if isinstance(error, TemplateError):
            # The designer's problem: the detail goes to the log, not to whoever asked.
            log.error("%s", error.message)
            return error_response(error.status, {"error": error.code, "message": TEMPLATE_ERROR_MESSAGE})
        return error_response(error.status, error.to_dict())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> t.Any:
        return error_response(error.code or 500, {"error": (error.name or "error").lower().replace(" ", "_"),
                                                  "message": error.description or ""})

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> t.Any:
        log.exception("unexpected error")
        return error_response(500, {"error": "internal_error",
                                     "message": "og failed to render this card; the error is logged"})

    return app


def trust_proxies(app: Flask, hops: int) -> None:
    """Read the client's address, scheme, host and port from the ``X-Forwarded-*`` headers that
    ``hops`` proxies in front of the app set (``OG_TRUSTED_PROXIES``), so absolute URLs (meta
    tags, the studio's) say ``https://`` behind TLS. With no hops, the headers are ignored: any
    client could send them. (Not ``X-Forwarded-Prefix``: reading it twice, in a site and in og
    mounted inside it, would add the prefix twice; the rest reads the same however often.)"""
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops,  # type: ignore[method-assign]
                                x_host=hops, x_port=hops)


def _log_template_problems(renderer: Renderer) -> None:
    for path in renderer.fonts.unreadable:
        log.error("font file cannot be read: %s (cards in its family fall back to other faces; /readyz "
                  "fails until it is fixed)", path)
    for item in renderer.templates.all():
        if isinstance(item, OgError):
            log.error("%s", item.message)
