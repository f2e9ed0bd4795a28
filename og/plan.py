"""Planning: a request (a template, its parameters, a format, a pixel ratio) → a :class:`Plan`,
decided before anything is drawn: the checked values and the key that names the card (its cache
key and ETag), made from the inputs alone. Also what a template's URLs say: the content version
(``v=``) and the signed URL of a card.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import time
import typing as t

from . import signing
from .config import VERSION
from .config import Settings
from .errors import BadParameter
from .errors import TemplateNotFound
from .errors import UnknownFormat
from .fetch import ImageSource
from .formats import FORMATS
from .formats import RASTER_FORMATS
from .formats import Format
from .template.load import Template
from .template.pages import for_page
from .template.params import checked_values
from .template.store import TemplateStore
from .text.fonts import FontSet

#: A card's key (and ETag): 128 bits of SHA-256, plenty against collisions, short in headers.
KEY_HEX_DIGITS = 32
#: Query parameters og reads itself (the content version, the pixel ratio, the Inkscape page):
#: never a template's.
OWN_PARAMS = frozenset({"v", "dpr", "page"})
#: ``v=`` in versioned URLs: 48 bits tell versions of one template apart, and keep URLs short.
VERSION_HEX_DIGITS = 12


@dataclasses.dataclass(frozen=True)
class Plan:
    """A request decided before anything is drawn: what to render, and the key that names the
    result (the cache key and the ETag), made from the inputs alone."""

    template: Template
    values: dict[str, str]
    fmt: Format
    key: str
    dpr: float = 1.0  # device pixels per CSS pixel (raster formats)
    photos: bool = False  # an image parameter is given: its picture may change behind its URL


class Planner:
    """Checks requests and names their cards: what everything that answers a card asks first."""

    def __init__(self, settings: Settings, templates: TemplateStore, fonts: FontSet,
                 images: ImageSource) -> None:
        self.settings = settings
        self.templates = templates
        self.fonts = fonts
        self.images = images

    def plan(self, name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png",
             dpr: float | str = 1.0, page: str | None = None) -> Plan:
        """Check a request and name its result, without drawing anything (``page``: an Inkscape
        page's label or number, see :mod:`og.template.pages`)."""
        return self.plan_template(for_page(self.templates.get(name), page), params or {}, fmt, dpr)

    def plan_template(self, template: Template, params: t.Mapping[str, str], fmt: str,
                      dpr: float | str = 1.0) -> Plan:
        known = FORMATS.get(fmt)
        if known is None:
            raise UnknownFormat(f"unknown format {fmt[:16]!r}; use one of: {', '.join(FORMATS)}")
        values = checked_values(template.name, template.params, params)
        photos = False
        for slot in template.typed.images:
            self.images.check(values.get(slot.param, ""), slot.param)
            photos = photos or bool(values.get(slot.param))
        scale = self.dpr(template, dpr) if known in RASTER_FORMATS else 1.0
        key_values = values
        if photos:
            # What a photo URL (or an asset's name) shows may change: such a card is named for
            # the current period of OG_IMAGE_MAX_AGE too, so it is drawn again once that is over.
            period = int(time.time() // max(1.0, self.settings.image_max_age_s))
            key_values = {**values, "og:image-period": str(period)}
        return Plan(template, values, known, self.key(template, key_values, known, scale), scale,
                    photos=photos)

    def fallback(self, plan: Plan, values: dict[str, str]) -> Plan:
        """``plan`` with ``values`` (a failed image's parameter emptied) under a key of its own:
        the placeholder card, never mistaken for the card with the picture."""
        return Plan(plan.template, dict(values), plan.fmt,
                    self.key(plan.template, {**values, "og:fallback": "1"}, plan.fmt, plan.dpr), plan.dpr)

    def dpr(self, template: Template, dpr: float | str) -> float:
        """``?dpr=``, checked: 1 up to the deploy's and the template's ``og:max-dpr`` (at most 2)."""
        limit = min(self.settings.max_dpr, template.options.max_dpr)
        try:
            value = float(dpr)
        except ValueError:
            value = math.nan
        if not 1.0 <= value <= limit:
            raise BadParameter(f"dpr must be a number from 1 to {limit:g}", parameter="dpr", max=limit)
        # Quarter steps: each scale is its own background and cache entries, so a client cannot
        # make hundreds of them (and 1.3 or 1.33 draw no differently to anyone's eye).
        return max(1.0, math.floor(value * 4) / 4)

    def key(self, template: Template, values: t.Mapping[str, str], fmt: str, dpr: float = 1.0) -> str:
        """Names one card: template content, fonts, values, format, scale, how images are
        encoded, and og's version."""
        digest = hashlib.sha256()
        encoding = (self.settings.max_bytes, self.settings.image_formats, self.quality(template))
        for part in (VERSION, template.name, template.digest, self.fonts.fingerprint, fmt, dpr, encoding,
                     *([template.page] if template.page else [])):
            digest.update(str(part).encode() + b"\0")
        digest.update(json.dumps(sorted(values.items()), ensure_ascii=False).encode())
        return digest.hexdigest()[:KEY_HEX_DIGITS]

    def version(self, template: Template) -> str:
        """The content version of a template's cards: what ``v=`` in a versioned URL says. It
        changes with the template, the fonts and og, so platforms that cache by URL refresh."""
        digest = hashlib.sha256(f"{VERSION}\0{template.digest}\0{self.fonts.fingerprint}".encode())
        return digest.hexdigest()[:VERSION_HEX_DIGITS]

    def quality(self, template: Template) -> int | None:
        """JPEG, WebP and AVIF quality of ``template``'s cards: its own, else the deploy's."""
        return template.options.quality or self.settings.quality

    def image_url(self, name: str, fmt: str = "png", /, *, base: str = "",
                  secret: str | bytes | t.Sequence[bytes] | None = None, expires: int | None = None,
                  **params: str) -> str:
        """The URL of a card with ``v=`` (its content version, so platforms that cache by URL
        refresh when the template or fonts change), signed with ``secret`` or ``OG_SECRET``.
        A template this renderer does not have gets a URL without ``v=``."""
        try:
            params = {"v": self.version(self.templates.get(name)), **params}
        except TemplateNotFound:
            pass
        keys = self.settings.secret or () if secret is None else secret
        return signing.image_url(name, fmt, base=base, secret=keys, expires=expires, **params)
