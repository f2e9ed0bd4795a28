"""The Django app: it owns og's :class:`og.Renderer`, made from ``settings.OG`` on first use."""

from __future__ import annotations

import os
import threading
import typing as t

from django.apps import AppConfig
from django.apps import apps

from ...config import Settings
from ...pool import pooled
from ...render import Renderer
from ...signing import keys_from_env
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
        self._renderer: Renderer | None = None
        self._keys: tuple[bytes, ...] = ()
        self._lock = threading.Lock()

    def renderer(self) -> Renderer:
        """The project's renderer (settings.OG read once, on the first card)."""
        with self._lock:
            if self._renderer is None:
                self._renderer = pooled(Renderer(og_settings()))  # renders in render processes
                self._keys = keys_from_env(self._renderer.settings.secret)
            return self._renderer

    def keys(self) -> tuple[bytes, ...]:
        self.renderer()
        return self._keys


def app_config() -> OgConfig:
    return t.cast(OgConfig, apps.get_app_config("og"))
