"""Web: a Flask request → og's HTTP core (:mod:`og.http`) → a Flask response. ``og serve``'s app
(``create_app``, the Procfile's ``app:app``), its gunicorn worker and serving limits, and the
studio's pages (``studio/``, served only with ``OG_STUDIO=1`` or in debug mode). What a request
means is decided in :mod:`og.http.core`; ``routes`` only adapts."""

from __future__ import annotations

from .app import create_app as create_app

__all__ = ["create_app"]
