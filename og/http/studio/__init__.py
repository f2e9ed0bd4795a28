"""The preview studio, the same from every front end: its pages (:mod:`.pages`: at ``/`` every
template as a live card; a template's page with its form, ``<meta>`` tags, platform mock-ups, the
layout report drawn over it and ``og check``) and its API (:mod:`.api`), which the pages' script
fetches.

Off unless ``OG_STUDIO=1`` (or Flask's debug mode). A deployed og must not serve it: it shows
template internals (text boxes, fonts, linter findings), renders a card on every keystroke of
anyone who opens it, and with ``OG_SECRET`` set its card API signs any values it is given, so it
would hand out the signatures that keep strangers from rendering cards on the site's behalf.
"""

from __future__ import annotations

from .api import SlotStream as SlotStream
from .api import Studio as Studio
from .pages import NO_STORE as NO_STORE

__all__ = ["NO_STORE", "SlotStream", "Studio"]
