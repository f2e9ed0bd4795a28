"""The studio's pages: the gallery (``/``) and one template's page (``/studio/t/NAME``), with
their script and style (``/studio/static/…``) → HTML, CSS and JavaScript answers, the same from
every front end and under any mount. A page is plain HTML with the mount and the template's name
filled in (escaped); everything on it is drawn by the script from what the studio's API answers.
Files are read on each request: the studio is a development tool, and an edited script shows on
the next reload."""

from __future__ import annotations

import hashlib
import html
import importlib.resources
import re
import string
import urllib.parse

from ..messages import Answer
from ..messages import Request
from ..messages import answer
from ..messages import etag_matches

FILES = importlib.resources.files(__package__)
#: The static files' types, by extension (nothing else in the folder is served).
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_STATIC_NAME = re.compile(r"[A-Za-z0-9_-]+\.[a-z]+")
HTML_TYPE = "text/html; charset=utf-8"
#: The studio is for people editing templates: nothing it answers may be cached on the way.
NO_STORE = [("Cache-Control", "no-store")]


def mount(request: Request) -> str:
    """The path og is served under, ending in ``/`` (``/``, or ``/og/`` in a site that mounts it)."""
    return urllib.parse.urlsplit(request.root_url).path.rstrip("/") + "/"


def page(request: Request, name: str | None) -> Answer:
    """The gallery (``name`` None) or the page of the template ``name`` (known to exist)."""
    fields = {"root": mount(request), "name": name or "", "page": "card" if name else "index",
              "title": f"{name} · og studio" if name else "og studio"}
    escaped = {key: html.escape(value) for key, value in fields.items()}
    crumbs = (f'<span class="crumb">/</span> <span class="crumb-name">{escaped["name"]}</span> '
              '<span id="size" class="crumb"></span>') if name else ""
    main = (FILES / "html" / ("card.html" if name else "index.html")).read_text(encoding="utf-8")
    base = string.Template((FILES / "html" / "base.html").read_text(encoding="utf-8"))
    body = base.substitute(escaped, crumbs=crumbs, main=main).encode("utf-8")
    return answer(200, body, HTML_TYPE, NO_STORE)


def static(request: Request, filename: str) -> Answer | None:
    """The studio's script or style, revalidated on each use (``no-cache`` and an ``ETag``, so
    an unchanged file costs a 304); None for any other name."""
    kind = STATIC_TYPES.get("." + filename.rpartition(".")[2])
    resource = FILES / "static" / filename
    if kind is None or not _STATIC_NAME.fullmatch(filename) or not resource.is_file():
        return None
    body = resource.read_bytes()
    etag = hashlib.sha256(body).hexdigest()[:20]
    headers = [("Cache-Control", "no-cache"), ("ETag", f'"{etag}"')]
    if etag_matches(request.header("If-None-Match"), etag):
        return Answer(304, headers)
    return answer(200, body, kind, headers)
