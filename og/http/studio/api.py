"""The studio's API: a template's values → its card's URLs and meta tags; a template → what
``og check`` finds in it; the template folder → a stream of change events; and its pages
(:mod:`.pages`), whose script fetches all the rest from here."""

from __future__ import annotations

import dataclasses
import typing as t

from ...check import check_file
from ...check import has_errors
from ...render import Renderer
from ..events import BUSY_RETRY_SECONDS
from ..events import StreamSlots
from ..events import template_events
from ..messages import Answer
from ..messages import Request
from ..messages import json_answer
from ..meta import card_urls
from ..meta import pages_meta
from . import pages
from .pages import NO_STORE


@dataclasses.dataclass(frozen=True)
class Studio:
    renderer: Renderer
    keys: tuple[bytes, ...]
    poll_s: float
    lifetime_s: float
    slots: StreamSlots

    def page(self, request: Request, name: str | None = None) -> Answer:
        """The gallery, or a template's page (an unknown template: ``404``, as its card's)."""
        if name is not None:
            self.renderer.templates.path_for(name)
        return pages.page(request, name)

    def static(self, request: Request, filename: str) -> Answer | None:
        """The pages' script or style; None for another name."""
        return pages.static(request, filename)

    def card(self, name: str, values: t.Mapping[str, str], root_url: str) -> Answer:
        """The card's URLs (signed when og has keys) and meta tags; the values are checked like
        a card request's (unknown or too long: ``400``). A template of several Inkscape pages:
        the first page's card, with ``pages`` (each page's card, the same values) and
        ``pages_meta`` (the tags publishing them all, as ``og_meta(page="a,b,c")`` writes them)."""
        pages: list[str | None] = [page.name for page in self.renderer.templates.get(name).pages]
        cards = [self._page_card(name, values, root_url, page) for page in pages or [None]]
        body = {**cards[0], "pages": cards if pages else [],
                **({"pages_meta": pages_meta(cards)} if pages else {})}
        return json_answer(body, headers=NO_STORE)

    def _page_card(self, name: str, values: t.Mapping[str, str], root_url: str,
                   page: str | None) -> dict[str, t.Any]:
        plan = self.renderer.plan(name, values, "json", page=page)
        report = self.renderer.report(plan)  # what the page fetches next: then from the cache
        return card_urls(plan.template, plan.values, report, self.keys, root_url,
                         self.renderer.version(plan.template))

    def check(self, name: str) -> Answer:
        """``og check`` on the template's file: what og understood and what it cannot render."""
        findings = check_file(self.renderer.templates.path_for(name), self.renderer.fonts)
        listed = [dataclasses.asdict(finding) for finding in findings]
        body = {"name": name, "errors": has_errors(findings), "findings": listed}
        return json_answer(body, headers=NO_STORE)

    def events(self, request: Request) -> Answer:
        """Server-Sent Events: a template file was saved (see :mod:`.events`). Over this process's
        bound of open streams: ``503`` with ``Retry-After`` (the studio's page tries again then)."""
        headers = [("Content-Type", "text/event-stream; charset=utf-8"), *NO_STORE,
                   ("X-Accel-Buffering", "no")]
        if request.method == "HEAD":  # no stream, so no slot to give back
            return Answer(200, headers)
        if not self.slots.take():
            message = f"this worker already holds {self.slots.limit} studio event streams; try again later"
            return json_answer({"error": "too_many_streams", "message": message}, 503,
                               [*NO_STORE, ("X-Og-Error", "too_many_streams"),
                                ("Retry-After", str(BUSY_RETRY_SECONDS))])
        stream = template_events(self.renderer.templates, poll_seconds=self.poll_s,
                                 lifetime_seconds=self.lifetime_s)
        return Answer(200, headers, stream=SlotStream(stream, self.slots))


class SlotStream:
    """An event stream as bytes that gives its slot back once, when it ends or when the server
    closes it (the client left: every front end closes a streamed body it stops sending)."""

    def __init__(self, events: t.Iterator[str], slots: StreamSlots) -> None:
        self.events = events
        self.slots = slots
        self.closed = False

    def __iter__(self) -> SlotStream:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.events).encode("utf-8")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close = getattr(self.events, "close", None)
            if close is not None:
                close()
            self.slots.give_back()
