"""The ``<meta>`` tags a page pastes into its head for one card, and the platforms' byte limits."""

from __future__ import annotations

import typing as t
import urllib.parse

from markupsafe import escape

from ...signing import image_url
from ...signing import sign_url
from ...template.load import Template
from ...template.params import json_number

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
    """What the card says, for readers who cannot see it: the text of its boxes as laid out (cut
    where the card cuts it), in document order."""
    boxes = (" ".join(" ".join(line["text"].split()) for line in text["lines"]) for text in report["texts"])
    text = " · ".join(box for box in boxes if box) or str(report["template"])
    return text if len(text) <= ALT_MAX_CHARACTERS else text[: ALT_MAX_CHARACTERS - 1] + "…"


def card_urls(template: Template, values: t.Mapping[str, str], report: t.Mapping[str, t.Any],
              keys: t.Sequence[bytes], base: str, version: str = "") -> dict[str, t.Any]:
    """Signed (when there are keys) URLs of the card and its layout ``report``, the absolute image
    URL and the meta tags for it. Only values that differ from the defaults go into the URLs;
    the one to publish carries ``v=version`` (the card's content version), as og.image_url does."""
    given = {name: value for name, value in values.items() if value != template.params[name].default}
    png = card_url(template.name, "png", given, keys)  # the preview: never cached for long
    width, height = json_number(template.width), json_number(template.height)
    published = card_url(template.name, "png", {**given, "v": version}, keys) if version else png
    absolute = base.rstrip("/") + published
    alt = alt_text(report)
    return {
        "name": template.name,
        "width": width,
        "height": height,
        "png": png,
        "json": card_url(template.name, "json", given, keys),
        "image_url": absolute,
        "signed": bool(keys),
        "alt": alt,
        "meta": meta_tags(absolute, width, height, alt),
        "limits": [{"platform": platform, "bytes": limit, "label": label}
                   for platform, limit, label in PLATFORM_LIMITS],
    }


def card_url(name: str, fmt: str, values: t.Mapping[str, str], keys: t.Sequence[bytes]) -> str:
    """Like :func:`og.image_url`, for any parameter names: a template may have parameters that
    ``image_url`` takes itself (``base``, ``secret``, ``expires``)."""
    url = image_url(name, fmt, secret=())
    if values:
        url += "?" + urllib.parse.urlencode(sorted(values.items()), quote_via=urllib.parse.quote)
    return sign_url(url, keys) if keys else url


def meta_tags(url: str, width: float, height: float, alt: str) -> str:
    """Open Graph and X card tags, one per line, every value HTML-escaped."""
    tags = (
        ("property", "og:image", url),
        ("property", "og:image:width", str(width)),
        ("property", "og:image:height", str(height)),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:image", url),
        ("name", "twitter:image:alt", alt),
    )
    return "\n".join(f'<meta {kind}="{name}" content="{escape(value)}">' for kind, name, value in tags)
