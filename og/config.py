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

#: og's release: part of every card's cache key, so an upgrade never serves old pixels.
VERSION = "0.2.0"
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
    #: ``OG_SECRET``: comma-separated HMAC keys; the first signs, all verify (rotation).
    #: Empty: unsigned URLs are served (development), and og says so loudly at start.
    secret: str = dataclasses.field(default="", repr=False)
    #: Finished cards kept in each process, in bytes (``OG_CACHE_BYTES``; 0 keeps none).
    cache_bytes: int = 64 << 20
    #: ``OG_CACHE_URL``: a Redis (``redis://host:6379/0``) that every worker and machine shares,
    #: behind the in-process cache. Empty: each process caches alone.
    cache_url: str = dataclasses.field(default="", repr=False)

    @classmethod
    def from_env(cls, env: t.Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        defaults = cls()
        return cls(
            templates_dir=Path(env.get("OG_TEMPLATES_DIR") or defaults.templates_dir),
            fonts_dir=Path(env.get("OG_FONTS_DIR") or defaults.fonts_dir),
            max_length=int(env.get("OG_MAX_LENGTH") or defaults.max_length),
            allow_system_fonts=(env.get("OG_ALLOW_SYSTEM_FONTS", "1").lower() not in ("0", "false", "no")),
            port=int(env.get("PORT") or defaults.port),
            secret=env.get("OG_SECRET", ""),
            cache_bytes=int(env.get("OG_CACHE_BYTES") or defaults.cache_bytes),
            cache_url=env.get("OG_CACHE_URL", ""),
        )
