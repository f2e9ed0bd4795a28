"""Web: an HTTP request → a response, through :class:`og.render.Renderer`: check it (signature,
parameters), name its result, answer 304/HEAD from the name, render the rest. The only
package that imports Flask; error cards (``error_card``) and HTTP caching (``http_cache``).
``studio/`` is the designers' preview page, served only with ``OG_STUDIO=1`` or in debug mode."""

from __future__ import annotations

from .app import create_app as create_app

__all__ = ["create_app"]
