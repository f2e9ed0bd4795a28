"""The preview studio: a designer's page at ``GET /`` → every template as a live card, its form,
its ``<meta>`` tags, platform mock-ups, the layout report drawn over it and ``og check``.

Off unless ``OG_STUDIO=1`` (or Flask's debug mode). A deployed og must not serve it: it shows
template internals (text boxes, fonts, linter findings), renders a card on every keystroke of
anyone who opens it, and with ``OG_SECRET`` set its card API signs any values it is given, so it
would hand out the signatures that keep strangers from rendering cards on the site's behalf.
"""

from __future__ import annotations

import logging

from flask import Flask

from ...config import Settings
from .routes import bp as bp

log = logging.getLogger(__name__)


def studio_enabled(app: Flask, settings: Settings) -> bool:
    """``OG_STUDIO=1`` (the setting, or ``OG_STUDIO`` in the app's config), or Flask debug mode."""
    return bool(settings.studio or app.config.get("OG_STUDIO") or app.debug)


def register_studio(app: Flask, settings: Settings) -> None:
    """Serve the studio on ``app`` when it is enabled, and say so in the log."""
    if not studio_enabled(app, settings):
        return
    app.register_blueprint(bp)
    log.warning("the preview studio is on (OG_STUDIO=1 or debug): it exposes template internals and "
                "signs any card it is asked for; never enable it on a public deployment")


__all__ = ["bp", "register_studio", "studio_enabled"]
