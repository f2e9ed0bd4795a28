"""Every setting og reads, declared once, with its default and why.

Settings come from the environment (``OG_*``, plus ``PORT``), so a Heroku-style
deploy configures og without files.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
import typing as t
from pathlib import Path

from ._version import __version__
from .formats import BUDGET_FALLBACKS

#: og's release: part of every card's cache key, so an upgrade never serves old pixels.
VERSION = __version__
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled(folder: str) -> Path:
    """A top-level folder of the checkout (``fonts``, ``svg_templates``); when og is installed
    from a wheel there is no checkout, and the wheel's copy in ``og/_data`` is used (setup.py)."""
    installed = importlib.resources.files("og").joinpath("_data", folder)
    return Path(str(installed)) if installed.is_dir() else PROJECT_ROOT / folder


BUNDLED_FONTS = bundled("fonts")


@dataclasses.dataclass(frozen=True)
class Settings:
    #: Where ``{name}.svg`` templates live; re-read when a file changes.
    templates_dir: Path = bundled("svg_templates")
    #: Fonts searched first; then og's bundled set (so the fallback chain is always there),
    #: then the system's. The bundled set gives the same pixels anywhere.
    fonts_dir: Path = BUNDLED_FONTS
    #: Longest value a parameter may have unless its template says (og:max-length).
    max_length: int = 500
    #: Whether a family missing from ``fonts_dir`` may come from the system (with a warning).
    allow_system_fonts: bool = True
    port: int = 8000
    #: ``OG_STUDIO=1``: serve the preview studio at ``/`` (development only: it shows template
    #: internals, renders on every keystroke and signs any card it is asked for).
    studio: bool = False
    #: ``OG_SECRET``: comma-separated HMAC keys; the first signs, all verify (rotation).
    #: Empty: unsigned URLs are served (development), and og says so loudly at start.
    secret: str = dataclasses.field(default="", repr=False)
    #: Finished cards kept in each process, in bytes (``OG_CACHE_BYTES``; 0 keeps none). Small:
    #: a worker should stay near 120 MB; Redis (``OG_CACHE_URL``) and a CDN keep the rest.
    cache_bytes: int = 16 << 20
    #: ``OG_CACHE_URL``: a Redis (``redis://host:6379/0``) that every worker and machine shares,
    #: behind the in-process cache. Empty: each process caches alone.
    cache_url: str = dataclasses.field(default="", repr=False)
    #: ``OG_MAX_BYTES``: a card larger than this is encoded again smaller, trying
    #: ``image_formats`` in order (WhatsApp shows previews up to about 300 KB). 0: no budget.
    max_bytes: int = 0
    #: ``OG_IMAGE_FORMATS``: the formats a byte budget may fall back to, preferred first.
    image_formats: tuple[str, ...] = BUDGET_FALLBACKS
    #: ``OG_QUALITY``: JPEG/WebP/AVIF quality for every card (a template's ``og:quality`` wins).
    quality: int | None = None
    #: ``OG_RENDER_TIMEOUT``: seconds one render may take before it is stopped (503).
    render_timeout: float = 5.0
    #: ``OG_RENDER_MEMORY``: bytes of address space a render process may take beyond what it
    #: starts with (shared libraries, fonts, templates): its ``RLIMIT_AS``. Past it the render
    #: fails (503) and the process is replaced. 0: no limit.
    render_memory: int = 1 << 30
    #: ``OG_MAX_IN_FLIGHT``: renders one process runs at once; more are refused at once (503).
    max_in_flight: int = 4
    #: ``OG_MAX_QUEUE``: renders that may wait for a slot (at most the render budget); more: 503.
    max_queue: int = 16
    #: ``OG_QUEUE_TIMEOUT``: a request whose router says (``X-Request-Start``) it waited longer
    #: than this many seconds is refused at once (503): its client has likely given up.
    queue_timeout: float = 10.0
    #: ``OG_METRICS_TOKEN``: ``/metrics`` answers only with ``Authorization: Bearer`` it.
    #: Empty: there is no ``/metrics``.
    metrics_token: str = dataclasses.field(default="", repr=False)
    #: ``OG_MAX_DPR``: the largest ``?dpr=`` (device pixels per CSS pixel) a card is drawn at.
    max_dpr: float = 2.0
    #: ``OG_IMAGE_HOSTS``: where image parameters may be fetched from (see :mod:`og.fetch.policy`);
    #: empty: no remote image is fetched at all.
    image_hosts: str = ""
    #: ``OG_ASSETS_DIR``: a folder of images a value names as ``@team/jane.png``; unset: none.
    assets_dir: Path | None = None
    #: ``OG_IMAGE_TIMEOUT``: seconds one image fetch may take in all, well inside a render's budget.
    image_timeout_s: float = 3.0
    #: ``OG_IMAGE_MAX_BYTES`` and ``OG_IMAGE_MAX_PIXELS``: the largest image og downloads and decodes.
    image_max_bytes: int = 8 << 20
    image_max_pixels: int = 40_000_000
    #: ``OG_IMAGE_MAX_AGE``: seconds a fetched image is reused before it is fetched again.
    image_max_age_s: float = 3600.0

    #: ``OG_TRUSTED_PROXIES``: how many proxies in front of og set ``X-Forwarded-For``,
    #: ``-Proto``, ``-Host``, ``-Port`` and ``-Prefix`` (Heroku's router: 1). Absolute URLs (meta
    #: tags, the studio) follow those headers only then: a client could send them too.
    trusted_proxies: int = 0
    #: ``OG_LOG_LEVEL``: og's log level (``debug``, ``info``, ``warning``, ``error``); empty: the
    #: command's own (``info`` for the server, ``warning`` for one-shot commands).
    log_level: str = ""

    @classmethod
    def from_env(cls, env: t.Mapping[str, str] | None = None) -> Settings:
        """Settings from ``env`` (default ``os.environ``). A value that does not parse raises
        :class:`SettingsError` naming the variable, so a deploy fails in one readable line."""
        env = os.environ if env is None else env
        defaults = cls()
        read = _Reader(env)
        return cls(
            templates_dir=Path(env.get("OG_TEMPLATES_DIR") or defaults.templates_dir),
            fonts_dir=Path(env.get("OG_FONTS_DIR") or defaults.fonts_dir),
            max_length=read.number("OG_MAX_LENGTH", defaults.max_length, int, minimum=1),
            allow_system_fonts=read.flag("OG_ALLOW_SYSTEM_FONTS", True),
            port=read.number("PORT", defaults.port, int, minimum=0),
            studio=read.flag("OG_STUDIO", False),
            secret=env.get("OG_SECRET", ""),
            cache_bytes=read.number("OG_CACHE_BYTES", defaults.cache_bytes, int, minimum=0),
            cache_url=env.get("OG_CACHE_URL", ""),
            max_bytes=read.number("OG_MAX_BYTES", 0, int, minimum=0),
            image_formats=tuple(f.strip() for f in (env.get("OG_IMAGE_FORMATS") or "").split(",")
                                if f.strip()) or defaults.image_formats,
            quality=read.number("OG_QUALITY", None, int, minimum=1),
            max_dpr=min(2.0, read.number("OG_MAX_DPR", defaults.max_dpr, float, minimum=1)),
            metrics_token=env.get("OG_METRICS_TOKEN", ""),
            render_timeout=read.number("OG_RENDER_TIMEOUT", defaults.render_timeout, float, minimum=0),
            render_memory=read.number("OG_RENDER_MEMORY", defaults.render_memory, int, minimum=0),
            max_in_flight=read.number("OG_MAX_IN_FLIGHT", defaults.max_in_flight, int, minimum=1),
            max_queue=read.number("OG_MAX_QUEUE", defaults.max_queue, int, minimum=0),
            queue_timeout=read.number("OG_QUEUE_TIMEOUT", defaults.queue_timeout, float, minimum=0),
            image_hosts=env.get("OG_IMAGE_HOSTS", ""),
            assets_dir=Path(env["OG_ASSETS_DIR"]) if env.get("OG_ASSETS_DIR") else None,
            image_timeout_s=read.number("OG_IMAGE_TIMEOUT", defaults.image_timeout_s, float, minimum=0.1),
            image_max_bytes=read.number("OG_IMAGE_MAX_BYTES", defaults.image_max_bytes, int, minimum=1),
            image_max_pixels=read.number("OG_IMAGE_MAX_PIXELS", defaults.image_max_pixels, int, minimum=1),
            image_max_age_s=read.number("OG_IMAGE_MAX_AGE", defaults.image_max_age_s, float, minimum=0),
            trusted_proxies=read.number("OG_TRUSTED_PROXIES", 0, int, minimum=0),
            log_level=read.choice("OG_LOG_LEVEL", LOG_LEVELS),
        )


#: The values ``OG_LOG_LEVEL`` and ``og --log-level`` take.
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")


class SettingsError(ValueError):
    """A setting's value does not parse; the message names the variable and what it takes."""


N = t.TypeVar("N", int, float)


@dataclasses.dataclass(frozen=True)
class _Reader:
    """Reads typed values out of an environment, each failure one sentence."""

    env: t.Mapping[str, str]

    @t.overload
    def number(self, name: str, default: N, kind: type[N], minimum: float) -> N: ...
    @t.overload
    def number(self, name: str, default: None, kind: type[N], minimum: float) -> N | None: ...

    def number(self, name: str, default: N | None, kind: type[N], minimum: float) -> N | None:
        text = self.env.get(name, "").strip()
        if not text:
            return default
        try:
            value = kind(text)
        except ValueError:
            noun = "a whole number" if kind is int else "a number"
            raise SettingsError(f"{name} must be {noun}, got {text!r}") from None
        if not value >= minimum:  # also refuses nan
            raise SettingsError(f"{name} must be at least {minimum:g}, got {text!r}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        text = self.env.get(name, "").strip().lower()
        if not text:
            return default
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no), got {text!r}")

    def choice(self, name: str, choices: t.Sequence[str]) -> str:
        text = self.env.get(name, "").strip().lower()
        if text and text not in choices:
            raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {text!r}")
        return text
