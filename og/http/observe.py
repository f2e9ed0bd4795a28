"""What operators see: Prometheus metrics, one structured log line per request, and
``Server-Timing`` on every rendered card.

Metrics live in an app's own registry. Under gunicorn every worker is its own process, so
when ``PROMETHEUS_MULTIPROC_DIR`` is set (``gunicorn.conf.py`` sets it) the workers write
their values to files there and ``/metrics`` adds them up (prometheus-client's multiprocess
mode). ``/metrics`` answers only with ``Authorization: Bearer $OG_METRICS_TOKEN``: without a
token set it does not exist, so nothing about the service is open to the world by default.
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import os

import prometheus_client
from prometheus_client import multiprocess

from .messages import Answer
from .messages import Request

access_log = logging.getLogger("og.access")

#: Render times worth telling apart: a cache-hit-sized render, a typical one, a slow one.
RENDER_BUCKETS_S = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's counters and histograms (one set per app, in its own registry)."""

    def __init__(self) -> None:
        self.registry = prometheus_client.CollectorRegistry(auto_describe=True)
        self.render_seconds = prometheus_client.Histogram(
            "og_render_seconds", "Time to render a card that was not cached", ["template", "format"],
            buckets=RENDER_BUCKETS_S, registry=self.registry)
        self.cards = prometheus_client.Counter(
            "og_cards", "Cards answered, by where they came from", ["source"], registry=self.registry)
        self.errors = prometheus_client.Counter(
            "og_errors", "Error answers, by og's error code", ["code"], registry=self.registry)
        self.cut = prometheus_client.Counter(
            "og_renders_cut", "Renders stopped by the render budget", registry=self.registry)

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = prometheus_client.CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return prometheus_client.generate_latest(registry)
        return prometheus_client.generate_latest(self.registry)


def server_timing(timings: dict[str, float]) -> str:
    """``layout;dur=1.9, raster;dur=4.6, encode;dur=2.5`` — or ``cache`` when nothing was drawn.

    >>> server_timing({"layout": 1.94, "raster": 4.6})
    'layout;dur=1.9, raster;dur=4.6'
    """
    if not timings:
        return 'cache;desc="stored card"'
    return ", ".join(f"{stage};dur={ms:.1f}" for stage, ms in timings.items())


@dataclasses.dataclass(frozen=True)
class CardMade:
    """How a request's card was made, for its log line and metrics: ``timings`` holds each
    stage's milliseconds, empty when the card came from a cache."""

    template: str
    fmt: str
    timings: dict[str, float]


def observe(metrics: Metrics, request: Request, answer: Answer, elapsed_ms: float,
            card: CardMade | None) -> None:
    """Add ``Server-Timing`` to a card's answer, count the answer, and log it as one JSON line."""
    rendered = bool(card and card.timings)
    if card is not None:
        answer.set("Server-Timing", server_timing(card.timings))
        metrics.cards.labels("render" if rendered else "cache").inc()
        if rendered:
            metrics.render_seconds.labels(card.template, card.fmt).observe(sum(card.timings.values()) / 1000)
    error = answer.header("X-Og-Error")
    if error:
        metrics.errors.labels(error).inc()
        metrics.cut.inc(error == "render_timeout")
    length = answer.header("Content-Length")
    access_log.info(json.dumps({
        "method": request.method, "path": request.path, "query_bytes": len(request.query),
        "status": answer.status, "ms": round(elapsed_ms, 2), "bytes": int(length) if length else None,
        "rendered": rendered, "error": error, "agent": request.header("User-Agent")[:120],
    }, ensure_ascii=False))


def authorized(request: Request, token: str) -> bool:
    """``/metrics`` exists only with a token, and answers only the bearer of it."""
    given = request.header("Authorization")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
