"""Every cache og keeps, declared once with its bound and why.

A cache is a :class:`BoundedCache`: least recently used entries go first once the entries
weigh more than ``max_bytes`` (entries differ in size: a 20000x20000 background is 1.6 GB, a
glyph path 300 bytes, so bounds are in bytes, not entries). Each has an owner: the
:class:`og.render.Renderer` owns :class:`Caches`, a :class:`og.text.fonts.FontSet` owns its
glyph caches (they die with their fonts). ``stats()`` feeds the metrics, ``clear()`` the
bench and tests; nothing reads a cache's private state.
"""

from __future__ import annotations

import collections
import threading
import typing as t

K = t.TypeVar("K")
V = t.TypeVar("V")

MB = 1 << 20
#: What an entry costs beyond its payload (dict slot, key, small objects), in bytes.
ENTRY_OVERHEAD = 200


class CacheStats(t.NamedTuple):
    """One cache's state, for metrics: how full (bytes of max_bytes) and how useful (hits)."""

    entries: int
    bytes: int
    max_bytes: int
    hits: int
    misses: int
    name: str
    why: str

    def to_dict(self) -> dict[str, object]:
        return dict(self._asdict())


class BoundedCache(t.Generic[K, V]):
    """A thread-safe LRU map bounded by the summed weight of its entries, in bytes.

    An entry heavier than the whole bound is never stored: it would evict everything and
    then itself.
    """

    def __init__(self, name: str, max_bytes: int, why: str,
                 weigh: t.Callable[[V], int] = lambda value: 0) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.why = why
        self._weigh = weigh
        self._entries: collections.OrderedDict[K, tuple[V, int]] = collections.OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        found = self._lookup(key)
        return None if found is None else found[0]

    def _lookup(self, key: K) -> tuple[V, int] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return found

    def put(self, key: K, value: V) -> None:
        weight = (0 if value is None else self._weigh(value)) + ENTRY_OVERHEAD
        if weight > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, weight)
            self._bytes += weight
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def get_or_make(self, key: K, make: t.Callable[[K], V]) -> V:
        """The cached value (None included), or ``make(key)`` stored (two threads may both
        make it once: a cache is never a lock)."""
        found = self._lookup(key)
        if found is not None:
            return found[0]
        value = make(key)
        self.put(key, value)
        return value

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(len(self._entries), self._bytes, self.max_bytes, self._hits, self._misses,
                              self.name, self.why)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._hits = self._misses = 0


class CacheGroup:
    """Named caches that are reported and cleared together."""

    def caches(self) -> list[BoundedCache[t.Any, t.Any]]:
        """Every cache of the group, those of nested groups included."""
        found: list[BoundedCache[t.Any, t.Any]] = []
        for value in vars(self).values():
            if isinstance(value, BoundedCache):
                found.append(value)
            elif isinstance(value, CacheGroup):
                found.extend(value.caches())
        return found

    def stats(self) -> dict[str, CacheStats]:
        return {cache.name: cache.stats() for cache in self.caches()}

    def clear(self) -> None:
        for cache in self.caches():
            cache.clear()


def weigh_bytes(value: bytes | str) -> int:
    return len(value)


def weigh_items(per_item: int) -> t.Callable[[t.Sized], int]:
    """Weight of a sequence whose items cost about ``per_item`` bytes each."""
    return lambda value: per_item * len(value)


class FontCaches(CacheGroup):
    """What is derived from fonts' glyphs. Owned by a :class:`~og.text.fonts.FontSet`, so a
    replaced font set takes its caches with it; keys hold the font, so they never mix."""

    def __init__(self) -> None:
        self.shapes: BoundedCache[t.Any, t.Any] = BoundedCache(
            "shaped_runs", 4 * MB, "labels keep their default value; a paragraph is shaped once "
            "and its lines cut out of it where HarfBuzz allows (each glyph with HarfBuzz's info kept "
            "for that: every new value brings runs used once)", weigh_items(170))
        self.picks: BoundedCache[t.Any, t.Any] = BoundedCache(
            "font_picks", 1 * MB, "the font of a character is looked up once, not for each character "
            "of each card (a fallback chain of dozens of families, each asked whether it has it)")
        self.outlines: BoundedCache[t.Any, t.Any] = BoundedCache(
            "glyph_outlines", 16 * MB, "HarfBuzz draws each glyph once, in font units", weigh_items(120))
        self.glyph_paths: BoundedCache[t.Any, t.Any] = BoundedCache(
            "glyph_paths", 16 * MB, "formatting outline numbers was most of the drawing time",
            lambda value: len(value[2]) + 64)
        self.bitmaps: BoundedCache[t.Any, t.Any] = BoundedCache(
            "emoji_bitmaps", 16 * MB, "a colour emoji's PNG strike as a data URI, per glyph",
            weigh_bytes)
        self.system_faces: BoundedCache[t.Any, t.Any] = BoundedCache(
            "system_faces", 1 * MB, "fontconfig is a subprocess; ask once per family", weigh_items(400))


class Caches(CacheGroup):
    """Every cache of one :class:`~og.render.Renderer`; the fonts' own caches included."""

    def __init__(self, fonts: FontCaches) -> None:
        self.fonts = fonts
        self.layouts: BoundedCache[t.Any, t.Any] = BoundedCache(
            "layouts", 2 * MB, "labels that keep their default value are laid out once (a handful "
            "per template, kept by use; a new value's layout is seldom asked for again)",
            lambda layout: 1200 * len(layout.lines)
            + 200 * sum(len(run.glyphs) for line in layout.lines for run in line.runs))
        self.effects: BoundedCache[t.Any, t.Any] = BoundedCache(
            "effects", 32 * MB, "a static blurred shape is computed once per template, not per request",
            lambda image: len(image[4]))
        self.backgrounds: BoundedCache[t.Any, t.Any] = BoundedCache(
            "backgrounds", 48 * MB, "what a template paints before its first value is drawn once "
            "(3 MB per 1200x630 template; a huge canvas is simply not kept)",
            lambda surface: surface.get_stride() * surface.get_height())
        self.png_bands: BoundedCache[t.Any, t.Any] = BoundedCache(
            "png_bands", 64 * MB, "a background's PNG rows compressed once (~0.2 MB of deflate per "
            "1200x630 template, and its 3 MB of pixels to compare: the background surface's own, "
            "weighed here too)", lambda rows: rows.size_bytes)
        self.png_pieces: BoundedCache[t.Any, t.Any] = BoundedCache(
            "png_pieces", 8 * MB, "bands a request changed come back (labels at their default, "
            "static shapes over a value): their compressed rows are copied (~100 KB each)",
            lambda piece: piece.size_bytes)
        self.failures: BoundedCache[t.Any, t.Any] = BoundedCache(
            "failures", 1 * MB, "a broken card fails again at once for a while, not after a render")
        self.images: BoundedCache[t.Any, t.Any] = BoundedCache(
            "images", 48 * MB, "an avatar shared by many cards is downloaded once per max age (raw "
            "bytes, before resizing: each slot size is made from them)",
            lambda fetched: len(fetched.data) + len(fetched.error))
        # Finished cards are not here: they live in og.storage (memory, then Redis), shared by
        # a worker's threads and, through Redis, by every worker.
