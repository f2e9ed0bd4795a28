"""The ``<meta>`` tags of a card, written once for every front end (the Jinja2 ``og_meta`` of
Flask and FastAPI sites, the Django tag, the studio): its absolute URL (signed when there is a
key), size, type and ``alt``, which by default is the text the card really shows (the layout
report's lines, an ellipsis where the text was cut), so a screen reader hears what a sighted
reader sees; and the platforms' byte limits the studio shows.

>>> print(meta_html([("og:image", 'https://x/a.png?t=Tom&j="J"'), ("twitter:card", "summary_large_image")]))
<meta property="og:image" content="https://x/a.png?t=Tom&amp;j=&quot;J&quot;">
<meta name="twitter:card" content="summary_large_image">
"""

from __future__ import annotations

import html
import re
import typing as t
import urllib.parse

from ..formats import CONTENT_TYPES
from ..render import Renderer
from ..report import shown_text
from ..signing import image_url
from ..signing import sign_url
from ..template.load import Template
from ..template.params import json_number
from ..template.params import require

#: X shows a 1200x630 card large only with this card type.
TWITTER_CARD = "summary_large_image"
#: X truncates longer image descriptions (its alt-text limit, in characters).
ALT_MAX_CHARACTERS = 420

#: Largest og:image each platform accepts, in bytes (``/work/shared/FINDINGS.md``: their docs and
#: widely reported figures). Over the limit, the link unfurls without an image.
PLATFORM_LIMITS: tuple[tuple[str, int, str], ...] = (
    ("Facebook", 8_000_000, "8 MB"),
    ("X", 5_000_000, "5 MB"),
    ("LinkedIn", 5_000_000, "5 MB"),
    ("Mastodon", 2_000_000, "2 MB"),
    ("Bluesky", 1_000_000, "≈ 1 MB"),
    ("WhatsApp", 300_000, "≈ 300 KB (its docs: 600 KB)"),
)


def alt_text(report: t.Mapping[str, t.Any]) -> str:
    """What the card says, for readers who cannot see it (:func:`og.report.shown_text`), or
    the template's name for a card without text; spaces collapsed, cut to X's limit."""
    text = " ".join(shown_text(report).split()) or str(report["template"])
    return text if len(text) <= ALT_MAX_CHARACTERS else text[: ALT_MAX_CHARACTERS - 1] + "…"


def card_url(name: str, fmt: str, values: t.Mapping[str, str], keys: t.Sequence[bytes]) -> str:
    """The card's path and query below og's mount, signed when there are keys. Any parameter
    names work (a template may have parameters that ``image_url`` takes itself: ``base``,
    ``secret``, ``expires``)."""
    url = image_url(name, fmt, secret=())
    if values:
        url += "?" + urllib.parse.urlencode(sorted(values.items()), quote_via=urllib.parse.quote)
    return sign_url(url, keys) if keys else url


def image_tags(url: str, width: float, height: float, content_type: str, alt: str) -> list[tuple[str, str]]:
    """Open Graph's ``og:image`` at ``url`` and its structured properties."""
    return [
        ("og:image", url),
        ("og:image:width", str(json_number(width))),
        ("og:image:height", str(json_number(height))),
        ("og:image:type", content_type),
        ("og:image:alt", alt),
    ]


def twitter_tags(url: str, alt: str) -> list[tuple[str, str]]:
    """X's large-image card for the image at ``url``."""
    return [("twitter:card", TWITTER_CARD), ("twitter:image", url), ("twitter:image:alt", alt)]


def card_tags(renderer: Renderer, name: str, fmt: str, params: t.Mapping[str, str], *,
              keys: t.Sequence[bytes], absolute: t.Callable[[str], str],
              alt: str | None = None) -> list[tuple[str, str]]:
    """The tags of a published card: its URL carries ``v=`` (the card's content version, so
    platforms that cache by URL refresh when it changes, and og serves it immutable), is signed
    below og's mount, and ``absolute`` puts the site's origin and og's mount in front.

    ``page`` among ``params`` names the template's Inkscape pages to publish, in order, separated
    by commas or spaces (``page="wide,square"``): one ``og:image`` with its size, type and alt each,
    the first one the platforms' main image (and X's).

    :raises og.OgError: unknown template, page or parameter, a value too long (as the route would), a
        required value missing (even with no values at all: a published card is never the specimen).
    """
    values = {key: value for key, value in params.items() if key != "page"}
    pages: list[str | None] = [page for page in re.split(r"[\s,]+", params.get("page", "")) if page]
    pages = pages or [None]
    images = [_image(renderer, name, fmt, values, page, keys, absolute, alt) for page in pages]
    first = dict(images[0])
    return [*(tag for image in images for tag in image),
            *twitter_tags(first["og:image"], first["og:image:alt"])]


def _image(renderer: Renderer, name: str, fmt: str, values: t.Mapping[str, str], page: str | None,
           keys: t.Sequence[bytes], absolute: t.Callable[[str], str],
           alt: str | None) -> list[tuple[str, str]]:
    """One page's ``og:image`` and its properties."""
    plan = renderer.plan(name, values, fmt, page=page)  # refuse here what the route would refuse
    # Tags are for a published card: never the specimen's sample text, in the image or its alt.
    require(plan.template.params, values)
    report = renderer.report(plan)
    query = {**values, "v": renderer.version(plan.template), **({"page": page} if page else {})}
    url = absolute(card_url(name, fmt, query, keys))
    return image_tags(url, report["width"], report["height"], CONTENT_TYPES[plan.fmt],
                      alt_text(report) if alt is None else alt)


def meta_html(tags: t.Iterable[tuple[str, str]]) -> str:
    """The tags as HTML, every value escaped: Open Graph uses ``property``, X uses ``name``."""
    lines = []
    for prop, content in tags:
        attribute = "name" if prop.startswith("twitter:") else "property"
        lines.append(f'<meta {attribute}="{html.escape(prop)}" content="{html.escape(content)}">')
    return "\n".join(lines)


def card_urls(template: Template, values: t.Mapping[str, str], report: t.Mapping[str, t.Any],
              keys: t.Sequence[bytes], root_url: str, version: str = "") -> dict[str, t.Any]:
    """The studio's view of a card: signed (when there are keys) URLs of the card and its layout
    ``report``, the absolute image URL and the meta tags for it. Only values that differ from
    the defaults go into the URLs; the one to publish carries ``v=version``; a card of one of the
    template's Inkscape pages carries ``page=`` too (the first page's included, as ``og_meta`` writes it)."""
    given = {name: value for name, value in values.items() if value != template.params[name].default}
    if template.pages:
        given["page"] = template.page or template.pages[0].name
    png = card_url(template.name, "png", given, keys)  # the preview: never cached for long
    published = card_url(template.name, "png", {**given, "v": version}, keys) if version else png
    absolute = root_url.rstrip("/") + published
    card: dict[str, t.Any] = {
        "name": template.name,
        "page": given.get("page", ""),
        "width": json_number(template.width),
        "height": json_number(template.height),
        "png": png,
        "json": card_url(template.name, "json", given, keys),
        "image_url": absolute,
        "signed": bool(keys),
        "alt": alt_text(report),
        "limits": [{"platform": platform, "bytes": limit, "label": label}
                   for platform, limit, label in PLATFORM_LIMITS],
    }
    return {**card, "meta": pages_meta([card])}


def pages_meta(cards: t.Sequence[t.Mapping[str, t.Any]]) -> str:
    """The tags of several of :func:`card_urls`'s cards published together, as ``og_meta(page=...)``
    writes them: an ``og:image`` with its size, type and alt for each, X's card of the first."""
    return meta_html([*(tag for card in cards for tag in image_tags(
        card["image_url"], card["width"], card["height"], CONTENT_TYPES["png"], card["alt"])),
        *twitter_tags(cards[0]["image_url"], cards[0]["alt"])])
