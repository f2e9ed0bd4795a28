"""Describe the faces of a font file from the few table fields og matches fonts on.

fontTools decompiles every name record and the whole ``OS/2`` table of a file to answer
"family, weight, italic, axes"; with the 230-odd files of the fallback chain that was most
of ``FontSet.from_folders`` (≈ 45–90 ms). HarfBuzz maps the file and reads just those fields
(≈ 8 ms for the same files), and a file it cannot read as a font has no faces.
"""

from __future__ import annotations

import dataclasses
import struct

import uharfbuzz as hb

_OS2_WEIGHT_CLASS = 4  # byte offsets in the OS/2 table
_OS2_FS_SELECTION = 62
_OS2_TYPO_ASCENDER = 68  # sTypoAscender, then sTypoDescender (int16, font units)
_HEAD_MAC_STYLE = 44
_HEAD_CHECKSUM_ADJUSTMENT = 8
_NAME_TYPOGRAPHIC_FAMILY = 16
_NAME_FAMILY = 1
_OS2_PANOSE_FAMILY = 32  # PANOSE family kind; 2 is "Latin Text", whose next byte is the serif style
_PANOSE_LATIN_TEXT = 2
_PANOSE_SERIFS = range(2, 11)  # cove … rounded serifs; 11-15 are sans styles, 0-1 "any"/"no fit"


@dataclasses.dataclass(frozen=True)
class FaceInfo:
    """What font matching needs to know of one face, before any of it is shaped."""

    index: int
    family: str
    weight_min: int
    weight_max: int
    italic: bool
    axes: tuple[tuple[str, float, float, float], ...]  # (tag, min, default, max)
    checksum: int = 0  # head.checkSumAdjustment: changes with any byte of the file


def _uint16(table: bytes, offset: int) -> int | None:
    return struct.unpack_from(">H", table, offset)[0] if len(table) >= offset + 2 else None


def _describe(face: hb.Face, index: int) -> FaceInfo:
    family = face.get_name(_NAME_TYPOGRAPHIC_FAMILY) or face.get_name(_NAME_FAMILY) or ""
    os2 = face.reference_table("OS/2").data
    weight = _uint16(os2, _OS2_WEIGHT_CLASS) or 400
    head = face.reference_table("head").data
    mac_style = _uint16(head, _HEAD_MAC_STYLE) or 0
    checksum = struct.unpack_from(">I", head, _HEAD_CHECKSUM_ADJUSTMENT)[0] if len(head) >= 12 else 0
    italic = bool((_uint16(os2, _OS2_FS_SELECTION) or 0) & 1 or mac_style & 2)
    low = high = weight
    axes = tuple((axis.tag, axis.min_value, axis.default_value, axis.max_value)
                 for axis in face.axis_infos)
    for tag, minimum, _, maximum in axes:
        if tag == "wght":
            low, high = int(minimum), int(maximum)
        if tag == "ital" and minimum >= 1:
            italic = True
    return FaceInfo(index, family, low, high, italic, axes, checksum)


def describe_file(path: str, data: bytes | None = None) -> list[FaceInfo]:
    """Every face of a font file (several in a ``.ttc``); none when it is not a font.

    :param data: the file's sfnt bytes when they are not the file's own (a decompressed WOFF).
    """
    blob = hb.Blob.from_file_path(path) if data is None else hb.Blob(data)
    count = hb.Face(blob).count
    faces = [hb.Face(blob, index) for index in range(count)]
    return [_describe(face, index) for index, face in enumerate(faces) if face.glyph_count > 0]


def has_serifs(face: hb.Face, family: str) -> bool:
    """Whether a face is a serif design, by its PANOSE classification (what the designer
    declared), else by its name for a face that leaves PANOSE at "any"."""
    panose = face.reference_table("OS/2").data[_OS2_PANOSE_FAMILY:_OS2_PANOSE_FAMILY + 2]
    if len(panose) == 2 and panose[0] == _PANOSE_LATIN_TEXT and panose[1] > 1:
        return panose[1] in _PANOSE_SERIFS
    words = family.lower().split()
    return "serif" in words and "sans" not in words


def typo_extents(face: hb.Face) -> tuple[int, int] | None:
    """OS/2 ``sTypoAscender`` and ``sTypoDescender`` (font units, descender negative), or None
    for a face without them: what Inkscape's text layout splits each line's em box by."""
    os2 = face.reference_table("OS/2").data
    if len(os2) < _OS2_TYPO_ASCENDER + 4:
        return None
    ascender, descender = struct.unpack_from(">hh", os2, _OS2_TYPO_ASCENDER)
    return (ascender, descender) if ascender or descender else None
