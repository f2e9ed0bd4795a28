"""Templates by name under one trusted folder: find, load on first use, reload on change."""

from __future__ import annotations

import logging
import os
import re
import threading
import typing as t
from pathlib import Path

from ..errors import TemplateError
from ..errors import TemplateNotFound
from .load import Template
from .load import create_jinja_environment
from .load import load_template

log = logging.getLogger(__name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class TemplateStore:
    """Templates of one folder, loaded on first use and reloaded when their file changes."""

    def __init__(self, folder: str | os.PathLike[str], max_length: int = 500,
                 on_load: t.Callable[[Template], None] | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.max_length = max_length
        self.on_load = on_load
        self.env = create_jinja_environment()
        self._cache: dict[str, Template] = {}
        self._lock = threading.Lock()

    def path_for(self, name: str) -> Path:
        if not NAME.match(name):
            raise TemplateNotFound(f"no template named {name[:64]!r}")
        path = (self.folder / f"{name}.svg").resolve()
        if path.parent != self.folder or not path.is_file():
            raise TemplateNotFound(f"no template named {name!r}",
                                   available=self.names())
        return path

    def get(self, name: str) -> Template:
        path = self.path_for(name)
        stat = path.stat()
        cached = self._cache.get(name)
        if cached is not None and cached.stamp == (stat.st_mtime_ns, stat.st_size):
            return cached
        template = load_template(name, path, self.env, self.max_length)
        with self._lock:
            self._cache[name] = template
        log.info("loaded template %s (%d params)", name, len(template.params))
        if self.on_load is not None:
            self.on_load(template)
        return template

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.svg") if NAME.match(p.stem))

    def all(self) -> t.Iterator[Template | TemplateError]:
        for name in self.names():
            try:
                yield self.get(name)
            except TemplateError as error:
                yield error
