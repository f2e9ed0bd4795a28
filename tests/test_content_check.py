"""``og check --data``: every row laid out (no raster), the ones that did not fit listed."""

from __future__ import annotations

from pathlib import Path

import pytest

import og
from og.cli import main
from og.content_check import check_rows
from og.rows import read_rows
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import ROOT
from tests.conftest import settings_for

POSTS = ROOT / "examples" / "static_site" / "posts"
#: Titles for the bundled article: four lines at 66 px (shrunk, not cut), and cut at 44 px.
SHRUNK = ("Words and words " * 6).strip()
CUT = ("Words and words " * 17).strip()


@pytest.fixture(autouse=True)
def _bundled_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OG_TEMPLATES_DIR", str(BUNDLED_TEMPLATES))


def test_rows_that_do_not_fit_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "posts.jsonl"
    data.write_text('{"title": "Short"}\n'
                    f'{{"title": "{SHRUNK}"}}\n'
                    f'{{"title": "{CUT}"}}\n', encoding="utf-8")
    assert main(["check", "--data", str(data), "article"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "row 2 (posts.jsonl:2): title: 4 lines, shrunk from 72 to 66 px"
    assert out[1].startswith("row 3 (posts.jsonl:3): title: 4 lines, shrunk from 72 to 44 px, cut")
    assert out[2] == "3 rows: 2 with text that did not fit as written, 1 cut, refused or missing glyphs"
    assert main(["check", "--data", str(data), "article", "--strict"]) == 1


def test_shrinking_alone_passes_strict(tmp_path: Path) -> None:
    data = tmp_path / "p.csv"
    data.write_text(f"title\n{SHRUNK}\n", encoding="utf-8")
    assert main(["check", "--data", str(data), "article", "--strict"]) == 0


def test_cut_and_missing_glyphs(fonts: og.text.fonts.FontSet) -> None:
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    rows = read_rows(POSTS)
    found = check_rows(renderer, "article", [row for row in rows if row.stem != "ci-times"])
    assert [issue.row.stem for issue in found] == ["long-title"]
    (text,) = found[0].texts
    assert text.truncated and text.lines == 4 and found[0].serious
    no_font = check_rows(renderer, "article", [rows[0].__class__(1, {"title": "\U0010fffd x"}, "a")])
    assert no_font[0].texts[0].missing and no_font[0].serious


def test_nothing_is_rasterized(fonts: og.text.fonts.FontSet, monkeypatch: pytest.MonkeyPatch) -> None:
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)

    def refuse(*args: object) -> None:
        raise AssertionError("og check --data must not rasterize")

    monkeypatch.setattr(renderer.backend, "rasterize", refuse)
    assert check_rows(renderer, "article", read_rows(POSTS))


def test_template_linting_still_works(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BUNDLED_TEMPLATES / "article.svg")]) == 0
    assert "article.svg" in capsys.readouterr().out
