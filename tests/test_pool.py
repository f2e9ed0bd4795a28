"""Render processes (og/pool.py): the same card as in process, killed past the budget whatever
runs, bounded in memory, replaced after either; errors cross the boundary as og's own."""

from __future__ import annotations

import concurrent.futures
import ctypes
import dataclasses
import io
import logging
import os
import time
import typing as t
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import og
from og import build
from og.errors import RenderTimeout
from og.errors import TemplateError
from og.pool import KILL_GRACE_S
from og.pool import RenderPool
from og.pool import isolated
from og.pool import process_renderer
from og.pool import stopped
from og.rows import rows_from_text

from .conftest import settings_for
from .helpers import hostile_templates

BUDGET_S = 1.0
#: How long after the budget a killed render may answer (the pool looks every 0.1 s).
LATE_S = 1.5


def native_sleep(seconds: int) -> int:
    """Blocks in C (libc's ``sleep``): no Python check, no signal handler runs meanwhile."""
    return int(ctypes.CDLL(None).sleep(seconds))


def allocate(size: int) -> int:
    return len(bytearray(size))


def pid() -> int:
    return os.getpid()


def drawing_threads() -> int:
    return process_renderer().tools.workers.threads


@pytest.fixture
def pooled(fonts: t.Any, tmp_path: Path) -> t.Iterator[tuple[og.Renderer, RenderPool]]:
    folder = tmp_path / "templates"
    folder.mkdir()
    root = Path(__file__).resolve().parent.parent
    (folder / "article.svg").write_bytes((root / "svg_templates" / "article.svg").read_bytes())
    (folder / "broken.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                       '<text>{{ 1 // (title | length - title | length) }}</text></svg>')
    settings = dataclasses.replace(settings_for(folder), render_timeout=BUDGET_S, render_memory=1 << 30)
    renderer = og.Renderer(settings, fonts=fonts)
    pool = RenderPool(renderer, processes=1)
    try:
        yield renderer, pool
    finally:
        pool.close()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_a_render_process_draws_the_same_card(pooled: tuple[og.Renderer, RenderPool]) -> None:
    renderer, pool = pooled
    here = renderer.render("article", {"title": "Same card in both"})
    there = pool.render(renderer.plan("article", {"title": "Same card in both"}))
    assert there.content_type == "image/png"
    assert np.array_equal(pixels(here), pixels(there.body))


def test_a_native_call_past_the_budget_is_killed_and_replaced(pooled: tuple[og.Renderer, RenderPool]) -> None:
    _, pool = pooled
    before = pool.schedule(pid, (), 5).result(timeout=30)
    started = time.monotonic()
    future = pool.schedule(native_sleep, (60,), BUDGET_S)
    with pytest.raises(concurrent.futures.TimeoutError):
        future.result(timeout=BUDGET_S + 10)
    assert time.monotonic() - started < BUDGET_S + LATE_S
    after = pool.schedule(pid, (), 5).result(timeout=30)
    assert after != before
    assert isinstance(stopped(concurrent.futures.TimeoutError()), RenderTimeout)


def test_a_render_process_cannot_take_more_than_its_memory(pooled: tuple[og.Renderer, RenderPool]) -> None:
    _, pool = pooled
    with pytest.raises(MemoryError):
        pool.schedule(allocate, (2 << 30,), 10).result(timeout=30)
    assert pool.schedule(allocate, (10 << 20,), 10).result(timeout=30) == 10 << 20


def test_errors_come_back_as_ogs_and_are_remembered(pooled: tuple[og.Renderer, RenderPool]) -> None:
    renderer, pool = pooled
    renderer.pool = pool
    with pytest.raises(TemplateError):
        renderer.render("broken", {"title": "x"})
    assert renderer.caches.failures.stats().entries == 1


@pytest.mark.parametrize(("processes", "threads"), [(1, 3), (3, 1)])
def test_a_render_process_draws_with_the_threads_its_pool_gives(fonts: t.Any, processes: int,
                                                                 threads: int) -> None:
    """og serve gives each render process one thread (every core has a render process); a lone
    render process (og render) draws with the others' cores too."""
    renderer = og.Renderer(settings_for(Path(__file__).resolve().parent / "data" / "templates"), fonts=fonts)
    pool = RenderPool(renderer, processes=processes, threads=threads)
    try:
        assert pool.outcome(pool.schedule(drawing_threads, (), 10)) == threads
    finally:
        pool.close()


def test_the_kill_grace_is_a_fraction_of_a_second() -> None:
    assert 0 < KILL_GRACE_S < 1


def test_og_build_rows_are_bounded_as_og_serves_cards(tmp_path: Path) -> None:
    """``og build``'s workers are render processes: a row past its budget is that row's failure."""
    hostile_templates(tmp_path)
    settings = dataclasses.replace(settings_for(tmp_path), render_timeout=BUDGET_S)
    rows = rows_from_text("title\nOne\nTwo\n", "rows.csv")
    started = time.monotonic()
    result = build.build(rows, build.Options("path", tmp_path / "out", workers=2), settings)
    assert time.monotonic() - started < 2 * BUDGET_S + 10
    assert not result.cards
    assert [failure["error"] for failure in result.failures] == [
        "the card took longer than its render budget; try again later"] * 2


def test_the_flask_helper_renders_in_render_processes(tmp_path: Path) -> None:
    from flask import Flask

    from og.contrib.flask import OG

    hostile_templates(tmp_path)
    site = Flask("site")
    site.config.update(OG_TEMPLATES_DIR=str(tmp_path), OG_RENDER_TIMEOUT=str(BUDGET_S))
    OG(site)
    renderer = site.extensions["og.app"].extensions["og.core"].renderer
    try:
        started = time.monotonic()
        response = site.test_client().get("/og/path.png?title=x")
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert time.monotonic() - started < BUDGET_S + LATE_S
        assert site.test_client().get("/og/article.png?title=Next").status_code == 200
    finally:
        renderer.pool.close()


def test_og_render_memory_is_read_from_the_environment() -> None:
    assert og.config.Settings.from_env({}).render_memory == 1 << 30
    assert og.config.Settings.from_env({"OG_RENDER_MEMORY": "0"}).render_memory == 0
    assert og.config.Settings.from_env({"OG_RENDER_MEMORY": str(512 << 20)}).render_memory == 512 << 20


def test_og_checks_findings_are_logged_once_not_again_in_each_render_process(tmp_path: Path) -> None:
    """The render process loads a template right after its parent vets it there; the parent
    logs og check's findings on it, and the render process must not log them again."""
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "odd.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" '
                                    'xmlns:og="https://og.example.com/ns" width="100" height="50">'
                                    '<text id="t" x="5" y="30" og:colour="red">{{ title }}</text></svg>')
    log_file = tmp_path / "og.log"
    handler = logging.FileHandler(log_file)  # a render process inherits it, and appends to the file
    logger = logging.getLogger("og")
    logger.addHandler(handler)
    try:
        renderer = og.Renderer(settings_for(folder))
        with isolated(renderer, processes=1):
            png = renderer.render("odd", {"title": "x"})
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert png.startswith(b"\x89PNG")
    lines = [line for line in log_file.read_text().splitlines() if "og:colour" in line]
    assert len(lines) == 1, lines


def backend_loaded() -> bool:
    return process_renderer().backend.loaded


@pytest.mark.parametrize("draws", [True, False])
def test_a_caller_that_draws_has_cairo_loaded_while_it_loads_the_template(draws: bool) -> None:
    """``og render`` (PNG): once the template is vetted, the render process loads the raster
    backend while the caller loads the template itself; a JSON caller leaves it unloaded."""
    renderer = og.Renderer(settings_for(Path(__file__).resolve().parent.parent / "svg_templates"))
    assert not renderer.backend.loaded
    with isolated(renderer, processes=1, draws=draws) as pool:
        pool.vet("article")
        assert pool.schedule(backend_loaded, (), 30).result(timeout=60) is draws
    assert not renderer.backend.loaded, "the caller itself never loads cairo"
