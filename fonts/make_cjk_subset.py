"""Build the bundled Noto Sans CJK JP subsets in this folder.

Source: Debian package fonts-noto-cjk, /usr/share/fonts/opentype/noto/
NotoSansCJK-{Regular,Bold}.ttc, face "Noto Sans CJK JP" (picked by name table).

The character set is the union of every character encodable in the legacy
CJK codecs gb2312, big5, euc_jp (JIS X 0208; JIS X 0212 only with
--jisx0212) and euc_kr, plus whole Unicode blocks (Hangul, kana, CJK
symbols, fullwidth forms, Bopomofo, enclosed CJK, ...), restricted to what
the font maps.  All OpenType layout
features are kept, so HarfBuzz still selects regional glyphs through `locl`
(language ja / zh-Hans / zh-Hant / zh-HK / ko).  Names are not changed.

Usage:  python3 make_cjk_subset.py [--src-dir DIR] [--out-dir DIR] [--jisx0212]

The bundled files were built with the defaults (no JIS X 0212: it adds about
0.9 MB per weight, taking the subsets past the 12 MB budget). The output is
byte-for-byte reproducible (head.modified is kept from the source font).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

FACE_NAME = "Noto Sans CJK JP"
WEIGHTS = ("Regular", "Bold")

# Whole blocks (inclusive ranges); only code points the font maps are kept.
BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin (CJK-styled proportional Latin)
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2000, 0x206F),  # General Punctuation
    (0x2E80, 0x2FDF),  # CJK Radicals Supplement, Kangxi Radicals
    (0x2FF0, 0x2FFF),  # Ideographic Description Characters
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3190, 0x319F),  # Kanbun
    (0x31A0, 0x31BF),  # Bopomofo Extended
    (0x31C0, 0x31EF),  # CJK Strokes
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months
    (0x3300, 0x33FF),  # CJK Compatibility
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7A3),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFE50, 0xFE6F),  # Small Form Variants
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x1F200, 0x1F2FF),  # Enclosed Ideographic Supplement
)


def codec_chars(codec: str, with_three_byte: bool = False) -> set[int]:
    """Return every non-ASCII code point that `codec` can decode from a
    2-byte sequence (and, for euc_jp with `with_three_byte`, 0x8F-prefixed
    3-byte JIS X 0212 sequences)."""
    found: set[int] = set()
    prefixes: list[bytes] = [b""]
    if with_three_byte:
        prefixes.append(b"\x8f")
    for prefix in prefixes:
        for lead in range(0x81, 0x100):
            for trail in range(0x40, 0x100):
                try:
                    text = (prefix + bytes((lead, trail))).decode(codec)
                except UnicodeDecodeError:
                    continue
                if len(text) == 1 and ord(text) >= 0x80:
                    found.add(ord(text))
    return found


def wanted_codepoints(jisx0212: bool = False) -> set[int]:
    """The full wish list of code points (before intersecting with the cmap)."""
    cps: set[int] = set()
    for codec in ("gb2312", "big5", "euc_kr"):
        cps |= codec_chars(codec)
    cps |= codec_chars("euc_jp", with_three_byte=jisx0212)
    for first, last in BLOCKS:
        cps.update(range(first, last + 1))
    return cps


def load_face(ttc_path: Path, family: str = FACE_NAME) -> TTFont:
    """Return the face of the collection whose nameID 1 equals `family`."""
    collection = TTCollection(str(ttc_path))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise LookupError(f"{family!r} not found in {ttc_path}")


def make_subset(src: Path, dst: Path, jisx0212: bool = False) -> int:
    """Subset one weight and save it as CFF-flavoured OTF. Returns glyph count."""
    font = load_face(src)
    cmap = font.getBestCmap()
    unicodes = sorted(cp for cp in wanted_codepoints(jisx0212) if cp in cmap)

    options = subset.Options()
    options.layout_features = ["*"]  # keep locl, palt, halt, kern, vert, ...
    options.layout_scripts = ["*"]
    options.name_IDs = ["*"]  # keep family name, copyright, licence
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.recalc_bounds = True
    options.drop_tables = [t for t in options.drop_tables if t != "BASE"]

    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    font.recalcTimestamp = False  # reproducible output
    font.save(str(dst))
    return font["maxp"].numGlyphs


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src-dir", type=Path, default=Path("/usr/share/fonts/opentype/noto"))
    parser.add_argument("--out-dir", type=Path, default=here / "noto-sans-cjk")
    parser.add_argument("--jisx0212", action="store_true", help="also keep JIS X 0212 kanji")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        src = args.src_dir / f"NotoSansCJK-{weight}.ttc"
        dst = args.out_dir / f"NotoSansCJKjp-{weight}.subset.otf"
        glyphs = make_subset(src, dst, jisx0212=args.jisx0212)
        print(f"{dst}: {glyphs} glyphs, {dst.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
