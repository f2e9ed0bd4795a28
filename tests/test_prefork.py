"""og.prefork: what gunicorn's master loads before it forks, so that render processes share it
instead of each making it on its first cards."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import og
from og.prefork import FIRST_FALLBACKS_CLUSTER
from og.prefork import draw_bundled_backgrounds
from og.prefork import load_before_fork
from og.text.fonts import FontSet
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for

#: Each bundled template and the value a request for it usually gives (bench/load.py's cards).
REQUESTS = {"announcement": "title", "article": "title", "profile": "name", "quote": "quote"}


def test_a_request_finds_the_background_drawn_before_the_fork(fonts: FontSet) -> None:
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    assert draw_bundled_backgrounds(renderer) == sorted(REQUESTS)
    drawn = renderer.caches.backgrounds.stats()
    assert drawn.entries == len(REQUESTS)
    assert renderer.caches.png_bands.stats().entries == len(REQUESTS)
    for name, param in REQUESTS.items():
        body = renderer.render(name, {param: f"A card for {name}"})
        assert body[:8] == b"\x89PNG\r\n\x1a\n"
    after = renderer.caches.backgrounds.stats()
    assert after.entries == len(REQUESTS)  # no new background: each card found its template's
    assert after.hits >= drawn.hits + len(REQUESTS)


def test_an_operators_template_is_not_rendered_outside_a_render_process(fonts: FontSet,
                                                                          tmp_path: Path) -> None:
    shutil.copy(BUNDLED_TEMPLATES / "article.svg", tmp_path / "article.svg")
    renderer = og.Renderer(settings_for(tmp_path), fonts=fonts)
    assert draw_bundled_backgrounds(renderer) == []
    assert renderer.caches.backgrounds.stats().entries == 0
    assert renderer.renders == 0


def test_the_head_of_the_fallback_chain_is_read_before_the_fork() -> None:
    fonts = FontSet.from_folders(settings_for(BUNDLED_TEMPLATES).fonts_dir)
    renderer = og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)
    head = ("Noto Sans Arabic", "Noto Sans Thai", "Noto Serif Hebrew", "Noto Sans CJK JP", "Noto Serif CJK JP")

    def read(family: str) -> bool:  # without reading it (faces_of only lists)
        return any("hb_face" in vars(face) for face in fonts.faces_of(family))

    assert not any(map(read, head))
    before = _drawing_threads()  # other tests' renderers may have theirs
    load_before_fork(renderer)
    assert all(map(read, head))  # read here, not by each render process
    assert _drawing_threads() <= before, "no drawing thread left idle in the process that forks"
    assert not read("Noto Sans Khmer")  # past CJK in the chain: read by the card that needs it
    for family in ("sans-serif", "serif"):
        font = fonts.pick([family], 400, False, FIRST_FALLBACKS_CLUSTER)
        assert font is not None and "CJK" in font.face.family


def _drawing_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name.startswith("og-raster")}
