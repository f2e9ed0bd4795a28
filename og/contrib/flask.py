"""og inside a Flask site: ``OG(app)`` (or ``og_ext.init_app(app)``) mounts og's own app
(:func:`og.web.create_app`, with all its routes, error handling and headers) under
``OG_URL_PREFIX`` (default ``/og``), and gives templates ``og_meta("article", title=...)``.

Mounting the whole app rather than copying its routes keeps og's behaviour (JSON errors and error
cards, caching, signing) exactly as ``og serve`` has it, and keeps it off the site's pages: the
site's error pages, hooks and 404s stay its own.

Settings are ``app.config["OG_*"]``, with the environment as the fallback (the names ``og serve``
reads, e.g. ``OG_SECRET``, ``OG_TEMPLATES_DIR``); ``OG_RENDERER`` may hold a ready
:class:`og.Renderer`, ``OG_BASE_URL`` the site's origin for absolute URLs (default: the request's).
"""

from __future__ import annotations

import os
import typing as t

from flask import Flask
from flask import current_app
from markupsafe import Markup
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from ..config import Settings
from ..http import HttpCore
from ..http.meta import card_tags
from ..http.meta import meta_html
from ..http.proxies import behind_proxies
from ..pool import pooled
from ..render import Renderer
from ..web import create_app
from ..web.app import trust_proxies
from ..web.routes import og_request
from .meta import DEFAULT_URL_PREFIX
from .meta import URL_PREFIX_SETTING
from .meta import settings_env


def settings_from_config(config: t.Mapping[str, t.Any],
                         environ: t.Mapping[str, str] | None = None) -> Settings:
    """:class:`Settings` from a Flask config's ``OG_*`` keys over the environment's."""
    return Settings.from_env(settings_env(config, os.environ if environ is None else environ))


class OG:
    """The extension. It keeps no state: everything lives in ``app.extensions``, so one
    instance may serve several apps (the application-factory pattern)."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        renderer = app.config.get("OG_RENDERER") or pooled(Renderer(settings_from_config(app.config)))
        prefix = (app.config.get(URL_PREFIX_SETTING) or os.environ.get(URL_PREFIX_SETTING)
                  or DEFAULT_URL_PREFIX)
        prefix = "/" + str(prefix).strip("/")
        og_app = create_app({"OG_RENDERER": renderer, "TESTING": app.testing})
        app.extensions["og.app"] = og_app
        app.extensions["og.prefix"] = prefix
        app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {prefix: og_app.wsgi_app})  # type: ignore[method-assign]
        trust_proxies(app, renderer.settings.trusted_proxies)
        app.add_template_global(og_meta, "og_meta")
        app.add_template_global(og_image_url, "og_image_url")


def og_image_url(name: str, fmt: str = "png", /, **params: str) -> str:
    """The card's absolute URL (signed when og has ``OG_SECRET``)."""
    return dict(_tags(name, fmt, params, None))["og:image"]


def og_meta(name: str, fmt: str = "png", /, *, alt: str | None = None, **params: str) -> Markup:
    """``og:image`` (absolute, signed when there is a key), its width, height, type and alt, and
    X's large-image card, as escaped ``<meta>`` tags. ``alt`` defaults to the text the card shows."""
    return Markup(meta_html(_tags(name, fmt, params, alt)))


def _tags(name: str, fmt: str, params: t.Mapping[str, t.Any], alt: str | None) -> list[tuple[str, str]]:
    """The card's tags. The mounted app sees paths without the prefix, so the signature covers
    ``/name.fmt`` and the prefix goes in front with the origin."""
    core: HttpCore = current_app.extensions["og.app"].extensions["og.core"]
    configured = current_app.config.get("OG_BASE_URL")
    # the site's origin as the client asked for it (behind OG_TRUSTED_PROXIES, as og's own URLs)
    origin = str(configured) if configured else \
        behind_proxies(og_request(), core.renderer.settings.trusted_proxies).root_url
    base = origin.rstrip("/") + current_app.extensions["og.prefix"]
    return card_tags(core.renderer, name, fmt, {k: str(v) for k, v in params.items()}, keys=core.keys,
                     absolute=lambda url: base + url, alt=alt)
