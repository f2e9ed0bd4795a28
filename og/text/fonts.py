"""Fonts: find them, match a CSS family/weight/style to a face, fall back per cluster.

og never asks the operating system to pick a font behind its back: the fonts folder is
searched first, then (only for a family the folder lacks) fontconfig, and every such
system lookup is reported, because a system font makes output depend on the machine.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import logging
import os
import shutil
import subprocess
import threading
import typing as t
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont

from ..caches import FontCaches
from .face_tables import describe_file
from .face_tables import has_serifs
from .face_tables import typo_extents
from .fallbacks import FALLBACK_FAMILIES as FALLBACK_FAMILIES
from .fallbacks import serif_counterpart
from .segment import is_emoji_cluster
from .segment import is_ignorable

log = logging.getLogger(__name__)

FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
#: The first bytes of a WOFF and a WOFF2 file (whatever the file is called).
WEB_FONT_SIGNATURES = (b"wOFF", b"wOF2")

EMOJI_FAMILY = "Noto Color Emoji"

#: CSS generic families, mapped to bundled fonts so they render the same everywhere.
GENERIC_FAMILIES: dict[str, str] = {
    "sans-serif": "Inter",
    "system-ui": "Inter",
    "ui-sans-serif": "Inter",
    "serif": "Noto Serif",
    "ui-serif": "Noto Serif",
    "emoji": EMOJI_FAMILY,
}

_SYNTHETIC_BOLD_STRENGTH = 0.025  # of the em, what browsers use for faux bold
_SYNTHETIC_SLANT = 0.2
#: From this requested weight on, a family with no bold face gets a synthetic one (CSS Fonts 4).
SYNTHETIC_BOLD_FROM = 600


# eq (and with frozen, hash) by value: a face is part of every glyph cache's keys.
@dataclasses.dataclass(frozen=True, eq=True)
class FontFace:
    """One face in a font file (a .ttc holds several), as described by its own tables."""

    path: str
    index: int
    family: str
    weight_min: int
    weight_max: int
    italic: bool
    system: bool = False
    axes: tuple[tuple[str, float, float, float], ...] = ()  # (tag, min, default, max)
    checksum: int = 0  # head.checkSumAdjustment: changes with any byte of the font
    #: The sfnt bytes of a WOFF/WOFF2 file, decompressed once when the folder was read (HarfBuzz
    #: reads no WOFF); None for a TrueType/OpenType file, which is read from ``path``.
    data: bytes | None = dataclasses.field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        weight = str(self.weight_min)
        if self.weight_max != self.weight_min:
            weight += f"-{self.weight_max}"
        return f"{self.family} {weight}{' Italic' if self.italic else ''}"

    @functools.cached_property
    def hb_face(self) -> hb.Face:
        # Read into memory, not memory-mapped: a font file replaced in place under a running
        # worker would otherwise kill it (SIGBUS) or change glyphs under its caches.
        return hb.Face(hb.Blob(self.data if self.data is not None else Path(self.path).read_bytes()),
                       self.index)

    @functools.cached_property
    def cmap(self) -> hb.Set:
        """The code points the face maps, as HarfBuzz's own set (what :meth:`covers` asks): a few
        KB where a ``frozenset`` of a CJK face's 30,000 code points takes 3 MB and ≈ 50 ms to build."""
        return self.hb_face.unicodes

    @functools.cached_property
    def unicodes(self) -> frozenset[int]:
        """The code points the face maps, as a Python set (for coverage reports and tests)."""
        return frozenset(self.cmap)

    @functools.cached_property
    def is_color_bitmap(self) -> bool:
        return bool(self.hb_face.has_color_png)

    @functools.cached_property
    def is_serif(self) -> bool:
        return has_serifs(self.hb_face, self.family)

    def covers(self, cluster: str) -> bool:
        cmap = self.cmap
        return all(ord(char) in cmap or is_ignorable(char) for char in cluster)


@dataclasses.dataclass(frozen=True)
class ResolvedFont:
    """A face at a weight and style: what HarfBuzz shapes with and og draws from."""

    face: FontFace
    weight: int
    synthetic_bold: bool = False
    synthetic_italic: bool = False
    variations: tuple[tuple[str, float], ...] = ()  # font-variation-settings

    def axis_values(self) -> dict[str, float]:
        """Variation coordinates: weight on ``wght``; ``opsz`` at its maximum, as
        Inkscape renders (so cards match what the designer saw); then the template's
        own ``font-variation-settings``, clamped to each axis."""
        values: dict[str, float] = {}
        ranges = {tag: (low, high) for tag, low, _, high in self.face.axes}
        if "opsz" in ranges:
            values["opsz"] = ranges["opsz"][1]
        if "wght" in ranges:
            values["wght"] = float(self.weight)
        for tag, value in self.variations:
            if tag in ranges:
                low, high = ranges[tag]
                values[tag] = min(max(value, low), high)
        return values

    @functools.cached_property
    def hb_font(self) -> hb.Font:
        font = hb.Font(self.face.hb_face)
        values = self.axis_values()
        if values:
            font.set_variations(values)
        if self.synthetic_bold:
            # HarfBuzz takes the strength as a fraction of the em, not in font units.
            font.synthetic_bold = (_SYNTHETIC_BOLD_STRENGTH, _SYNTHETIC_BOLD_STRENGTH, False)
        if self.synthetic_italic:
            font.synthetic_slant = _SYNTHETIC_SLANT
        return font

    @functools.cached_property
    def metrics(self) -> tuple[float, float]:
        """Ascender and descender (positive) as fractions of the em."""
        extents = self.hb_font.get_font_extents("ltr")
        upem = self.face.hb_face.upem
        return extents.ascender / upem, -extents.descender / upem

    @functools.cached_property
    def em_split(self) -> tuple[float, float]:
        """Ascent and descent as fractions adding up to one em, the way Inkscape splits a
        line's em box: from the OS/2 typo ascender and descender whatever ``USE_TYPO_METRICS``
        says (HarfBuzz's :attr:`metrics` follow hhea unless it is set: 0.797 vs Inkscape's
        0.760 for DejaVu Sans), with MVAR's variation; hhea only for a face without OS/2.
        The line gap plays no part."""
        upem = self.face.hb_face.upem
        typo = typo_extents(self.face.hb_face)
        if typo is None:
            ascent, descent = self.metrics
        else:
            font = self.hb_font
            ascent = (typo[0] + font.get_metric_y_variation(hb.OTMetricsTag.HORIZONTAL_ASCENDER)) / upem
            descent = -(typo[1] + font.get_metric_y_variation(hb.OTMetricsTag.HORIZONTAL_DESCENDER)) / upem
        total = (abs(ascent) + abs(descent)) or 1.0
        return abs(ascent) / total, abs(descent) / total

    @property
    def upem(self) -> int:
        return int(self.face.hb_face.upem)

    @property
    def label(self) -> str:
        extra = " (synthetic bold)" if self.synthetic_bold else ""
        extra += " (synthetic italic)" if self.synthetic_italic else ""
        return f"{self.face.family} {self.weight}{' Italic' if self.face.italic else ''}{extra}"


def decompressed(path: str) -> bytes | None:
    """The TrueType/OpenType bytes of a WOFF or WOFF2 file (fontTools; brotli for WOFF2), or
    None for a file that is not one. Lossless: the same tables, glyphs and variations."""
    with open(path, "rb") as file:
        if file.read(4) not in WEB_FONT_SIGNATURES:
            return None
    font = TTFont(path, recalcBBoxes=False, recalcTimestamp=False)
    font.flavor = None
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def read_faces(path: str, system: bool = False) -> list[FontFace]:
    """Describe every face of a font file; a broken file is logged and skipped."""
    try:
        data = decompressed(path)
        infos = describe_file(path, data)
    except Exception as error:  # a bad font must not take the service down
        log.warning("skipping unreadable font %s: %s", path, error)
        return []
    if not infos:
        log.warning("skipping unreadable font %s: no face in it", path)
    return [FontFace(path, info.index, info.family, info.weight_min, info.weight_max, info.italic,
                     system, info.axes, info.checksum, data) for info in infos]


def scan_folder(folder: str | os.PathLike[str], unreadable: list[str] | None = None) -> list[FontFace]:
    """Every face of the font files under ``folder``; files with none go to ``unreadable``."""
    root = Path(folder)
    if not root.is_dir():
        return []
    faces: list[FontFace] = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in FONT_SUFFIXES:
            found = read_faces(str(path))
            if not found and unreadable is not None:
                unreadable.append(str(path))
            faces.extend(found)
    return faces


def system_faces(family: str) -> tuple[FontFace, ...]:
    """Faces fontconfig knows for ``family`` (exact family name match only)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return ()
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{file}\n", f":family={family}"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces: list[FontFace] = []
    for path in sorted(set(out.split())):
        faces.extend(f for f in read_faces(path, system=True) if f.family.lower() == family.lower())
    if faces:
        log.warning("font family %r comes from the system, not the fonts folder: "
                    "output will differ between machines", family)
    return tuple(faces)


def _weight_distance(face: FontFace, wanted: int) -> tuple[int, int]:
    """CSS Fonts 4 §5.2 weight matching, as a sort key (smaller is better)."""
    if face.weight_min <= wanted <= face.weight_max:
        return (0, 0)
    below = face.weight_max < wanted
    gap = wanted - face.weight_max if below else face.weight_min - wanted
    if 400 <= wanted <= 500:
        if not below and face.weight_min <= 500:
            return (1, gap)
        return (2, gap) if below else (3, gap)
    if wanted < 400:
        return (1, gap) if below else (2, gap)
    return (2, gap) if below else (1, gap)


class FontSet:
    """The fonts og may use: the fonts folder first, then named system families.

    Thread-safe for reads; HarfBuzz objects are created lazily and cached.
    """

    def __init__(self, faces: t.Iterable[FontFace], allow_system: bool = True) -> None:
        self._families: dict[str, list[FontFace]] = {}
        for face in faces:
            self._families.setdefault(face.family.lower(), []).append(face)
        self.allow_system = allow_system
        self._lock = threading.Lock()
        self._resolved: dict[tuple[t.Any, ...], ResolvedFont | None] = {}
        #: Shaped runs and glyph drawings of these fonts: they live and die with the set.
        self.caches = FontCaches()
        #: Font files that could not be read: an error at start and on ``/readyz``.
        self.unreadable: tuple[str, ...] = ()

    @classmethod
    def from_folders(cls, *folders: str | os.PathLike[str], allow_system: bool = True) -> FontSet:
        """Faces of the folders in order; a family found in an earlier folder is taken
        from there only (a brand's own Inter is not mixed with the bundled one)."""
        faces: list[FontFace] = []
        seen: set[str] = set()
        unreadable: list[str] = []
        for folder in dict.fromkeys(Path(f).resolve() for f in folders):
            found = scan_folder(folder, unreadable)
            faces.extend(face for face in found if face.family.lower() not in seen)
            seen |= {face.family.lower() for face in found}
        font_set = cls(faces, allow_system)
        font_set.unreadable = tuple(unreadable)
        return font_set

    @functools.cached_property
    def fingerprint(self) -> str:
        """A digest of every bundled face (file name, size, the font's own whole-file checksum):
        part of each card's cache key and ETag, the same on every machine with the same fonts."""
        digest = hashlib.sha256()
        for family in sorted(self._families):
            for face in self._families[family]:
                digest.update(f"{family}|{Path(face.path).name}|{face.index}|{face.checksum}\n".encode())
        return digest.hexdigest()[:16]

    @property
    def families(self) -> list[str]:
        return sorted({faces[0].family for faces in self._families.values()})

    def faces_of(self, family: str) -> list[FontFace]:
        key = GENERIC_FAMILIES.get(family.lower(), family).lower()
        faces = self._families.get(key)
        if faces is None and self.allow_system:
            faces = list(self.caches.system_faces.get_or_make(key, system_faces))
        return faces or []

    def has_family(self, family: str) -> bool:
        return bool(self.faces_of(family))

    def is_bundled(self, family: str) -> bool:
        key = GENERIC_FAMILIES.get(family.lower(), family).lower()
        return key in self._families

    def match(self, family: str, weight: int, italic: bool,
              variations: tuple[tuple[str, float], ...] = ()) -> ResolvedFont | None:
        """The face CSS font matching would pick, with synthesis where the family lacks it."""
        cache_key = (family.lower(), weight, italic, variations)
        with self._lock:
            if cache_key in self._resolved:
                return self._resolved[cache_key]
        resolved = self._match(family, weight, italic, variations)
        with self._lock:
            self._resolved[cache_key] = resolved
        return resolved

    def _match(self, family: str, weight: int, italic: bool,
               variations: tuple[tuple[str, float], ...]) -> ResolvedFont | None:
        faces = self.faces_of(family)
        if not faces:
            return None
        styled = [f for f in faces if f.italic == italic] or faces
        best = min(styled, key=lambda f: _weight_distance(f, weight))
        used_weight = min(max(weight, best.weight_min), best.weight_max)
        color = best.is_color_bitmap
        return ResolvedFont(
            best,
            used_weight,
            synthetic_bold=(not color and weight >= SYNTHETIC_BOLD_FROM
                            and best.weight_max < SYNTHETIC_BOLD_FROM),
            synthetic_italic=not color and italic and not best.italic,
            variations=variations,
        )

    def pick(self, families: t.Sequence[str], weight: int, italic: bool, cluster: str,
             variations: tuple[tuple[str, float], ...] = ()) -> ResolvedFont | None:
        """The font that draws ``cluster``: the template's families, then og's fallbacks.

        Emoji-presentation clusters go to the emoji font first, so ``❤️`` is colour
        even when a text font has a black heart. A serif text falls back to serif designs
        first (Noto Serif Bengali before Noto Sans Bengali), as a book would.
        """
        key = (tuple(families), weight, italic, cluster, variations)
        return t.cast(ResolvedFont | None, self.caches.picks.get_or_make(key, lambda key: self._pick(*key)))

    def _pick(self, families: tuple[str, ...], weight: int, italic: bool, cluster: str,
              variations: tuple[tuple[str, float], ...]) -> ResolvedFont | None:
        chain: list[str] = list(families)
        if is_emoji_cluster(cluster):
            chain.insert(0, EMOJI_FAMILY)
        chain.extend(self._serif_fallbacks if self._is_serif_text(families, weight, italic)
                     else FALLBACK_FAMILIES)
        seen: set[str] = set()
        for family in chain:
            if family.lower() in seen:
                continue
            seen.add(family.lower())
            font = self.match(family, weight, italic, variations)
            if font is not None and font.face.covers(cluster):
                return font
        return None

    def _is_serif_text(self, families: t.Sequence[str], weight: int, italic: bool) -> bool:
        """Whether the text's own family (the first of its list that og has) has serifs."""
        for family in families:
            font = self.match(family, weight, italic)
            if font is not None:
                return font.face.is_serif
        return False

    @functools.cached_property
    def _serif_fallbacks(self) -> tuple[str, ...]:
        """The fallback chain with each family's serif design just before it, where bundled."""
        chain: list[str] = []
        for family in FALLBACK_FAMILIES:
            counterpart = serif_counterpart(family)
            if counterpart is not None and self.is_bundled(counterpart):
                chain.append(counterpart)
            chain.append(family)
        return tuple(chain)
