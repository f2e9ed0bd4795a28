"""Point text (Inkscape's click text) in every anchor × direction, and how far a long value
may run: as Inkscape draws it (``tests/data/inkscape/rtl_point.svg``, ``long_label.svg``; their
pixels are checked in ``tests/project/test_inkscape_fidelity``), here by the layout report's geometry.

SVG 2 §11.8.1: ``start`` is where the text starts in its direction, so with ``direction:rtl``
start-anchored text ends at x (runs leftwards) and end-anchored text starts at x.
"""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

import og
import og.config

from ..helpers import TOLERANCE
from ..helpers import report
from ..helpers import text

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = ROOT / "tests" / "data" / "inkscape"
CARD_WIDTH = 600


@pytest.fixture(scope="module")
def renderer() -> og.Renderer:
    return og.Renderer(og.config.Settings(templates_dir=TEMPLATES, fonts_dir=ROOT / "fonts",
                                          allow_system_fonts=False))


def extent(item: dict[str, t.Any]) -> tuple[float, float]:
    (line,) = item["lines"]
    return line["x"], line["x"] + line["width"]


#: id → (which edge of the line sits at the anchor, the anchor's x)
ANCHORED = {
    "rtl-start": ("right", 580), "rtl-middle": ("centre", 300), "rtl-end": ("left", 20),
    "rtl-latin-start": ("right", 580),
    "ltr-start": ("left", 20), "ltr-middle": ("centre", 300), "ltr-end": ("right", 580),
    "ltr-hebrew-start": ("left", 20),
}


@pytest.mark.parametrize("ident", sorted(ANCHORED))
def test_anchor_and_direction(renderer: og.Renderer, ident: str) -> None:
    item = text(report(renderer, "rtl_point"), ident)
    left, right = extent(item)
    edge, x = ANCHORED[ident]
    at = {"left": left, "right": right, "centre": (left + right) / 2}[edge]
    assert abs(at - x) <= TOLERANCE, f"{ident}: {edge} edge at {at:.2f}, anchor x {x}"
    assert not item["truncated"] and "…" not in item["lines"][0]["text"]


def test_rtl_paragraph_puts_trailing_punctuation_on_the_left(renderer: og.Renderer) -> None:
    (line,) = text(report(renderer, "rtl_point"), "rtl-latin-start")["lines"]
    assert line["direction"] == "rtl"
    runs = sorted(line["runs"], key=lambda run: run["x"])
    assert runs[0]["text"].startswith("!"), runs


def test_long_labels_that_stay_on_the_card_are_whole(renderer: og.Renderer) -> None:
    rep = report(renderer, "long_label")
    start, end = text(rep, "long-start"), text(rep, "long-end")
    assert not start["truncated"] and not end["truncated"]
    # Past where the old "same margin on both sides" rule cut them (x = 495 and x = 390).
    assert extent(start)[1] > CARD_WIDTH - 105 + 50
    assert extent(end)[0] < 2 * 495 - CARD_WIDTH - 300


@pytest.mark.parametrize(("template", "ident", "param", "side"), [
    ("long_label", "long-start", "title", "right"),
    ("long_label", "long-end", "subtitle", "left"),
    ("rtl_point", "rtl-start", "label", "left"),  # runs leftwards: cut at the left edge
])
def test_too_long_values_are_cut_at_the_card_edge(renderer: og.Renderer, template: str, ident: str,
                                                  param: str, side: str) -> None:
    value = ("שלום עולם " if template == "rtl_point" else "Longer than the card is wide ") * 6
    item = text(report(renderer, template, **{param: value}), ident)
    left, right = extent(item)
    assert item["truncated"] and item["lines"][0]["text"].endswith("…")
    assert left >= -TOLERANCE and right <= CARD_WIDTH + TOLERANCE
    reach = CARD_WIDTH - right if side == "right" else left
    assert reach < 30, f"{ident}: cut {reach:.1f} px before the card's {side} edge"
