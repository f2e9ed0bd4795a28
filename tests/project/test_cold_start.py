"""Cold start (issue 9): a fresh process imports only what its first card needs, and the
deferred parts still arrive when they are needed. The import checks run a new interpreter,
since this test process's ``sys.modules`` already holds everything."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
import zlib
from pathlib import Path

import pytest

import og
from og import stages
from og.raster import bands
from og.raster.encode import pixels
from og.raster.lazy import LazyBackend
from og.raster.workers import Workers
from og.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent.parent
#: Imported by none of og's start-up paths; each only by the code that uses it.
HEAVY = ("cairocffi", "cairosvg", "redis", "asyncio", "PIL", "http.client", "ssl", "flask",
         "prometheus_client")


def _fresh(code: str, modules: t.Sequence[str] = HEAVY, **env: str) -> tuple[list[str], t.Any]:
    """Run ``code`` in a new interpreter: which of ``modules`` it imported, and the ``out`` it set."""
    probe = (f"import json, sys\nout = None\n{code}\n"
             f"print(json.dumps([[m for m in {tuple(modules)!r} if m in sys.modules], out]))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **env})
    assert done.returncode == 0, done.stderr
    loaded, out = json.loads(done.stdout.splitlines()[-1])
    return loaded, out


def test_import_og_loads_nothing_heavy() -> None:
    assert _fresh("import og") == ([], None)


def test_import_og_leaves_numpy_to_the_first_drawing() -> None:
    assert _fresh("import og", ["numpy"]) == ([], None)


#: What ``og render`` itself never imports for a PNG: its render process draws (cairo), and
#: nothing of serving or fetching is needed. (``ssl`` is imported: asyncio, which pebble imports,
#: imports it.)
NOT_IN_OG_RENDER = ("cairocffi", "cairosvg", "http.client", "urllib.request", "PIL", "redis", "flask",
                    "gunicorn", "gevent", "prometheus_client")


def test_og_render_leaves_drawing_to_its_render_process(tmp_path: Path) -> None:
    card = tmp_path / "card.png"
    code = (f"from og.cli import main\nout = main(['render', 'article', '-p', 'title=x', '-o', {str(card)!r}])")
    assert _fresh(code, NOT_IN_OG_RENDER) == ([], 0)
    assert card.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_json_card_never_imports_cairo() -> None:
    code = "import og\nout = json.loads(og.render('article', {'title': 'x'}, fmt='json'))['template']"
    assert _fresh(code) == ([], "article")


def test_a_png_card_loads_cairo_when_it_draws() -> None:
    loaded, out = _fresh("import og\nout = og.render('article', {'title': 'x'})[:8].hex()")
    assert out == b"\x89PNG\r\n\x1a\n".hex()
    assert "cairocffi" in loaded
    assert "redis" not in loaded


def test_redis_is_imported_for_a_cache_url_only() -> None:
    loaded, out = _fresh("import og\nout = [layer.name for layer in og.Renderer().storage.layers]",
                         OG_CACHE_URL="redis://127.0.0.1:1/0")
    assert out == ["memory", "redis"]
    assert "redis" in loaded


def test_redis_storage_is_still_a_name_of_the_package() -> None:
    from og.storage import RedisStorage
    from og.storage.redis import RedisStorage as Defined

    assert RedisStorage is Defined
    with pytest.raises(AttributeError):
        og.storage.NoSuchStorage  # noqa: B018


def test_the_lazy_backend_is_made_once_on_first_pixels() -> None:
    lazy = LazyBackend()
    assert not lazy.loaded
    surface = lazy.rasterize(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2">'
                             b'<rect width="2" height="2" fill="#f00"/></svg>')
    assert lazy.loaded
    assert lazy.load() is lazy.load()
    rgba = pixels(surface)
    assert rgba.shape == (2, 4, 4)
    assert rgba[0, 0].tolist() == [255, 0, 0, 255]
    assert rgba[0, 3, 3] == 0


def test_the_web_app_loads_the_backend_before_workers_fork() -> None:
    renderer = og.Renderer()
    assert isinstance(renderer.backend, LazyBackend)
    assert not renderer.backend.loaded
    create_app({"OG_RENDERER": renderer})
    assert renderer.backend.loaded


@pytest.mark.parametrize("threads", [2, 4])
def test_bands_compressed_in_threads_are_the_same_bytes(threads: int) -> None:
    renderer = og.Renderer()
    raster = stages.rasterize(renderer.tools, renderer.lay_out("article", {"title": "x"}))
    background = renderer.caches.backgrounds.get(raster.background)  # under its key, as a card finds it
    assert background is not None
    alone = bands.bands_of(background, Workers(1))
    shared = bands.bands_of(background, Workers(threads))
    assert shared.compressed == alone.compressed
    assert shared.linked == alone.linked
    assert (shared.adlers, shared.lengths) == (alone.adlers, alone.lengths)
    # the linked bands follow one another: one raw deflate stream of every row
    rows = zlib.decompressobj(-15).decompress(b"".join((shared.compressed[0], *shared.linked[1:])))
    assert len(rows) == sum(shared.lengths)
    assert [zlib.adler32(rows[sum(shared.lengths[:i]):sum(shared.lengths[:i + 1])])
            for i in range(len(shared.lengths))] == list(shared.adlers)
