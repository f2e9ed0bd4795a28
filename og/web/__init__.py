"""The HTTP layer: the only package that imports Flask."""

from __future__ import annotations

from .app import create_app as create_app

__all__ = ["create_app"]
