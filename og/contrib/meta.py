"""The ``<meta>`` tags of a card, for any web framework: its absolute URL (signed when there is
a key), size, type and ``alt``, which by default is the text the card really shows (the layout
report's lines, an ellipsis where the text was cut), so a screen reader hears what a sighted
reader sees.

>>> print(meta_html([("og:image", 'https://x/a.png?t=Tom&j="J"'), ("twitter:card", "summary_large_image")]))
<meta property="og:image" content="https://x/a.png?t=Tom&amp;j=&quot;J&quot;">
<meta name="twitter:card" content="summary_large_image">
"""

from __future__ import annotations

import html
import json
import re
import typing as t
import urllib.parse

from ..render import CONTENT_TYPES
from ..render import Renderer
from ..report import shown_text
from ..signing import sign_url
from ..template.params import json_number
from ..template.params import require

#: X shows a 1200x630 card large only with this card type.
TWITTER_CARD = "summary_large_image"
#: Settings an app may give beside :class:`og.config.Settings`' own.
URL_PREFIX_SETTING = "OG_URL_PREFIX"
DEFAULT_URL_PREFIX = "/og"


def card_path(prefix: str, name: str, fmt: str) -> str:
    """Where og's card route answers ``name.fmt`` under the mount ``prefix``.

    >>> card_path("/og/", "article", "png")
    '/og/article.png'
    """
    return f"{prefix.rstrip('/')}/{urllib.parse.quote(name)}.{urllib.parse.quote(fmt)}"


def card_tags(renderer: Renderer, name: str, fmt: str, params: t.Mapping[str, str], *, path: str,
              keys: t.Sequence[bytes], absolute: t.Callable[[str], str],
              alt: str | None = None) -> list[tuple[str, str]]:
    """(property, content) pairs for a card served at ``path`` (as the route sees it, so its
    signature verifies); ``absolute`` turns the signed path and query into a full URL.

    ``page`` among ``params`` names the template's Inkscape pages to publish, in order, separated
    by commas or spaces (``page="wide,square"``): one ``og:image`` with its size, type and alt each,
    the first one the platforms' main image (and X's).

    :raises og.OgError: unknown template, page or parameter, a value too long (as the route would), a
        required value missing (even with no values at all: a published card is never the specimen).
    """
    values = {key: value for key, value in params.items() if key != "page"}
    pages: list[str | None] = [p for p in re.split(r"[\s,]+", params.get("page", "")) if p] or [None]
    images = [_image_tags(renderer, name, fmt, values, page, path, keys, absolute, alt) for page in pages]
    first = dict(images[0])
    return [*(tag for image in images for tag in image), ("twitter:card", TWITTER_CARD),
            ("twitter:image", first["og:image"]), ("twitter:image:alt", first["og:image:alt"])]


def _image_tags(renderer: Renderer, name: str, fmt: str, params: t.Mapping[str, str], page: str | None,
                path: str, keys: t.Sequence[bytes], absolute: t.Callable[[str], str],
                alt: str | None) -> list[tuple[str, str]]:
    """One card's ``og:image`` and its structured properties."""
    plan = renderer.plan(name, params, fmt, page=page)  # refuse here what the route would refuse
    # Tags are for a published card: never the specimen's sample text, in the image or its alt.
    require(plan.template.params, params)
    report = json.loads(renderer.card(renderer.plan(name, params, "json", page=page)).body)
    # v= names the card's content version: platforms that cache by URL refresh when it changes,
    # and the URL is served immutable (see og.web.http_cache).
    versioned = {**params, "v": renderer.version(plan.template), **({"page": page} if page else {})}
    query = urllib.parse.urlencode(sorted(versioned.items()), quote_via=urllib.parse.quote)
    url = path + (f"?{query}" if query else "")
    if keys:
        url = sign_url(url, keys)
    url = absolute(url)
    return [
        ("og:image", url),
        ("og:image:width", str(json_number(report["width"]))),
        ("og:image:height", str(json_number(report["height"]))),
        ("og:image:type", CONTENT_TYPES[plan.fmt]),
        ("og:image:alt", shown_text(report) if alt is None else alt),
    ]


def meta_html(tags: t.Iterable[tuple[str, str]]) -> str:
    """The tags as HTML, every value escaped: Open Graph uses ``property``, X uses ``name``."""
    lines = []
    for prop, content in tags:
        attribute = "name" if prop.startswith("twitter:") else "property"
        lines.append(f'<meta {attribute}="{html.escape(prop)}" content="{html.escape(content)}">')
    return "\n".join(lines)


def settings_env(options: t.Mapping[str, t.Any], environ: t.Mapping[str, str]) -> dict[str, str]:
    """The environment with the app's ``OG_*`` options over it: what ``Settings.from_env`` reads,
    so an app's config wins and the environment is the fallback. ``None`` means unset.

    >>> settings_env({"OG_MAX_LENGTH": 80, "OG_SECRET": None, "DEBUG": True}, {"OG_SECRET": "k"})
    {'OG_SECRET': 'k', 'OG_MAX_LENGTH': '80'}
    """
    merged = dict(environ)
    for key, value in options.items():
        if key.startswith("OG_") and value is not None:
            merged[key] = "1" if value is True else "0" if value is False else str(value)
    return merged
