"""``{% load og %}{% og_meta "article" title=post.title author=post.author %}``: the card's
``<meta>`` tags, with its absolute URL from the request (signed when ``OG`` has a secret)."""

from __future__ import annotations

import typing as t
import urllib.parse

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.safestring import mark_safe

from ....http.meta import card_tags
from ....http.meta import meta_html
from ....http.proxies import behind_proxies
from ..apps import app_config
from ..views import og_request

register = template.Library()


def _tags(context: t.Mapping[str, t.Any], name: str, fmt: str, alt: str | None,
          params: t.Mapping[str, t.Any]) -> list[tuple[str, str]]:
    config = app_config()
    mount = reverse("og:og", kwargs={"path": ""}).rstrip("/")
    # the site's origin as the client asked for it (behind OG_TRUSTED_PROXIES, as og's own URLs)
    origin = behind_proxies(og_request(context["request"], ""), config.renderer().settings.trusted_proxies)
    base = urllib.parse.urljoin(origin.root_url, "/").rstrip("/") + mount
    return card_tags(config.renderer(), name, fmt, {k: str(v) for k, v in params.items()}, keys=config.keys(),
                     absolute=lambda url: base + url, alt=alt)


@register.simple_tag(takes_context=True)  # type: ignore[untyped-decorator]
def og_meta(context: t.Mapping[str, t.Any], name: str, fmt: str = "png", alt: str | None = None,
            **params: t.Any) -> SafeString:
    """``og:image`` and its size, type and alt (default: the text the card shows), and X's
    large-image card; every value escaped."""
    return mark_safe(meta_html(_tags(context, name, fmt, alt, params)))  # noqa: S308 (escaped in meta_html)


@register.simple_tag(takes_context=True)  # type: ignore[untyped-decorator]
def og_image_url(context: t.Mapping[str, t.Any], name: str, fmt: str = "png", **params: t.Any) -> str:
    """The card's absolute URL alone."""
    return dict(_tags(context, name, fmt, None, params))["og:image"]
