"""Settings from the environment, and pointing og's folders elsewhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import og
from og.config import BUNDLED_FONTS
from og.config import Settings
from og.text.fonts import FontSet

from .conftest import TEMPLATES


def test_settings_from_env(tmp_path: Path) -> None:
    settings = Settings.from_env({"OG_TEMPLATES_DIR": str(tmp_path), "OG_FONTS_DIR": "/f",
                                  "OG_MAX_LENGTH": "42", "OG_ALLOW_SYSTEM_FONTS": "0", "PORT": "9"})
    assert (settings.templates_dir, settings.fonts_dir) == (tmp_path, Path("/f"))
    assert (settings.max_length, settings.allow_system_fonts, settings.port) == (42, False, 9)
    assert Settings.from_env({}) == Settings()


def test_a_fonts_folder_elsewhere_keeps_the_bundled_fallbacks(tmp_path: Path) -> None:
    """A folder with only a brand font: its family comes from there, every other
    script from og's bundled set, and nothing from the system."""
    brand = tmp_path / "fonts"
    brand.mkdir()
    shutil.copy(BUNDLED_FONTS / "noto-serif" / "NotoSerif-Regular.ttf", brand)
    renderer = og.Renderer(Settings(templates_dir=TEMPLATES, fonts_dir=brand, allow_system_fonts=False))
    report = json.loads(renderer.render("card", {"title": "Serif 日本語 العربية 👩‍💻"}, "json"))
    assert report["missing"] == []
    files = {run["file"] for item in report["texts"] for line in item["lines"] for run in line["runs"]}
    assert {"NotoSansCJKjp-Bold.subset.otf", "NotoSansArabic-Bold.ttf", "NotoColorEmoji.ttf"} <= files
    serif = FontSet.from_folders(brand, BUNDLED_FONTS, allow_system=False).faces_of("Noto Serif")
    assert {face.path for face in serif} == {str(brand.resolve() / "NotoSerif-Regular.ttf")}
