"""Copy the Noto families of og's fallback chain from Debian's packages into fonts/.

Reproducible: the same package versions give the same files (they are copied unmodified).
For every family in ``og.text.fallbacks.FALLBACK_FAMILIES`` and its serif counterpart that
``fonts/`` lacks, the Regular and Bold files (by name table, not file name) are copied into
``fonts/<family-in-kebab-case>/`` with an ``OFL.txt``: the fonts' copyright lines followed by
the licence text. Scripts newer than Debian's 2020 build come from npm ``@fontsource/*``
packages: their script subset (``files/<id>-<subset>-{400,700}-normal.woff2``) is
decompressed to TTF, losslessly (needs the ``brotli`` module). Usage (from the repository root)::

    apt-get download fonts-noto-core fonts-noto-extra       # 20201225-1 (Debian 12)
    dpkg-deb -x fonts-noto-core_*.deb /tmp/noto
    dpkg-deb -x fonts-noto-extra_*.deb /tmp/noto
    python fonts/bundle_noto.py /tmp/noto/usr/share/fonts/truetype/noto
    npm pack @fontsource/noto-sans-kawi@5.3.0 && tar xzf fontsource-noto-sans-kawi-5.3.0.tgz
    python fonts/bundle_noto.py --fontsource package          # once per extracted package
    python fonts/bundle_noto.py --table        # prints the coverage table of fonts/README.md

Families left out on purpose are listed in ``LEFT_OUT`` (see fonts/README.md for why).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from og.coverage import script_coverage  # noqa: E402
from og.text.fallbacks import FALLBACK_FAMILIES  # noqa: E402
from og.text.fallbacks import serif_counterpart  # noqa: E402
from og.text.fonts import FontSet  # noqa: E402

FONTS = Path(__file__).resolve().parent
#: Styles bundled per family: one upright Regular and its Bold, as the brief for fallbacks asks.
STYLES = ("Regular", "Bold")
#: Families Noto has that are not bundled (size against use; see fonts/README.md).
LEFT_OUT = {"Noto Serif Tangut", "Noto Sans SignWriting"}
LICENCE_START = "This Font Software is licensed"


def family_of(path: Path) -> str:
    names = TTFont(path, lazy=True)["name"]
    return str(names.getDebugName(16) or names.getDebugName(1))


def bundled_families() -> set[str]:
    return {family_of(p) for p in FONTS.rglob("*") if p.suffix.lower() in {".ttf", ".otf"}}


def wanted_families(available: set[str]) -> list[str]:
    """The chain's families, each followed by its serif counterpart where Noto has one."""
    families: list[str] = []
    for family in FALLBACK_FAMILIES:
        counterpart = serif_counterpart(family)
        families.append(family)
        if counterpart in available and counterpart not in LEFT_OUT:
            families.append(counterpart)
    return list(dict.fromkeys(families))


def licence_text() -> str:
    """The OFL text as the fonts already bundled carry it (after their copyright lines)."""
    text = (FONTS / "noto-sans-thai" / "OFL.txt").read_text(encoding="utf-8")
    return text[text.index(LICENCE_START):]


def family_folder(family: str) -> Path:
    folder = FONTS / family.lower().replace(" ", "-")
    folder.mkdir(exist_ok=True)
    return folder


def write_licence(folder: Path) -> None:
    """``OFL.txt``: the copyright lines of the fonts in ``folder``, then the licence."""
    copyrights: list[str] = []
    for path in sorted(folder.glob("*.ttf")):
        line = str(TTFont(path, lazy=True)["name"].getDebugName(0) or "").strip()
        if line and line not in copyrights:
            copyrights.append(line)
    (folder / "OFL.txt").write_text("\n".join(copyrights) + "\n\n" + licence_text(), encoding="utf-8")


def copy_family(family: str, files: list[Path]) -> Path:
    folder = family_folder(family)
    for path in files:
        shutil.copyfile(path, folder / path.name)
    write_licence(folder)
    return folder


def convert_fontsource(package: Path) -> Path:
    """The script subset of a ``@fontsource`` package, Regular (and Bold if it has one), as TTF."""
    meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    (subset,) = [s for s in meta["subsets"] if not s.startswith("latin")]
    folder = family_folder(meta["family"])
    stem = meta["family"].replace(" ", "")
    for weight, style in ((400, "Regular"), (700, "Bold")):
        source = package / "files" / f"{meta['id']}-{subset}-{weight}-normal.woff2"
        if source.exists():
            font = TTFont(source)
            font.flavor = None
            font.save(folder / f"{stem}-{style}.ttf")
    write_licence(folder)
    return folder


def main(source: str) -> None:
    by_family: dict[str, list[Path]] = {}
    for path in sorted(Path(source).glob("*.ttf")):
        if path.stem.rsplit("-", 1)[-1] in STYLES:
            by_family.setdefault(family_of(path), []).append(path)
    have = bundled_families()
    for family in wanted_families(set(by_family)):
        if family in have:
            continue
        if family not in by_family:
            print(f"not in the packages: {family}")
            continue
        folder = copy_family(family, by_family[family])
        print(f"{folder.name}: {', '.join(p.name for p in by_family[family])}")


def coverage_table() -> str:
    """Markdown: per Unicode script (ICU's data), the code points og's chain draws and which font."""
    fonts = FontSet.from_folders(FONTS, allow_system=False)
    rows = ["| Script | ISO | Drawn by | Serif design | Code points drawn / assigned |",
            "| --- | --- | --- | --- | ---: |"]
    for script in script_coverage(fonts):
        serif = [s for s in (serif_counterpart(f) for f in script.families[:1]) if s and fonts.is_bundled(s)]
        rows.append(f"| {script.name} | {script.code} | {', '.join(script.families) or '—'} "
                    f"| {', '.join(serif) or ''} | {script.drawn} / {script.assigned} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if sys.argv[1] == "--table":
        print(coverage_table())
    elif sys.argv[1] == "--fontsource":
        print(convert_fontsource(Path(sys.argv[2])).name)
    else:
        main(sys.argv[1])
