"""og's release, in one place: the package metadata (pyproject.toml reads it), ``og --version``,
and every card's cache key (an upgrade never serves old pixels) all take it from here."""

__version__ = "0.3.0"
