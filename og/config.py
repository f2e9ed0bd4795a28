"""Every setting og reads, declared once, with its default and why.

Settings come from the environment (``OG_*``, plus ``PORT``), so a Heroku-style
deploy configures og without files.
"""

from __future__ import annotations

import dataclasses
import os
import typing as t
from pathlib import Path

#: og's release: part of every card's cache key, so an upgrade never serves old pixels.
VERSION = "0.2.0"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_FONTS = PROJECT_ROOT / "fonts"


@dataclasses.dataclass(frozen=True)
class Settings:
    #: Where ``{name}.svg`` templates live; re-read when a file changes.
    templates_dir: Path = PROJECT_ROOT / "svg_templates"
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
            image_hosts=env.get("OG_IMAGE_HOSTS", ""),
            assets_dir=Path(env["OG_ASSETS_DIR"]) if env.get("OG_ASSETS_DIR") else None,
            image_timeout_s=float(env.get("OG_IMAGE_TIMEOUT") or defaults.image_timeout_s),
            image_max_bytes=int(env.get("OG_IMAGE_MAX_BYTES") or defaults.image_max_bytes),
            image_max_pixels=int(env.get("OG_IMAGE_MAX_PIXELS") or defaults.image_max_pixels),
            image_max_age_s=float(env.get("OG_IMAGE_MAX_AGE") or defaults.image_max_age_s),
        )
