"""Shared fixtures: a renderer over the fixture templates in ``tests/data/templates``.

The fixture templates are small Inkscape-flavoured SVGs made for these tests (the bundled
``svg_templates`` change under designers' hands). Fonts come from the repository's
``fonts/`` folder; while it is incomplete og falls back to the system's copies of the
same families, so the assertions here do not depend on which of the two is used.
"""

from __future__ import annotations

import os
import shutil
import typing as t
from pathlib import Path

import pytest

import og
import og.config
import og.web
from og.text.fonts import FontSet

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
TEMPLATES = DATA / "templates"
FONTS_DIR = ROOT / "fonts"
BUNDLED_TEMPLATES = ROOT / "svg_templates"


def settings_for(templates_dir: Path) -> og.config.Settings:
    return og.config.Settings(templates_dir=templates_dir, fonts_dir=FONTS_DIR)


@pytest.fixture(autouse=True)
def _reset_os_environ() -> t.Iterator[None]:
    """Like Flask's own suite: a test that sets OG_* must not leak it into the next."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    """The font set og would use: ``fonts/`` first, system copies of missing families."""
    return FontSet.from_folders(FONTS_DIR, allow_system=True)


@pytest.fixture(scope="module")
def renderer(fonts: FontSet) -> og.Renderer:
    return og.Renderer(settings_for(TEMPLATES), fonts=fonts)


@pytest.fixture
def app(renderer: og.Renderer) -> t.Any:
    app = og.web.create_app({"OG_RENDERER": renderer, "TESTING": True})
    return app


@pytest.fixture
def client(app: t.Any) -> t.Any:
    return app.test_client()


@pytest.fixture
def tmp_templates(tmp_path: Path) -> Path:
    """A writable copy of the fixture templates, for edit/reload tests."""
    folder = tmp_path / "templates"
    shutil.copytree(TEMPLATES, folder)
    return folder


@pytest.fixture(scope="module")
def bundled(fonts: FontSet) -> og.Renderer:
    """A renderer over the bundled templates (``svg_templates``)."""
    return og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)


@pytest.fixture(scope="module")
def bundled_http(bundled: og.Renderer) -> t.Any:
    """A test client of the web app over the bundled templates."""
    return og.web.create_app({"OG_RENDERER": bundled, "TESTING": True}).test_client()
