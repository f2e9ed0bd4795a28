"""The core: a :class:`Request` → an :class:`Answer`, for every route og serves. Each front end
(Flask, Django, ASGI) only turns its framework's request into a :class:`Request` and the
:class:`Answer` into its framework's response, so what a request means is decided here once.

A card request goes: queue timeout → signature → plan (template, values, format, key) → 304
from the key → ``HEAD`` from the key → the card from the card service (:class:`og.Renderer`)
→ the placeholder for a crawler whose picture could not be fetched → headers (type, CSP for
``.svg``, cache policy, ETag, ``Server-Timing``). Any error becomes JSON, or an error card for
a client that shows an image or nothing.
"""

from __future__ import annotations

import logging
import re
import time
import typing as t

import prometheus_client

from .. import signing
from ..errors import BadParameter
from ..errors import ImageUnavailable
from ..errors import OgError
from ..errors import Overloaded
from ..errors import TemplateError
from ..formats import CONTENT_TYPES
from ..formats import FORMATS
from ..formats import RASTER_FORMATS
from ..render import OWN_PARAMS
from ..render import Plan
from ..render import Renderer
from ..signing import keys_from_env
from .cache import cache_headers
from .cache import not_modified
from .error_card import ErrorCards
from .events import LIFETIME_SECONDS
from .events import MAX_STREAMS
from .events import POLL_SECONDS
from .events import StreamSlots
from .messages import Answer
from .messages import Request
from .messages import accept_quality
from .messages import answer
from .messages import json_answer
from .observe import CardMade
from .observe import Metrics
from .observe import authorized
from .observe import observe
from .proxies import behind_proxies
from .studio import Studio

log = logging.getLogger(__name__)

#: Link-preview fetchers, which show an image or nothing.
CRAWLERS = re.compile(r"facebookexternalhit|Facebot|Twitterbot|LinkedInBot|Slackbot|Slack-ImgProxy|"
                      r"Discordbot|WhatsApp|TelegramBot|Pinterest|redditbot|Applebot|SkypeUriPreview|"
                      r"Embedly|Mastodon/|Cardyb|Bluesky|Iframely|vkShare|Google-InspectionTool",
                      re.IGNORECASE)
#: Extensions of the formats a client shows as an image (and so gets an error card for).
IMAGE_EXTENSIONS = tuple(f".{extension}" for extension, fmt in FORMATS.items() if fmt in RASTER_FORMATS)
#: A card's SVG is a picture, never a page: nothing in it may run or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#: What a client is told about a broken template (the log has the detail).
TEMPLATE_ERROR_MESSAGE = "template error: this card's template cannot be rendered; the server log says why"
#: The words of a route that is not there, and of a method a route does not take.
NOT_FOUND = ("not_found", "The requested URL was not found on the server. If you entered the URL manually "
             "please check your spelling and try again.")
NOT_ALLOWED = ("method_not_allowed", "The method is not allowed for the requested URL.")
#: Every route answers these methods (``HEAD`` is ``GET`` without the body).
METHODS = "GET, HEAD, OPTIONS"
#: A card's path: a name and an extension, one path segment.
CARD_PATH = re.compile(r"/([^/]+)\.([^/]+)")
#: The studio's pages (``t``), script and style (``static``) and API, each of one name.
STUDIO_ROUTE = re.compile(r"/studio/(t|static|api/card|api/check)/([^/]+)")

Served = tuple[Answer, CardMade | None]


class HttpCore:
    """og's HTTP meaning over one card service.

    :param keys: signing keys; ``None`` reads them from the renderer's ``OG_SECRET``.
    :param studio: serve the studio: its pages, API and event stream (development only: see
        :mod:`og.http.studio`).
    """

    def __init__(self, renderer: Renderer, *, keys: tuple[bytes, ...] | None = None, studio: bool = False,
                 studio_poll_s: float = POLL_SECONDS, studio_lifetime_s: float = LIFETIME_SECONDS,
                 studio_streams: int = MAX_STREAMS, metrics: Metrics | None = None) -> None:
        self.renderer = renderer
        self.keys = keys_from_env(renderer.settings.secret) if keys is None else keys
        self.error_cards = ErrorCards(renderer)
        self.metrics = metrics or Metrics()
        slots = StreamSlots(studio_streams)
        self.studio = Studio(renderer, self.keys, studio_poll_s, studio_lifetime_s, slots) if studio else None
        self._log_problems()

    def _log_problems(self) -> None:
        """Say at start what an operator must fix: no keys, unreadable fonts, broken templates, the
        studio on."""
        if not self.keys:
            log.warning("OG_SECRET is not set: og serves UNSIGNED URLs, so anyone can make it render "
                        "any card. Set OG_SECRET (comma-separated keys) before going public.")
        for path in self.renderer.fonts.unreadable:
            log.error("font file cannot be read: %s (cards in its family fall back to other faces; /readyz "
                      "fails until it is fixed)", path)
        for item in self.renderer.templates.all():
            if isinstance(item, OgError):
                log.error("%s", item.message)
        if self.studio is not None:
            log.warning("the preview studio is on (OG_STUDIO=1 or debug): it exposes template internals and "
                        "signs any card it is asked for; never enable it on a public deployment")

    def handle(self, request: Request) -> Answer:
        """The answer to ``request`` (its URLs as the client asked at the first trusted proxy),
        whatever happens: errors become error answers, and every answer is counted and logged once."""
        started = time.perf_counter()
        try:
            request = behind_proxies(request, self.renderer.settings.trusted_proxies)
            served, made = self._route(request)
        except Exception as error:  # noqa: BLE001 (each error is an answer; unexpected ones are logged)
            served, made = self.error_answer(request, error), None
        if request.method == "HEAD":
            if served.stream is not None and hasattr(served.stream, "close"):
                served.stream.close()
            served.body, served.stream = b"", None
        served.set("X-Content-Type-Options", "nosniff")
        observe(self.metrics, request, served, (time.perf_counter() - started) * 1000, made)
        return served

    def _route(self, request: Request) -> Served:
        route = self._find(request.path)
        if route is None:
            return _not_found(), None
        if request.method == "OPTIONS":
            return answer(200, b"", None, [("Allow", METHODS)]), None
        if request.method not in ("GET", "HEAD"):
            return json_answer(dict(zip(("error", "message"), NOT_ALLOWED, strict=True)), 405,
                               [("Allow", METHODS), *_no_store("method_not_allowed")]), None
        return route(request)

    def _find(self, path: str) -> t.Callable[[Request], Served] | None:
        """What answers ``path``; None: nothing (``404``)."""
        routes: dict[str, t.Callable[[Request], Answer]] = {
            "/healthz": self.healthz, "/readyz": self.readyz, "/templates": self.templates,
            "/metrics": self.metrics_}
        studio = self.studio
        if studio is not None:
            routes.update({"/": studio.page, "/studio/events": studio.events})
        if path in routes:
            return lambda request: (routes[path](request), None)
        studio_route = STUDIO_ROUTE.fullmatch(path) if studio is not None else None
        if studio is not None and studio_route is not None:
            return lambda request: (self._studio(studio, request, *studio_route.groups()), None)
        card = CARD_PATH.fullmatch(path)
        if card is not None:
            return lambda request: self.card(request, *card.groups())
        return None

    def _studio(self, studio: Studio, request: Request, kind: str, name: str) -> Answer:
        """The studio's pages, files and API below ``/studio/`` (see :mod:`og.http.studio`)."""
        if kind == "t":
            return studio.page(request, name)
        if kind == "static":
            return studio.static(request, name) or _not_found()
        if kind == "api/check":
            return studio.check(name)
        return studio.card(name, self.params(request), request.root_url)

    # the card

    def card(self, request: Request, name: str, fmt: str) -> Served:
        """``/{name}.{fmt}``: checked, named, answered from the name where it can be, else drawn."""
        waited = queued_for_s(request.header("X-Request-Start"), time.time())
        if waited > self.renderer.settings.queue_timeout:
            # Under gevent a worker takes the next connection only between renders, so a flood
            # waits in the router or the kernel: refuse what already waited too long, at once.
            raise Overloaded(f"og is busy: this request waited {waited:.1f} s; try again in a moment",
                             retry_after=1)
        if self.keys:  # before any work: an unsigned URL costs nothing
            signing.verify(request.path, request.pairs, self.keys, time.time())
        dpr = request.arg("dpr")
        plan = self.renderer.plan(name, self.params(request), fmt, "1" if dpr is None else dpr,
                                  request.arg("page"))
        versioned = request.arg("v") == self.renderer.version(plan.template)
        if not_modified(plan, request.header("If-None-Match")):
            return Answer(304, self._cache(plan, versioned=versioned)), None
        csp = [("Content-Security-Policy", SVG_CSP)] if plan.fmt == "svg" else []
        if request.method == "HEAD":
            # A byte budget may answer in another format: then the type is not known unrendered.
            kind = [] if self.renderer.settings.max_bytes else [("Content-Type", content_type(plan.fmt))]
            return Answer(200, [*kind, *csp, *self._cache(plan, versioned=versioned)]), None
        timings: dict[str, float] = {}
        try:
            entry = self.renderer.card(plan, timings)
        except ImageUnavailable as error:  # a crawler gets the placeholder if the slot says so
            if not self.wants_image(request) or error.details.get("fallback") != "placeholder":
                raise
            plan, entry = self.renderer.fallback_card(plan, error)
        served = answer(200, entry.body, content_type(entry.content_type),
                        [*csp, *self._cache(plan, entry.degraded, versioned)])
        return served, CardMade(plan.template.name, plan.fmt, timings)

    def params(self, request: Request) -> dict[str, str]:
        """The template's values by name, each given once (og's own and the signature's left out)."""
        params: dict[str, str] = {}
        given: dict[str, list[str]] = {}
        for name, value in request.pairs:
            given.setdefault(name, []).append(value)
        for name, values in given.items():
            if name in OWN_PARAMS or (name in signing.SIGNING_PARAMS and self.keys):
                continue
            if len(values) > 1:
                raise BadParameter(f"parameter {name[:64]!r} is given {len(values)} times; give it once",
                                   parameter=name[:64])
            params[name] = values[0]
        return params

    def _cache(self, plan: Plan, degraded: bool = False, versioned: bool = False) -> list[tuple[str, str]]:
        return cache_headers(plan, degraded, versioned, self.renderer.settings.image_max_age_s)

    # the service's own routes

    def healthz(self, request: Request) -> Answer:
        """Alive: the process answers (a load balancer restarts it when not)."""
        return json_answer({"status": "ok"})

    def readyz(self, request: Request) -> Answer:
        """Ready: every template loads and every font file reads; what fails is named."""
        problems = readiness_problems(self.renderer)
        return json_answer({"status": "ok" if not problems else "failing", "problems": problems},
                           503 if problems else 200, [("Cache-Control", "no-store")])

    def templates(self, request: Request) -> Answer:
        listed = [item.to_dict() for item in self.renderer.templates.all() if not isinstance(item, Exception)]
        return json_answer({"templates": listed})

    def metrics_(self, request: Request) -> Answer:
        """Prometheus metrics, for the bearer of ``OG_METRICS_TOKEN`` only (else not there)."""
        if not authorized(request, self.renderer.settings.metrics_token):
            return _not_found()
        return answer(200, self.metrics.exposition(), prometheus_client.CONTENT_TYPE_LATEST)

    # errors

    def wants_image(self, request: Request) -> bool:
        """Whether the client would show an image rather than read JSON: a crawler, or an
        ``<img>`` request (it asks for images and not for JSON)."""
        if not request.path.endswith(IMAGE_EXTENSIONS):
            return False
        if CRAWLERS.search(request.header("User-Agent")):
            return True
        accept = request.header("Accept")
        return accept_quality(accept, CONTENT_TYPES["png"]) > accept_quality(accept, CONTENT_TYPES["json"])

    def error_answer(self, request: Request, error: Exception) -> Answer:
        """An error as JSON for API clients, as a PNG card for crawlers and ``<img>``."""
        if isinstance(error, TemplateError):
            # The designer's problem: the detail goes to the log, not to whoever asked.
            log.error("%s", error.message)
            body = {"error": error.code, "message": TEMPLATE_ERROR_MESSAGE}
            return self.error_body(request, error.status, body)
        if isinstance(error, OgError):
            return self.error_body(request, error.status, error.to_dict())
        log.exception("unexpected error", exc_info=error)
        return self.error_body(request, 500, {
            "error": "internal_error", "message": "og failed to render this card; the error is logged"})

    def error_body(self, request: Request, status: int, body: t.Mapping[str, t.Any]) -> Answer:
        """JSON, or the same message as a PNG card; a ``retry_after`` in the body (a render
        stopped, og busy) becomes ``Retry-After``."""
        headers = _no_store(str(body.get("error", "error")))
        if "retry_after" in body:
            headers.append(("Retry-After", str(body["retry_after"])))
        if self.wants_image(request):
            try:
                image = self.error_cards.png(status, str(body.get("message", "")))
            except Exception:  # noqa: BLE001 (the error card must never hide the original error)
                image = None
            if image is not None:
                return answer(status, image, CONTENT_TYPES["png"], headers)
        return json_answer(dict(body), status, headers)


def _no_store(code: str) -> list[tuple[str, str]]:
    return [("Cache-Control", "no-store"), ("X-Og-Error", code)]


def _not_found() -> Answer:
    return json_answer(dict(zip(("error", "message"), NOT_FOUND, strict=True)), 404, _no_store("not_found"))


def content_type(fmt_or_type: str) -> str:
    """The ``Content-Type`` of a format (``png``) or a type (``image/png``); JSON says UTF-8."""
    kind = CONTENT_TYPES.get(fmt_or_type, fmt_or_type)
    return kind + ("; charset=utf-8" if kind == CONTENT_TYPES["json"] else "")


def readiness_problems(renderer: Renderer) -> list[str]:
    problems = [f"font file cannot be read: {path}" for path in renderer.fonts.unreadable]
    problems += [item.message for item in renderer.templates.all() if isinstance(item, Exception)]
    return problems


def queued_for_s(header: str | None, now: float) -> float:
    """Seconds a request waited before og saw it, from the ``X-Request-Start`` a router adds
    (Heroku: ``t=`` milliseconds; nginx: ``t=`` seconds with a fraction); 0 when unknown.

    >>> queued_for_s("t=1000000000500", 1000000001.0), queued_for_s("t=1000000000.25", 1000000001.0)
    (0.5, 0.75)
    """
    value = (header or "").strip().removeprefix("t=")
    try:
        started = float(value)
    except ValueError:
        return 0.0
    for per_second in (1, 1e3, 1e6):  # seconds, milliseconds, microseconds since the epoch
        if abs(now - started / per_second) < 86_400:
            return max(0.0, now - started / per_second)
    return 0.0
