"""Build the bundled Noto CJK fonts in this folder: the common subsets of Noto Sans CJK JP and
Noto Serif CJK JP, and the rare-Han supplement of Noto Sans CJK JP.

Source: Debian package fonts-noto-cjk, /usr/share/fonts/opentype/noto/
Noto{Sans,Serif}CJK-{Regular,Bold}.ttc, face "Noto Sans CJK JP" / "Noto Serif CJK JP" (picked
by name table).

**common** (``*.subset.otf``): every character encodable in the legacy CJK codecs gb2312, big5,
euc_jp (JIS X 0208; JIS X 0212 only with --jisx0212) and euc_kr, plus whole Unicode blocks
(Hangul, kana, CJK symbols, fullwidth forms, Bopomofo, enclosed CJK, ...), restricted to what the
font maps. Names are not changed. Nearly every card only ever reads these.

**rare** (``*.rare.otf``): every other Han ideograph the face draws in the unified block,
Extension A, Extension B (the HKSCS and JIS X 0213 characters Noto CJK carries for Hong Kong,
Taiwan and Japanese names) and the compatibility ideographs. Its family is renamed "Noto Sans
CJK JP Rare" (og's fallback chain tries it right after the common file), so og reads this file
only for a card that has such a character.

All OpenType layout features are kept, so HarfBuzz still selects regional glyphs through `locl`
(language ja / zh-Hans / zh-Hant / zh-HK / ko).

Usage:  python3 make_cjk_subset.py [--style sans|serif] [--part common|rare] [--weights ...]
        [--src-dir DIR] [--out-dir DIR] [--jisx0212]

The bundled files were built with the defaults of each (no JIS X 0212: it adds about 0.9 MB per
weight): ``--style sans --part common``, ``--style sans --part rare --weights Regular``,
``--style serif --part common``. The output is byte-for-byte reproducible (head.modified is kept
from the source font).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection
from fontTools.ttLib import TTFont

WEIGHTS = ("Regular", "Bold")
#: (style, part) -> how the output is named: folder, file stem, family (None: keep the source's).
STYLES = {"sans": ("Noto Sans CJK JP", "NotoSansCJK", "noto-sans-cjk", "NotoSansCJKjp"),
          "serif": ("Noto Serif CJK JP", "NotoSerifCJK", "noto-serif-cjk", "NotoSerifCJKjp")}
RARE_SUFFIX = " Rare"

#: The Han blocks the rare part completes (inclusive ranges).
HAN_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2F800, 0x2FA1F),  # CJK Compatibility Ideographs Supplement
)

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


def rare_codepoints(cmap: dict[int, str], jisx0212: bool = False) -> set[int]:
    """The Han ideographs the face draws that the common part leaves out."""
    han = {cp for first, last in HAN_BLOCKS for cp in range(first, last + 1) if cp in cmap}
    return han - wanted_codepoints(jisx0212)


def rename(font: TTFont, family: str) -> None:
    """Give the font its own family (nameIDs 1, 3, 4, 6, 16), so og can tell it from the common part."""
    table = font["name"]
    weight = table.getDebugName(17) or table.getDebugName(2) or "Regular"
    postscript = family.replace(" ", "") + "-" + weight.replace(" ", "")
    for record in list(table.names):
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (3, 6):
            record.string = postscript
        elif record.nameID == 4:
            record.string = f"{family} {weight}"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [postscript]
        top = cff.topDictIndex[0]
        top.FamilyName, top.FullName = family, f"{family} {weight}"


def load_face(ttc_path: Path, family: str) -> TTFont:
    """Return the face of the collection whose nameID 1 equals `family`."""
    collection = TTCollection(str(ttc_path))
    for font in collection.fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise LookupError(f"{family!r} not found in {ttc_path}")


def make_subset(src: Path, dst: Path, family: str, part: str = "common", jisx0212: bool = False) -> int:
    """Subset one weight and save it as CFF-flavoured OTF. Returns glyph count."""
    font = load_face(src, family)
    cmap = font.getBestCmap()
    if part == "rare":
        unicodes = sorted(rare_codepoints(cmap, jisx0212))
    else:
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
    if part == "rare":
        rename(font, family + RARE_SUFFIX)
    font.recalcTimestamp = False  # reproducible output
    font.save(str(dst))
    return font["maxp"].numGlyphs


def main() -> None:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--style", choices=sorted(STYLES), default="sans")
    parser.add_argument("--part", choices=("common", "rare"), default="common")
    parser.add_argument("--weights", nargs="+", choices=WEIGHTS, default=list(WEIGHTS))
    parser.add_argument("--src-dir", type=Path, default=Path("/usr/share/fonts/opentype/noto"))
    parser.add_argument("--out-dir", type=Path, help="default: the style's folder here")
    parser.add_argument("--jisx0212", action="store_true", help="also keep JIS X 0212 kanji")
    args = parser.parse_args()
    family, collection, folder, stem = STYLES[args.style]
    out_dir = args.out_dir or here / folder
    out_dir.mkdir(parents=True, exist_ok=True)
    for weight in args.weights:
        src = args.src_dir / f"{collection}-{weight}.ttc"
        dst = out_dir / f"{stem}-{weight}.{'subset' if args.part == 'common' else 'rare'}.otf"
        glyphs = make_subset(src, dst, family, args.part, jisx0212=args.jisx0212)
        print(f"{dst}: {glyphs} glyphs, {dst.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
