"""og runs under gunicorn with threads: concurrent renders must give the same answers."""

from __future__ import annotations

import concurrent.futures

import og
from og.text.segment import grapheme_boundaries
from og.text.segment import line_break_opportunities

TEXTS = ["Hello big world " * 8, "日本語の文章です。「こんにちは」" * 6, "ภาษาไทยเป็นภาษาที่สวยงาม" * 5,
         "a👩\u200d💻b👍🏽c🇯🇵" * 10, "مرحبا بالعالم " * 10]


def test_segmentation_is_thread_safe() -> None:
    expected = {text: (grapheme_boundaries(text), line_break_opportunities(text, "ja")) for text in TEXTS}

    def work(index: int) -> bool:
        text = TEXTS[index % len(TEXTS)]
        return (grapheme_boundaries(text), line_break_opportunities(text, "ja")) == expected[text]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(4000)))


def test_concurrent_renders_match_serial_ones(renderer: og.Renderer) -> None:
    params = [{"title": text[:200]} for text in TEXTS]
    expected = [renderer.render("card", p, "json") for p in params]

    def work(index: int) -> bool:
        return renderer.render("card", params[index % len(params)], "json") == expected[index % len(params)]

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(work, range(60)))
