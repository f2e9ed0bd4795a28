"""og/formats.py: one table of formats, read by the renderer, the encoders, the HTTP core, the CLI,
``og build``, the template listing and the settings; a format named anywhere else fails here."""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

import pytest

from og import cli
from og.config import Settings
from og.formats import CONTENT_TYPES
from og.formats import FORMATS
from og.formats import RASTER_FORMATS
from og.formats import TABLE
from og.http import core
from og.raster import formats as raster_formats
from og.render import Renderer

OG = Path(__file__).resolve().parent.parent / "og"
#: Where formats may be spelled: the table, and the raster encoders' per-format settings (whose
#: keys are checked against the table below).
SPELLED_IN = {OG / "formats.py"}


def _hand_lists(source: str) -> list[str]:
    """Format names listed together (a tuple, list or set of two or more) and content types of
    the table, outside docstrings: a format known somewhere other than the table."""
    tree = ast.parse(source)
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found, types = [], set(CONTENT_TYPES.values())
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in types and id(node) not in docstrings:
            found.append(f"line {node.lineno}: content type {node.value!r}")
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            names = [item.value for item in node.elts
                     if isinstance(item, ast.Constant) and item.value in FORMATS]
            if len(names) >= 2:
                found.append(f"line {node.lineno}: formats {names}")
    return found


@pytest.mark.parametrize("path", sorted(set(OG.rglob("*.py")) - SPELLED_IN),
                         ids=lambda p: str(p.relative_to(OG)))
def test_formats_are_named_only_in_the_table(path: Path) -> None:
    found = _hand_lists(path.read_text())
    assert not found, "read og.formats instead:\n" + "\n".join(found)


def test_the_check_sees_a_hand_list() -> None:
    source = 'FORMATS = ("png", "svg")\nkind = "image/webp"\ndef f():\n    """image/png"""\n'
    assert _hand_lists(source) == ["line 1: formats ['png', 'svg']", "line 2: content type 'image/webp'"]


def test_the_table_is_consistent() -> None:
    assert len({row.name for row in TABLE}) == len(TABLE)
    assert all(FORMATS[row.name] == row.name for row in TABLE), "a format's name is one of its extensions"
    assert all(row.encoder == "pixels" for row in TABLE if row.rasterises)
    assert len(set(CONTENT_TYPES.values())) == len(TABLE)


def test_every_rasterising_format_has_an_encoder_and_budget_steps() -> None:
    assert set(raster_formats.ENCODERS) == RASTER_FORMATS
    assert set(raster_formats.BUDGET_STEPS) == RASTER_FORMATS
    assert set(raster_formats.DEFAULT_QUALITY) <= RASTER_FORMATS
    assert set(Settings().image_formats) <= RASTER_FORMATS


def test_the_http_core_shows_every_raster_extension_as_an_image() -> None:
    raster = {f".{extension}" for extension, name in FORMATS.items() if name in RASTER_FORMATS}
    assert set(core.IMAGE_EXTENSIONS) == raster


def _format_choices(parser: argparse.ArgumentParser, command: str) -> set[str]:
    sub = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    option = next(action for action in sub.choices[command]._actions if "--format" in action.option_strings)
    return set(option.choices or ())


@pytest.mark.parametrize("command", ["render", "build"])
def test_the_command_line_takes_every_extension(command: str) -> None:
    assert _format_choices(cli._parser(), command) == set(FORMATS)


@pytest.mark.parametrize("extension", sorted(FORMATS))
def test_every_extension_plans_as_its_format(extension: str) -> None:
    renderer = Renderer(Settings())
    plan = renderer.plan("article", {"title": "Hello"}, extension)
    assert plan.fmt == FORMATS[extension]
    assert core.content_type(plan.fmt).split(";")[0] == CONTENT_TYPES[plan.fmt]


def test_a_template_lists_urls_of_known_formats() -> None:
    urls = Renderer(Settings()).templates.get("article").to_dict()["urls"]
    assert isinstance(urls, dict) and urls
    assert all(FORMATS[fmt] and url.endswith(f".{fmt}") for fmt, url in urls.items())
