"""Whether og's Flask app serves the preview studio (its pages and API are og's HTTP core's:
:mod:`og.http.studio`, served by every front end)."""

from __future__ import annotations

import logging

from flask import Flask

from ...config import Settings

log = logging.getLogger(__name__)


def studio_enabled(app: Flask, settings: Settings) -> bool:
    """``OG_STUDIO=1`` (the setting, or ``OG_STUDIO`` in the app's config), or Flask debug mode."""
    return bool(settings.studio or app.config.get("OG_STUDIO") or app.debug)


def register_studio(app: Flask, settings: Settings) -> None:
    """Say in the log that the studio is on, when it is."""
    if studio_enabled(app, settings):
        log.warning("the preview studio is on (OG_STUDIO=1 or debug): it exposes template internals and "
                    "signs any card it is asked for; never enable it on a public deployment")


__all__ = ["register_studio", "studio_enabled"]
