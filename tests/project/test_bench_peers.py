"""bench/peers.py's og half: a fresh worker process renders the peer card, and the table has og's row.

No Node and no timing assertions: the numbers are the script's business, the card and the table
are checked here.
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import types
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent.parent


def _load_script() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("bench_peers", ROOT / "bench" / "peers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


peers = _load_script()


@pytest.fixture(scope="module")
def dejavu() -> Path:
    fonts = peers.ensure_fonts(install=bool(os.environ.get("CI")) and os.geteuid() == 0)
    if fonts is None:
        pytest.skip("DejaVu fonts missing (apt-get install fonts-dejavu-core)")
    return Path(fonts)


def test_og_row(tmp_path: Path, dejavu: Path) -> None:
    options = peers.Options(renders=3, warmup=1, cold_runs=1, out=tmp_path / "out", scratch=tmp_path)
    result = peers.measure_og(options, peers.card_fonts(dejavu, tmp_path))

    assert result.skipped is None
    assert result.renders == 3
    png = Path(result.png).read_bytes()
    assert result.png_bytes == len(png)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)
        pixels = image.convert("RGB")
        # The gradient's ends (#0f172a top left, #4338ca bottom right) and white title ink.
        assert pixels.getpixel((2, 2)) == pytest.approx((15, 23, 42), abs=6)
        assert pixels.getpixel((1197, 627)) == pytest.approx((67, 56, 202), abs=6)
        title_band = pixels.crop((80, 80, 1120, 310)).getcolors(1200 * 630)
        assert title_band is not None and any(color == (255, 255, 255) for _, color in title_band)

    table = peers.format_table([result, peers.Result("takumi", skipped="not installed")], peers.machine())
    rows = [line for line in table.splitlines() if line.startswith("| og |")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert len(cells) == len(table.splitlines()[0].strip("|").split("|"))
    assert float(cells[2]) > 0  # warm median
    assert cells[-3:] == ["1.00", "1.00", "1.00"]  # og over itself
    assert "| takumi | skipped: not installed |" in table
    assert "Machine:" in table
