"""The language's own line-breaking rule by default (``og:word-break`` ``auto``), from the layout report.

Japanese and Chinese titles break between phrases (BudouX), never inside ``ロールバック`` or ``回滚``,
in boxes of every width; Korean breaks between words; ``og:word-break="normal"`` still breaks
anywhere UAX #14 allows; the report says which rule applied and which language og used.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import og
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for
from tests.helpers import outside_box
from tests.helpers import report
from tests.helpers import text

WIDTHS = range(260, 590, 22)  # each wide enough for the longest phrase (9 characters)
BOX = ('<rect x="20" y="{y}" width="{width}" height="600" id="box{n}"/>')
TEXT = ('<text id="t{n}" {extra} style="font-size:28px;line-height:1.3;font-family:Inter;fill:#000;'
        'shape-inside:url(#box{n})">{{{{ title }}}}</text>')


def _template(extra: str) -> str:
    boxes = "".join(BOX.format(y=0, width=width, n=n) for n, width in enumerate(WIDTHS))
    texts = "".join(TEXT.format(n=n, extra=extra) for n in range(len(WIDTHS)))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="https://og.example.com/ns" width="640" '
            f'height="630" viewBox="0 0 640 630"><defs>{boxes}</defs>{texts}</svg>')


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory, fonts: og.FontSet) -> og.Renderer:
    folder: Path = tmp_path_factory.mktemp("word-break")
    (folder / "auto.svg").write_text(_template(""), "utf-8")
    (folder / "normal.svg").write_text(_template('og:word-break="normal"'), "utf-8")
    (folder / "zh_tw.svg").write_text(_template('xml:lang="zh-TW"'), "utf-8")
    return og.Renderer(settings_for(folder), fonts=fonts)


def _line_ends(item: dict) -> set[int]:
    lengths = [len(line["text"]) for line in item["lines"]]
    return {sum(lengths[: n + 1]) for n in range(len(lengths) - 1)}


def _splits(title: str, word: str, ends: set[int]) -> bool:
    start = title.index(word)
    return any(start < end < start + len(word) for end in ends)


CJK = [
    ("本番環境での即時ロールバックとコンパイラの高速化について", ("ロールバック", "コンパイラ"), "ja"),
    ("我们上线了一键回滚功能，新版本支持增量编译和远程缓存", ("回滚", "编译", "缓存"), "zh-Hans"),
    ("我們推出了一鍵回滾功能，新版本支援增量編譯與遠端快取", ("回滾", "編譯"), "zh-Hant"),
]


@pytest.mark.parametrize("title, words, lang", CJK, ids=[lang for *_, lang in CJK])
def test_cjk_breaks_between_phrases_by_default(columns, title, words, lang):
    rep = report(columns, "auto", title=title)
    for n, width in enumerate(WIDTHS):
        item = text(rep, f"t{n}")
        assert "".join(line["text"] for line in item["lines"]) == title
        assert (item["word_break"], item["lang"]) == ("auto-phrase", lang)
        assert outside_box(item) == [] and not item["forced_breaks"]
        for word in words:
            assert not _splits(title, word, _line_ends(item)), (width, word, item["lines"])


@pytest.mark.parametrize("title, words, lang", CJK, ids=[lang for *_, lang in CJK])
def test_normal_still_breaks_anywhere(columns, title, words, lang):
    rep = report(columns, "normal", title=title)
    items = [text(rep, f"t{n}") for n in range(len(WIDTHS))]
    assert {item["word_break"] for item in items} == {"normal"}
    assert any(_splits(title, word, _line_ends(item)) for item in items for word in words)


def test_the_templates_language_picks_the_model(columns):
    item = text(report(columns, "zh_tw", title=CJK[2][0]), "t0")
    assert (item["word_break"], item["lang"]) == ("auto-phrase", "zh-TW")


def test_korean_breaks_between_words(columns):
    title = "한국어 제목은 단어 사이에서만 줄을 바꿉니다 그리고 음절을 나누지 않습니다"
    rep = report(columns, "auto", title=title)
    for n in range(len(WIDTHS)):
        item = text(rep, f"t{n}")
        assert (item["word_break"], item["lang"]) == ("keep-all", "ko")
        words = [word for line in item["lines"] for word in line["text"].split()]
        assert words == title.split(), item["lines"]
    normal = [text(report(columns, "normal", title=title), f"t{n}") for n in range(len(WIDTHS))]
    assert any([word for line in item["lines"] for word in line["text"].split()] != title.split()
               for item in normal)


def test_latin_keeps_the_normal_rule(columns):
    item = text(report(columns, "auto", title="Rollback in one click"), "t0")
    assert (item["word_break"], item["lang"]) == ("normal", "")


def test_a_bundled_card_keeps_japanese_words_whole(fonts):
    bundled = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    title = "即時ロールバックとコンパイラの高速化で、デプロイ時間を十分の一に短縮しました"
    item = text(report(bundled, "article", title=title), "title")
    assert item["word_break"] == "auto-phrase"
    ends = _line_ends(item)
    assert len(item["lines"]) > 1
    assert not any(_splits(title, word, ends) for word in ("ロールバック", "コンパイラ", "デプロイ"))
