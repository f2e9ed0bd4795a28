"""Issue "text in every script": one title per script through the whole pipeline.

Each title is laid out in the flowed box of ``card`` and the flowRoot of ``flowroot``;
the report must name no missing code point and keep every line inside its box. Then
targeted checks: bidi run order, kinsoku, Thai word breaks, ellipsis on cluster
boundaries, and emoji sequences drawn as one glyph.
"""

from __future__ import annotations

import icu
import pytest
from lxml import etree

from og.text.segment import graphemes
from og.text.segment import line_break_opportunities
from og.text.segment import script_of
from tests.helpers import SVG_NS
from tests.helpers import outside_box
from tests.helpers import report
from tests.helpers import text

CORPUS = {
    "vietnamese": "Tiếng Việt có dấu: Đây là một tiêu đề thử nghiệm cho thẻ chia sẻ",
    "greek": "Ελληνικά: Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο",
    "cyrillic": "Русский: Съешь же ещё этих мягких французских булок, да выпей чаю",
    "arabic": "العربية: هذا عنوان تجريبي لبطاقة المشاركة على الشبكات الاجتماعية",
    "hebrew": "עברית: זוהי כותרת לדוגמה לכרטיס השיתוף ברשתות החברתיות",
    "devanagari": "हिन्दी: यह साझा करने वाले कार्ड का एक परीक्षण शीर्षक है",
    "thai": "ภาษาไทย: นี่คือหัวข้อทดสอบสำหรับการ์ดที่ใช้แชร์บนโซเชียลมีเดีย",
    "japanese": "日本語：これは共有カードのテスト用タイトルです。「かぎ括弧」も使います。",
    "chinese-simplified": "简体中文：这是一个用于分享卡片的测试标题，包含标点符号。",
    "chinese-traditional": "繁體中文：這是一個用於分享卡片的測試標題，包含標點符號。",
    "korean": "한국어: 이것은 공유 카드를 위한 테스트 제목입니다",
    "symbols": "Symbols → ∑ ∞ ≠ ★ ✓ ← ↑ ↓ ∫ √ ≤ ≥ ♥ ☀ ⌘ ✔ ∀x ∈ ℝ",
    "emoji": "Emoji 👩\u200d💻 👍🏽 🇯🇵 1️⃣ ❤️ done",
    "bidi": "Release الإصدار 2.0 is out",
    "long-300": ("A three hundred character title keeps going long after any sensible editor would "
                 "have stopped it, because people paste whole paragraphs into the title field, and "
                 "og must still lay every line inside its box, shrink the type as far as the designer "
                 "allows, and then cut the rest with an ellipsis at a cluster boundary, cleanly.")[:300],
}
RTL = {"arabic", "hebrew"}
#: Which family draws a run of each script (text families fall back per cluster).
FAMILY_BY_SCRIPT = {
    "Latn": "Inter", "Grek": "Inter", "Cyrl": "Inter", "Arab": "Noto Sans Arabic",
    "Hebr": "Noto Sans Hebrew", "Deva": "Noto Sans Devanagari", "Thai": "Noto Sans Thai",
    "Hira": "Noto Sans CJK JP", "Kana": "Noto Sans CJK JP", "Hani": "Noto Sans CJK JP",
    "Hang": "Noto Sans CJK JP",
}
BOXES = [("card", "title", {}), ("flowroot", "body", {"subtitle": "Second paragraph"})]


def _laid_out(renderer, template, ident, extra, title):
    return text(report(renderer, template, title=title, **extra), ident)


def _all_runs(item):
    return [run for line in item["lines"] for run in line["runs"]]


@pytest.mark.parametrize("template, ident, extra", BOXES, ids=[b[0] for b in BOXES])
@pytest.mark.parametrize("script", sorted(CORPUS))
def test_every_script_is_drawn_inside_its_box(renderer, template, ident, extra, script):
    item = _laid_out(renderer, template, ident, extra, CORPUS[script])
    assert item["missing"] == []
    assert outside_box(item) == []
    for run in _all_runs(item):
        expected = FAMILY_BY_SCRIPT.get(run["script"])
        own_script = any(script_of(char) == run["script"] for char in run["text"])
        if expected and own_script and run["font"] != "Noto Color Emoji":
            assert run["font"] == expected, run


@pytest.mark.parametrize("script", sorted(CORPUS))
def test_every_script_renders_to_png_without_text_elements(renderer, script):
    assert renderer.render("card", {"title": CORPUS[script]}, "png").startswith(b"\x89PNG")
    root = etree.fromstring(renderer.render("card", {"title": CORPUS[script]}, "svg"))
    assert root.findall(f".//{{{SVG_NS}}}text") == []


@pytest.mark.parametrize("script", sorted(RTL))
def test_rtl_lines(renderer, script):
    item = _laid_out(renderer, "card", "title", {}, CORPUS[script])
    box = item["box"]
    for line in item["lines"]:
        assert line["direction"] == "rtl"
        # An RTL paragraph in a start-aligned box starts at the right edge.
        assert line["x"] + line["width"] == pytest.approx(box["x"] + box["width"], abs=0.5)
    assert {run["direction"] for run in _all_runs(item) if run["script"] in ("Arab", "Hebr")} == {"rtl"}


def _visual(line):
    """The line's characters left to right, from the runs og placed."""
    return "".join(run["text"][::-1] if run["direction"] == "rtl" else run["text"] for run in line["runs"])


def _icu_visual(logical, paragraph_level=0):
    bidi = icu.Bidi()
    bidi.setPara(icu.UnicodeString(logical), paragraph_level)
    return str(bidi.writeReordered(0))


@pytest.mark.parametrize("title", [
    "Release الإصدار 2.0 is out",
    "Release الإصدار is out",
    "Version עברית 3 and more",
    "og إصدار جديد 2025 now",
])
def test_mixed_bidi_runs_are_in_visual_order(renderer, title):
    (line,) = _laid_out(renderer, "card", "title", {}, title)["lines"]
    assert line["direction"] == "ltr"
    assert _visual(line) == _icu_visual(title)
    xs = [run["x"] for run in line["runs"]]
    assert xs == sorted(xs)


def test_release_arabic_run_order(renderer):
    (line,) = _laid_out(renderer, "card", "title", {}, "Release الإصدار is out")["lines"]
    words = [run["text"].strip() for run in line["runs"] if run["text"].strip()]
    assert words == ["Release", "الإصدار", "is out"]
    # With a number after the Arabic word, UAX #9 (W2: EN after AL becomes AN) puts the
    # number inside the RTL run, so it shows to the LEFT of the Arabic word.
    (line,) = _laid_out(renderer, "card", "title", {}, "Release الإصدار 2.0 is out")["lines"]
    words = [run["text"].strip() for run in line["runs"] if run["text"].strip()]
    assert words == ["Release", "2.0", "الإصدار", "is out"]


KINSOKU_TITLE = ("日本語の文章を「かぎ括弧」で囲み、句読点。読点、閉じ括弧）などが行頭に来ない"
                 "ようにする禁則処理のテストです。（括弧）も「引用」も、行末に開き括弧が残らないこと。")


def test_kinsoku(renderer):
    item = text(report(renderer, "narrow", text=KINSOKU_TITLE), "column")
    assert not item["truncated"]
    lines = [line["text"] for line in item["lines"]]
    assert len(lines) > 5
    assert "".join(lines) == KINSOKU_TITLE
    for line in lines[1:]:
        assert line[0] not in "。、」）", lines
    for line in lines:
        assert line[-1] not in "「（", lines
    assert outside_box(item) == []


THAI_TITLE = ("ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ การตัดคำจึงต้องใช้พจนานุกรม "
              "ประเทศไทยมีประชากรมากกว่าหกสิบล้านคนและมีวัฒนธรรมที่หลากหลาย")


def test_thai_lines_start_at_word_boundaries(renderer):
    item = text(report(renderer, "narrow", text=THAI_TITLE), "column")
    assert not item["truncated"] and len(item["lines"]) > 3
    opportunities = set(line_break_opportunities(THAI_TITLE))
    cursor = 0
    for line in item["lines"]:
        start = THAI_TITLE.index(line["text"], cursor)
        assert start == 0 or start in opportunities, (start, line["text"])
        cursor = start + len(line["text"])
    assert not item["forced_breaks"]


CLUSTERS_TITLE = "👩\u200d💻e\u0301" * 60  # 300 code points, 120 clusters


def test_ellipsis_only_at_cluster_boundaries(renderer):
    item = text(report(renderer, "card", title=CLUSTERS_TITLE), "title")
    assert item["truncated"]
    last = item["lines"][-1]["text"]
    assert last.endswith("\u2026")
    kept = "".join(line["text"] for line in item["lines"])[:-1]
    assert CLUSTERS_TITLE.startswith(kept)
    assert graphemes(kept) == graphemes(CLUSTERS_TITLE)[:len(graphemes(kept))]
    for line in item["lines"]:
        assert set(graphemes(line["text"].removesuffix("\u2026"))) <= {"👩\u200d💻", "e\u0301"}
    assert outside_box(item) == []


EMOJI = ["👩\u200d💻", "👍🏽", "🇯🇵", "1️⃣", "❤️"]


def test_each_emoji_sequence_is_one_run_from_the_emoji_font(renderer):
    item = text(report(renderer, "card", title=" ".join(EMOJI)), "title")
    emoji_runs = [run for run in _all_runs(item) if run["font"] == "Noto Color Emoji"]
    assert [run["text"] for run in emoji_runs] == EMOJI


def test_each_emoji_sequence_is_one_image(renderer):
    root = etree.fromstring(renderer.render("card", {"title": "Hi " + " ".join(EMOJI)}, "svg"))
    images = root.findall(f".//{{{SVG_NS}}}image")
    assert len(images) == len(EMOJI)
    for image in images:
        assert image.get("{http://www.w3.org/1999/xlink}href").startswith("data:image/png;base64,")


def test_adjacent_emoji_sequences_are_still_one_image_each(renderer):
    root = etree.fromstring(renderer.render("card", {"title": "".join(EMOJI)}, "svg"))
    assert len(root.findall(f".//{{{SVG_NS}}}image")) == len(EMOJI)


@pytest.mark.parametrize("script", sorted(CORPUS))
def test_fonts_come_from_the_fonts_folder(renderer, script):
    rep = report(renderer, "card", title=CORPUS[script])
    system = sorted({(run["font"], run["file"]) for item in rep["texts"] for line in item["lines"]
                     for run in line["runs"] if run["system_font"]})
    assert system == []
