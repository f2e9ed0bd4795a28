"""The Django app: it owns og's HTTP core and its :class:`og.Renderer`, made from ``settings.OG`` on
first use."""

from __future__ import annotations

import os
import threading
import typing as t

from django.apps import AppConfig
from django.apps import apps

from ...config import Settings
from ...http import HttpCore
from ...pool import pooled
from ...render import Renderer
from ..meta import settings_env


def og_settings(options: t.Mapping[str, t.Any] | None = None,
                environ: t.Mapping[str, str] | None = None) -> Settings:
    """:class:`Settings` from a Django ``OG`` dict (names with or without ``OG_``) over the
    environment."""
    if options is None:
        from django.conf import settings  # lazy, and must not be touched before it is configured

        options = getattr(settings, "OG", {})
    prefixed = {(key if key.startswith("OG_") else f"OG_{key}"): value for key, value in options.items()}
    return Settings.from_env(settings_env(prefixed, os.environ if environ is None else environ))


class OgConfig(AppConfig):  # type: ignore[misc]
    name = "og.contrib.django"
    label = "og"
    verbose_name = "og: Open Graph images"
    default_auto_field = "django.db.models.AutoField"

    def ready(self) -> None:
        self._core: HttpCore | None = None
        self._lock = threading.Lock()

    def core(self) -> HttpCore:
        """og's HTTP core over the project's renderer (settings.OG read once, on first use)."""
        with self._lock:
            if self._core is None:
                settings = og_settings()
                # renders in render processes of the project's own
                self._core = HttpCore(pooled(Renderer(settings)), studio=settings.studio)
            return self._core

    def renderer(self) -> Renderer:
        return self.core().renderer

    def keys(self) -> tuple[bytes, ...]:
        return self.core().keys


def app_config() -> OgConfig:
    return t.cast(OgConfig, apps.get_app_config("og"))
