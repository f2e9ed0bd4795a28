"""``og_meta`` and ``og_image_url`` for any Jinja2 environment whose templates get the request in
their context, as FastAPI's and Starlette's ``Jinja2Templates`` do::

    og_app = og.asgi.create_app()
    app.mount("/og", og_app)
    templates = Jinja2Templates(directory="templates")
    install(templates.env, og_app, mount="/og")

    {{ og_meta("article", title=post.title) }}

The tags come from og's one meta writer (:mod:`og.http.meta`), as Flask's and Django's do.
"""

from __future__ import annotations

import typing as t

import jinja2
from markupsafe import Markup

from ..asgi import OgAsgi
from ..http.meta import card_tags
from ..http.meta import meta_html


def install(env: jinja2.Environment, og_app: OgAsgi, mount: str = "/og", base_url: str | None = None) -> None:
    """Give ``env``'s templates ``og_meta(name, fmt="png", alt=None, **params)`` and
    ``og_image_url(name, fmt="png", **params)``. The origin is ``base_url`` when given, else
    the request's (``request.base_url`` in the template's context)."""
    prefix = "/" + mount.strip("/") if mount.strip("/") else ""

    def tags(context: t.Any, name: str, fmt: str, alt: str | None,
             params: t.Mapping[str, t.Any]) -> list[tuple[str, str]]:
        origin = base_url or str(context["request"].base_url)
        core = og_app.core()
        return card_tags(core.renderer, name, fmt, {k: str(v) for k, v in params.items()}, keys=core.keys,
                         absolute=lambda url: origin.rstrip("/") + prefix + url, alt=alt)

    @jinja2.pass_context
    def og_meta(context: t.Any, name: str, fmt: str = "png", /, *, alt: str | None = None,
                **params: t.Any) -> Markup:
        """``og:image`` and its size, type and alt, and X's large-image card; every value escaped."""
        return Markup(meta_html(tags(context, name, fmt, alt, params)))  # noqa: S704 (escaped in meta_html)

    @jinja2.pass_context
    def og_image_url(context: t.Any, name: str, fmt: str = "png", /, **params: t.Any) -> str:
        """The card's absolute URL (signed when og has ``OG_SECRET``)."""
        return dict(tags(context, name, fmt, None, params))["og:image"]

    env.globals["og_meta"] = og_meta
    env.globals["og_image_url"] = og_image_url
