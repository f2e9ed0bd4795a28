"""Regenerate the golden images in tests/golden/ (run on purpose, never by the tests).

    python tests/regen_golden.py              # fixture templates (tests/data/templates)
    python tests/regen_golden.py --bundled    # article, announcement, profile (svg_templates)
    python tests/regen_golden.py --all        # both
    python tests/regen_golden.py card inline  # only these golden names

Look at every rewritten PNG before committing it: a golden is a claim that the card is right.
Goldens depend on the fonts: regenerate after fonts/ changes.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import og  # noqa: E402
import og.config  # noqa: E402
from og.text.fonts import FontSet  # noqa: E402

GOLDEN_DIR = ROOT / "tests" / "golden"
FIXTURES = ROOT / "tests" / "data" / "templates"
BUNDLED = ROOT / "svg_templates"
FONTS_DIR = ROOT / "fonts"


@dataclasses.dataclass(frozen=True)
class Case:
    golden: str  # file name stem in tests/golden/
    folder: Path
    template: str
    params: tuple[tuple[str, str], ...] = ()
    bundled: bool = False

    @property
    def path(self) -> Path:
        return GOLDEN_DIR / f"{self.golden}.png"


CASES: tuple[Case, ...] = (
    Case("card", FIXTURES, "card"),
    Case("card-scripts", FIXTURES, "card", (
        ("title", "Mixed العربية עברית हिन्दी ไทย 日本語 한국어 👩\u200d💻 ❤️"),
        ("author", "Zoë Ångström"), ("tag", "#ελληνικά"), ("date", "2026-05-01"))),
    Case("card-long", FIXTURES, "card", (("title", "A very long title " * 16),)),
    Case("flowroot", FIXTURES, "flowroot"),
    Case("flowroot-rtl", FIXTURES, "flowroot", (("title", "هذا عنوان تجريبي"), ("subtitle", "ועוד פסקה"))),
    Case("inline", FIXTURES, "inline"),
    Case("narrow", FIXTURES, "narrow", (("text", "日本語の文章を「かぎ括弧」で囲み、句読点。読点、閉じ括弧）など"),)),
    Case("balance", FIXTURES, "balance"),
    # Bundled templates: the lead generates these once the designer is done (--bundled).
    # Every field given: a card with only its required value hides the others (issue 15).
    Case("bundled-article", BUNDLED, "article", (
        ("title", "Golden title for the bundled article card"), ("site", "golden.example"),
        ("tag", "Engineering"), ("author", "Golden Author"), ("date", "December 2026"),
        ("reading_time", "5 min read")), bundled=True),
    Case("bundled-announcement", BUNDLED, "announcement", (
        ("title", "Golden title for the announcement card"), ("tag", "v3.1 · Out now"),
        ("subtitle", "A subtitle of one line"), ("site", "golden.dev")), bundled=True),
    Case("bundled-profile", BUNDLED, "profile", (
        ("name", "Golden Name"), ("role", "Designer of golden cards"), ("handle", "@golden"),
        ("website", "golden.dev")), bundled=True),
    Case("bundled-quote", BUNDLED, "quote", (
        ("quote", "Golden words, wrapped over more than one line of the quote card"),
        ("author", "A. Golden"), ("source", "Golden sayings (2026)"), ("site", "golden.example")),
        bundled=True),
)


@functools.lru_cache(maxsize=None)
def _fonts() -> FontSet:
    return FontSet.from_folders(FONTS_DIR)


@functools.lru_cache(maxsize=None)
def renderer_for(folder: Path, fonts: FontSet | None = None) -> og.Renderer:
    settings = og.config.Settings(templates_dir=folder, fonts_dir=FONTS_DIR)
    return og.Renderer(settings, fonts=fonts or _fonts())


def exists(case: Case) -> bool:
    return (case.folder / f"{case.template}.svg").is_file()


def render_case(case: Case, fonts: FontSet | None = None) -> bytes:
    """The PNG for ``case``; parameters the template does not have are left out."""
    renderer = renderer_for(case.folder, fonts)
    accepted = renderer.templates.get(case.template).params
    params = {key: value for key, value in case.params if key in accepted}
    return renderer.render(case.template, params, "png")


def main(argv: t.Sequence[str]) -> int:
    names = [arg for arg in argv if not arg.startswith("--")]
    want_bundled = "--bundled" in argv or "--all" in argv
    want_fixtures = "--bundled" not in argv or "--all" in argv
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        if names and case.golden not in names:
            continue
        if not names and not (want_bundled if case.bundled else want_fixtures):
            continue
        if not exists(case):
            print(f"skip {case.golden}: {case.folder.name}/{case.template}.svg does not exist")
            continue
        case.path.write_bytes(render_case(case))
        print(f"wrote {case.path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
