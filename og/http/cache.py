"""HTTP caching from the request plan: ETag and Cache-Control are known before rendering, so
a ``304`` and a ``HEAD`` cost no render."""

from __future__ import annotations

from ..render import Plan
from .messages import Headers
from .messages import etag_matches

#: Cards change only when the template, the fonts or the query do: all are in the ETag.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"
#: A card drawn with something missing (no font for some text) is rendered again soon.
DEGRADED_CACHE_CONTROL = "public, max-age=60"
#: A URL whose ``v=`` names the current version of its template never changes: keep it forever.
VERSIONED_CACHE_CONTROL = "public, max-age=31536000, immutable"


def not_modified(plan: Plan, if_none_match: str) -> bool:
    """Whether the client already holds this card (``If-None-Match`` names its ETag)."""
    return etag_matches(if_none_match, plan.key)


def cache_headers(plan: Plan, degraded: bool = False, versioned: bool = False,
                  photo_max_age_s: float = 3600.0) -> Headers:
    """ETag and Cache-Control. A stale or missing ``v=`` gets the ordinary policy (the card is
    today's, under a URL that may later show another); a card with a photo is kept no longer
    than og keeps the photo (its picture may change behind its URL), ``v=`` or not."""
    if degraded:
        policy = DEGRADED_CACHE_CONTROL
    elif plan.photos:
        policy = f"public, max-age={int(photo_max_age_s)}"
    else:
        policy = VERSIONED_CACHE_CONTROL if versioned else CACHE_CONTROL
    return [("ETag", f'"{plan.key}"'), ("Cache-Control", policy)]
