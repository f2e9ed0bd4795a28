"""og runs under gunicorn with threads: concurrent renders must give the same answers."""

from __future__ import annotations

import concurrent.futures
import dataclasses

import pytest

import og
from og.text.fonts import FontSet
from og.text.segment import grapheme_boundaries
from og.text.segment import line_break_opportunities

from ..conftest import TEMPLATES
from ..conftest import settings_for

TEXTS = ["Hello big world " * 8, "日本語の文章です。「こんにちは」" * 6, "ภาษาไทยเป็นภาษาที่สวยงาม" * 5,
         "a👩\u200d💻b👍🏽c🇯🇵" * 10, "مرحبا بالعالم " * 10]


def test_segmentation_is_thread_safe() -> None:
    expected = {text: (grapheme_boundaries(text), line_break_opportunities(text, "ja")) for text in TEXTS}

    def work(index: int) -> bool:
        text = TEXTS[index % len(TEXTS)]
        return (grapheme_boundaries(text), line_break_opportunities(text, "ja")) == expected[text]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(4000)))


@pytest.fixture(scope="module")
def uncached(fonts: FontSet) -> og.Renderer:
    """A renderer that keeps no finished cards: every request below really renders."""
    return og.Renderer(dataclasses.replace(settings_for(TEMPLATES), cache_bytes=0), fonts=fonts)


@pytest.mark.parametrize(("fmt", "calls"), [("json", 60), ("png", 24)])
def test_concurrent_renders_match_serial_ones(uncached: og.Renderer, fmt: str, calls: int) -> None:
    # Every call its own card (identical requests in flight would render once).
    params = [{"title": f"{TEXTS[index % len(TEXTS)][:200]} {index}"} for index in range(calls)]
    expected = [uncached.render("card", p, fmt) for p in params]
    before = uncached.renders

    def work(index: int) -> bool:
        return uncached.render("card", params[index], fmt) == expected[index]

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        assert all(pool.map(work, range(calls)))
    assert uncached.renders - before == calls
