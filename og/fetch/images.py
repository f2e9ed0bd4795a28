"""Where an image parameter's pixels come from: the cache, the assets folder or one bounded fetch.

An avatar shared by many cards (one person, many articles) is downloaded once per max age, and
crawlers asking for the same new card at once wait on one download (single flight). A failure
is remembered briefly too, so a crawler retrying a dead URL costs no new fetch each time.
"""

from __future__ import annotations

import dataclasses
import functools
import time
import typing as t

from ..caches import BoundedCache
from ..config import Settings
from ..errors import BadParameter
from ..errors import ImageUnavailable
from ..storage import Entry
from ..storage import SingleFlight
from ..storage.none import NoStorage
from .assets import check_name
from .assets import read_asset
from .decode import Fit
from .decode import fitted_png
from .policy import HostPolicy

if t.TYPE_CHECKING:
    from . import http

#: Seconds a failed fetch is answered from memory before it is tried again.
FAILURE_AGE_S = 30.0


@dataclasses.dataclass(frozen=True)
class Fetched:
    """A download, or why it failed, and when (monotonic seconds)."""

    data: bytes
    error: str
    at: float


class ImageSource:
    """Image parameters' values → PNG bytes for a slot; owned by a :class:`og.render.Renderer`."""

    def __init__(self, settings: Settings, cache: BoundedCache[str, Fetched]) -> None:
        self.policy = HostPolicy(settings.image_hosts)
        self.assets_dir = settings.assets_dir
        self._timeout_s, self._max_bytes = settings.image_timeout_s, settings.image_max_bytes
        self.max_pixels = settings.image_max_pixels
        self.max_age_s = settings.image_max_age_s
        #: Downloads by URL (declared in :class:`og.caches.Caches`, the renderer's).
        self.cache = cache
        #: The deadline covers redirects too, so a waiter waits at most one fetch's time.
        self.flight = SingleFlight(NoStorage(), wait_seconds=settings.image_timeout_s + 1)
        #: Downloads and asset reads really done (not answered from the cache): for tests and metrics.
        self.fetches = 0

    @functools.cached_property
    def limits(self) -> http.Limits:
        """The fetch's bounds, made on the first image: http.client and ssl (≈ 10 ms at start)
        are imported only by a renderer that fetches."""
        from . import http

        return http.Limits(connect_s=min(2.0, self._timeout_s), total_s=self._timeout_s,
                           max_bytes=self._max_bytes)

    def check(self, value: str, parameter: str) -> None:
        """Refuse, before any work, a value og would never fetch (400)."""
        if not value:
            return
        if value.startswith("@"):
            if self.assets_dir is None:
                raise BadParameter(f"parameter {parameter!r}: local images are switched off "
                                   "(the operator has not set OG_ASSETS_DIR)", parameter=parameter)
            check_name(value[1:], parameter)
        else:
            self.policy.target(value, parameter)

    def png(self, value: str, size: tuple[int, int], fit: Fit, parameter: str) -> bytes:
        """The image ``value`` names, fitted to ``size`` device pixels, as PNG bytes.

        :raises ImageUnavailable: whatever went wrong, said for a person (never a 5xx).
        """
        return fitted_png(self._raw(value, parameter), size, fit, self.max_pixels)

    def _raw(self, value: str, parameter: str) -> bytes:
        found = self.cache.get(value)
        if found is None or time.monotonic() - found.at >= (FAILURE_AGE_S if found.error else self.max_age_s):
            self.flight.run(value, lambda: self._download(value, parameter))
            found = self.cache.get(value)
        if found is None:  # heavier than the whole cache: nothing was kept, so get it once more
            return self._get(value, parameter)
        if found.error:
            raise ImageUnavailable(found.error, parameter=parameter)
        return found.data

    def _download(self, value: str, parameter: str) -> Entry:
        try:
            data, error = self._get(value, parameter), ""
        except (ImageUnavailable, BadParameter) as refused:
            data, error = b"", refused.message
        self.cache.put(value, Fetched(data, error, time.monotonic()))
        return Entry(b"", "application/octet-stream")

    def _get(self, value: str, parameter: str) -> bytes:
        self.fetches += 1
        if value.startswith("@"):
            if self.assets_dir is None:
                raise ImageUnavailable("local images are switched off", parameter=parameter)
            return read_asset(self.assets_dir, value[1:], self.limits.max_bytes, parameter)
        from . import http

        return http.get(value, lambda url: self.policy.target(url, parameter), self.limits)
