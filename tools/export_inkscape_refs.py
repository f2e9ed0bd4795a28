"""Dev-only: export Inkscape's own PNG of each Inkscape test template, as the reference
og is compared with (``tests/project/test_inkscape_fidelity.py``). Not used by og at run time.

    python3 tools/export_inkscape_refs.py            # every tests/data/inkscape/*.svg
    python3 tools/export_inkscape_refs.py blur mask  # just these
    python3 tools/export_inkscape_refs.py --system   # every tests/data/inkscape/system/*.svg

writes ``tests/data/inkscape/ref/NAME.png`` (``system/ref/NAME.png``); commit them. Needs Inkscape
1.2 (installs Debian's ``inkscape`` with apt-get when it is missing and this runs as root).

Same input as og: each template is loaded and filled with its parameters' defaults by og's
own code (``og.template`` + ``og.fill.fill``), so Inkscape draws the default values, not the
``{{ placeholders }}``. Same fonts as og: Inkscape runs with a ``fonts.conf`` that holds only
the repository's ``fonts/`` folder (no system font can be used; checked with ``fc-list``),
plus the two generic families mapped the way og maps them (sans-serif → Inter, serif →
Noto Serif), which fontconfig would otherwise resolve by its own scoring.

``system/`` holds templates set in fonts a designer has on their machine (DejaVu, Liberation,
Noto Sans from Debian's ``fonts-dejavu-core``, ``fonts-liberation2``, ``fonts-noto-core``): for
them, Inkscape also sees the system's files of exactly :data:`SYSTEM_FAMILIES`, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from og.template.fill import fill  # noqa: E402
from og.template.store import TemplateStore  # noqa: E402

TEMPLATES = ROOT / "tests" / "data" / "inkscape"
FONTS = ROOT / "fonts"
SYSTEM_TEMPLATES = TEMPLATES / "system"
#: The system families the ``system/`` templates use (and og finds through fontconfig).
SYSTEM_FAMILIES = ("DejaVu Sans", "Liberation Sans", "Liberation Serif", "Liberation Mono", "Noto Sans")
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>{fonts}</dir>{extra}
  <cachedir>{cache}</cachedir>
  <alias binding="same"><family>sans-serif</family><prefer><family>Inter</family></prefer></alias>
  <alias binding="same"><family>serif</family><prefer><family>Noto Serif</family></prefer></alias>
</fontconfig>
"""


def inkscape() -> str:
    found = shutil.which("inkscape")
    if found is None and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "inkscape"],
                       check=True, env=env)
        found = shutil.which("inkscape")
    if found is None:
        raise SystemExit("inkscape is not installed (apt-get install inkscape)")
    return found


def system_files(families: tuple[str, ...]) -> list[Path]:
    """The system's font files of ``families`` (the machine's own fontconfig)."""
    files: set[Path] = set()
    for family in families:
        found = subprocess.run(["fc-list", "--format", "%{file}\n", f":family={family}"],
                               check=True, capture_output=True, text=True).stdout.split()
        if not found:
            raise SystemExit(f"no system font {family!r}: apt-get install fonts-dejavu-core "
                             "fonts-liberation2 fonts-noto-core")
        resolved = (Path(f).resolve() for f in found)
        files.update(path for path in resolved if not path.is_relative_to(FONTS.resolve()))
    return sorted(files)


def font_env(work: Path, extra: list[Path] = []) -> dict[str, str]:  # noqa: B006 (never mutated)
    """An environment whose fontconfig sees only ``fonts/`` (and the ``extra`` files, linked
    into a folder of their own); fails if any other font shows."""
    (work / "cache").mkdir()
    linked = work / "system-fonts"
    linked.mkdir()
    for path in extra:
        (linked / path.name).symlink_to(path)
    conf = work / "fonts.conf"
    conf.write_text(FONTS_CONF.format(fonts=FONTS, cache=work / "cache",
                                      extra=f"\n  <dir>{linked}</dir>" if extra else ""), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    env.pop("FONTCONFIG_PATH", None)
    listed = subprocess.run(["fc-list", "--format", "%{file}\n"], env=env, check=True,
                            capture_output=True, text=True).stdout.split()
    strangers = [f for f in listed
                 if not Path(f).resolve().is_relative_to(FONTS.resolve()) and Path(f).resolve() not in extra]
    if not listed or strangers:
        raise SystemExit(f"fontconfig sees fonts outside {FONTS}: {strangers[:5]}")
    return env


def filled_copy(store: TemplateStore, name: str, folder: Path) -> Path:
    """The template filled with its defaults, exactly as og fills it."""
    template = store.get(name)
    root = fill(template, {n: p.default for n, p in template.params.items()})
    path = folder / f"{name}.svg"
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    return path


def main(names: list[str]) -> None:
    system = "--system" in names
    names = [name for name in names if name != "--system"]
    templates = SYSTEM_TEMPLATES if system else TEMPLATES
    refs = templates / "ref"
    store = TemplateStore(templates)
    names = names or store.names()
    refs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="og-inkscape-refs-") as tmp:
        work = Path(tmp)
        env = font_env(work, system_files(SYSTEM_FAMILIES) if system else [])
        filled = [filled_copy(store, name, work) for name in names]
        # One Inkscape process for all files: each NAME.svg is exported as NAME.png beside it.
        subprocess.run([inkscape(), "--export-type=png", "--export-area-page", "--export-dpi=96",
                        "--export-overwrite", *map(str, filled)],
                       check=True, env=env, capture_output=True, timeout=600)
        for name in names:
            shutil.copyfile(work / f"{name}.png", refs / f"{name}.png")
            print(refs / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1:])
