"""Templates by name under one trusted folder: find, load on first use, reload on change."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import typing as t
from pathlib import Path

from ..errors import TemplateError
from ..errors import TemplateNotFound
from .load import NotWellFormed
from .load import Template
from .load import create_jinja_environment
from .load import digest_of
from .load import load_template
from .load import read_template

log = logging.getLogger(__name__)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
#: How long a template's file may stay unparsable (while it is rewritten in place) before
#: readiness names it; the last good version serves meanwhile, and after.
REWRITE_GRACE_S = 10.0
#: A template that has no good version yet in this process: how often, and how far apart, a file
#: cut short is read again before it is that template's error.
REREADS = 20
REREAD_PAUSE_S = 0.01
#: How many times a file rewritten between its bounded load and this process's read is vetted
#: again before it counts as being rewritten (the last good version serves meanwhile).
VET_ATTEMPTS = 3


class TemplateStore:
    """Templates of one folder, loaded on first use and reloaded when their file changes.

    The folder is the designers' and the deploy's (a Kubernetes ConfigMap mounts it as
    symlinks into a hidden sub-folder): a broken, unreadable or dangling entry is that one
    template's error, never the service's, and a symlink that leads out of the folder is
    refused. A file that failed to load is not read again until it changes.

    A file rewritten in place (truncated, then written) is empty or cut short for a moment:
    while it does not parse, the last good version keeps serving (and keeps serving if it never
    does: readiness names it after :data:`REWRITE_GRACE_S`). A new version that parses but is
    broken otherwise is that template's error at once: it is what the designer saved.
    """

    def __init__(self, folder: str | os.PathLike[str], max_length: int = 500,
                 on_load: t.Callable[[Template], None] | None = None,
                 vet: t.Callable[[str], str | None] | None = None) -> None:
        self.folder = Path(folder).resolve()
        self.max_length = max_length
        self.on_load = on_load
        #: Loads the file somewhere bounded first (a render process: :meth:`og.Renderer.vet`),
        #: raising :class:`TemplateError` if that failed, ran past its budget or its memory, else
        #: giving the digest of the bytes it loaded: only those bytes are then parsed here.
        self.vet = vet
        self.env = create_jinja_environment()
        self._cache: dict[str, Template] = {}
        self._failed: dict[str, tuple[tuple[int, int], TemplateError]] = {}
        #: name → (stamp of the unparsable file, when it was first seen so, the error)
        self._unparsed: dict[str, tuple[tuple[int, int], float, NotWellFormed]] = {}
        self._lock = threading.Lock()

    def path_for(self, name: str) -> Path:
        if not NAME.match(name):
            raise TemplateNotFound(f"no template named {name[:64]!r}")
        try:
            path = (self.folder / f"{name}.svg").resolve(strict=True)
        except (OSError, RuntimeError):  # missing, dangling symlink, symlink loop
            raise TemplateNotFound(f"no template named {name!r}", available=self.names()) from None
        if not path.is_relative_to(self.folder):
            log.warning("template %s: %s leads out of the templates folder; refused", name, path)
            raise TemplateNotFound(f"no template named {name!r}", available=self.names())
        if not path.is_file():
            raise TemplateNotFound(f"no template named {name!r}", available=self.names())
        return path

    def get(self, name: str) -> Template:
        path = self.path_for(name)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(name)
        if cached is not None and cached.stamp == stamp:
            return cached
        failed = self._failed.get(name)
        if failed is not None and failed[0] == stamp:
            raise TemplateError(failed[1].message)
        unparsed = self._unparsed.get(name)
        if cached is not None and unparsed is not None and unparsed[0] == stamp:
            return cached
        try:
            template = self._load(name, path, first=cached is None)
        except NotWellFormed as error:
            if cached is None:
                with self._lock:
                    self._failed[name] = (stamp, error)
                raise
            with self._lock:
                since = unparsed[1] if unparsed is not None else time.monotonic()
                self._unparsed[name] = (stamp, since, error)
            log.warning("template %s does not parse (being rewritten?); the last good version serves: %s",
                        name, error.message)
            return cached
        except TemplateError as error:
            with self._lock:
                self._failed[name] = (stamp, error)
                self._unparsed.pop(name, None)
            raise
        with self._lock:
            self._cache[name] = template
            self._failed.pop(name, None)
            self._unparsed.pop(name, None)
        log.info("loaded template %s (%d params)", name, len(template.params))
        if self.on_load is not None:
            self.on_load(template)
        return template

    def _load(self, name: str, path: Path, first: bool) -> Template:
        """Load the file: the bytes the bounded load vetted (:meth:`_vetted_bytes`), or without
        one, the file as it is; the first time in this process, a file cut short (being rewritten:
        it takes milliseconds) is read again a few times, :data:`REREAD_PAUSE_S` apart."""
        vetted = self._vetted_bytes(name, path, first)
        if vetted is not None:
            return load_template(name, path, self.env, self.max_length, read=vetted)
        for _ in range(REREADS if first else 0):
            try:
                return load_template(name, path, self.env, self.max_length)
            except NotWellFormed:
                time.sleep(REREAD_PAUSE_S)  # looked up now: gevent's sleep in a gevent worker
        return load_template(name, path, self.env, self.max_length)

    def _vetted_bytes(self, name: str, path: Path, first: bool) -> tuple[bytes, os.stat_result] | None:
        """The file's bytes, as the bounded load (:attr:`vet`) loaded them: a file rewritten between
        that load and this read is vetted again (as :meth:`_load` reads a file cut short again), so
        this process never parses bytes that were not. None: nothing bounded loads here (as in a
        render process itself)."""
        if self.vet is None:
            return None
        for attempt in range(REREADS if first else VET_ATTEMPTS):
            if attempt:
                time.sleep(REREAD_PAUSE_S)
            digest = self.vet(name)  # the bounded load re-reads a file cut short itself
            if digest is None:
                return None
            try:
                stat = path.stat()  # before the read: a rewrite after it shows as a new stamp
                data = read_template(path)
            except OSError as error:
                raise TemplateError(f"template {name!r} cannot be read: {error.strerror}") from None
            if digest_of(data) == digest:
                return data, stat
        raise NotWellFormed(f"template {name!r} kept changing while it was loaded")

    def unparsed_for_long(self, name: str) -> TemplateError | None:
        """The error of a template whose file has not parsed for :data:`REWRITE_GRACE_S` (its last
        good version still serves), for readiness; None otherwise."""
        unparsed = self._unparsed.get(name)
        if unparsed is None or time.monotonic() - unparsed[1] < REWRITE_GRACE_S:
            return None
        return TemplateError(f"{unparsed[2].message} (the last good version serves)")

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(p.stem for p in self.folder.glob("*.svg") if NAME.match(p.stem))

    def all(self) -> t.Iterator[Template | TemplateError]:
        """Every template of the folder, or the error that keeps it from loading."""
        for name in self.names():
            try:
                template = self.get(name)
                yield self.unparsed_for_long(name) or template
            except TemplateError as error:
                yield error
            except TemplateNotFound:
                yield TemplateError(f"template {name!r}: not a readable file inside the templates folder")
