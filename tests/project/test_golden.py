"""Rendered cards compared with reviewed golden images, with a tolerance for antialiasing.

A card passes when at most 0.5% of its pixels differ by more than 32 in any channel.
Goldens are made on purpose with ``python tests/regen_golden.py`` (never by the tests).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.regen_golden import CASES
from tests.regen_golden import Case
from tests.regen_golden import exists
from tests.regen_golden import render_case

CHANNEL_THRESHOLD = 32
MAX_DIFFERING_FRACTION = 0.005


def _rgba(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA")).astype(np.int16)


def differing(actual: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Mask of pixels where some channel differs by more than CHANNEL_THRESHOLD."""
    return (np.abs(actual - expected) > CHANNEL_THRESHOLD).any(axis=-1)


def _diff_image(actual: np.ndarray, mask: np.ndarray) -> Image.Image:
    faded = (actual[..., :3] * 0.3 + 178).astype(np.uint8)
    faded[mask] = (255, 0, 255)
    return Image.fromarray(faded, "RGB")


def check_against_golden(case: Case, png: bytes, out_dir: Path) -> None:
    if not case.path.exists():
        pytest.fail(f"golden image {case.path.name} is missing: run python tests/regen_golden.py"
                    f"{' --bundled' if case.bundled else ''} and review it", pytrace=False)
    actual, expected = _rgba(png), _rgba(case.path.read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    actual_path = out_dir / f"{case.golden}.actual.png"
    if actual.shape != expected.shape:
        actual_path.write_bytes(png)
        pytest.fail(f"{case.golden}: size {actual.shape[1::-1]} != golden {expected.shape[1::-1]}; "
                    f"actual written to {actual_path}")
    mask = differing(actual, expected)
    fraction = float(mask.mean())
    if fraction > MAX_DIFFERING_FRACTION:
        actual_path.write_bytes(png)
        diff_path = out_dir / f"{case.golden}.diff.png"
        _diff_image(actual, mask).save(diff_path)
        pytest.fail(f"{case.golden}: {fraction:.2%} of pixels differ by more than {CHANNEL_THRESHOLD} "
                    f"(allowed {MAX_DIFFERING_FRACTION:.1%}); actual: {actual_path}, diff: {diff_path} "
                    f"(magenta = differing); if the change is intended run python tests/regen_golden.py "
                    f"{case.golden}", pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=[case.golden for case in CASES])
def test_matches_golden(case, fonts, tmp_path):
    if not exists(case):
        pytest.skip(f"{case.folder.name}/{case.template}.svg does not exist (yet)")
    check_against_golden(case, render_case(case, fonts), tmp_path)


def test_tolerance_accepts_antialiasing_noise_and_rejects_a_moved_card(tmp_path):
    rng = np.random.default_rng(0)
    base = np.full((100, 200, 4), 255, np.int16)
    base[40:60, 20:180, :3] = 0
    noisy = base.copy()
    noisy[..., :3] = np.clip(noisy[..., :3] + rng.integers(-30, 31, noisy[..., :3].shape), 0, 255)
    assert differing(noisy, base).mean() == 0
    few = base.copy()
    few[0, :50, 0] = 0  # 50 of 20000 pixels: 0.25%
    assert differing(few, base).mean() <= MAX_DIFFERING_FRACTION
    moved = np.roll(base, 3, axis=0)
    assert differing(moved, base).mean() > MAX_DIFFERING_FRACTION
