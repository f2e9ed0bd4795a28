"""Helpers shared by the test modules: reading the layout report, box checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest

import og
import og.config

SVG_NS = "http://www.w3.org/2000/svg"
#: Report coordinates are rounded to 0.01 px; geometry checks allow this much.
TOLERANCE = 0.5


def inkscape_renderer() -> og.Renderer:
    """A renderer over ``tests/data/inkscape`` with only the bundled fonts, as Inkscape made
    the references there (``tools/export_inkscape_refs.py``)."""
    root = Path(__file__).resolve().parent.parent
    return og.Renderer(og.config.Settings(templates_dir=root / "tests" / "data" / "inkscape",
                                          fonts_dir=root / "fonts", allow_system_fonts=False))


def report(renderer: og.Renderer, name: str, **params: str) -> dict[str, t.Any]:
    return t.cast(dict[str, t.Any], json.loads(renderer.render(name, params, "json")))


def text(rep: dict[str, t.Any], ident: str) -> dict[str, t.Any]:
    """The report of the text element with id ``ident``."""
    for item in rep["texts"]:
        if item["id"] == ident:
            return t.cast(dict[str, t.Any], item)
    raise AssertionError(f"no text {ident!r} in report; ids: {[i['id'] for i in rep['texts']]}")


def outside_box(item: dict[str, t.Any], tolerance: float = TOLERANCE) -> list[str]:
    """Every way a line of ``item`` leaves its box (empty when all lines are inside)."""
    box = item["box"]
    problems = []
    for number, line in enumerate(item["lines"]):
        where = f"line {number} {line['text'][:30]!r}"
        if line["x"] < box["x"] - tolerance:
            problems.append(f"{where}: x {line['x']} < box x {box['x']}")
        if box["width"] is not None and line["x"] + line["width"] > box["x"] + box["width"] + tolerance:
            problems.append(f"{where}: right {line['x'] + line['width']:.2f} > box right "
                            f"{box['x'] + box['width']}")
        if box["height"] is not None:
            if line["top"] < box["y"] - tolerance:
                problems.append(f"{where}: top {line['top']} < box y {box['y']}")
            if line["bottom"] > box["y"] + box["height"] + tolerance:
                problems.append(f"{where}: bottom {line['bottom']} > box bottom "
                                f"{box['y'] + box['height']}")
    return problems


def strings(value: t.Any) -> t.Iterator[str]:
    """Every string anywhere in a JSON value (keys and values)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def require_debian_tool(binary: str, package: str) -> str:
    """:func:`debian_tool`, or skip the test with the reason."""
    found = debian_tool(binary, package)
    if found is None:
        pytest.skip(f"needs Debian's {package} (apt-get install {package}; CI installs it as root)")
    return found


def debian_tool(binary: str, package: str) -> str | None:
    """The path of ``binary``; when it is missing under CI as root, Debian's ``package`` is installed
    first (tests that need a real tool skip without it, but CI must not skip them)."""
    found = shutil.which(binary)
    if found or not _apt_install(package):
        return found
    return shutil.which(binary)


def debian_font(family: str, package: str) -> bool:
    """Whether fontconfig knows ``family``; when it does not under CI as root, Debian's
    ``package`` is installed first (like :func:`debian_tool`)."""
    def known() -> bool:
        fc_list = shutil.which("fc-list")
        return bool(fc_list and subprocess.run([fc_list, f":family={family}"], capture_output=True,
                                               text=True, check=False, timeout=30).stdout.strip())
    return known() or (_apt_install(package) and known())


def _apt_install(package: str) -> bool:
    """Install Debian's ``package`` under CI as root; False (nothing tried) elsewhere."""
    if not os.environ.get("CI") or os.geteuid() != 0:
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
                   check=False, env=env, capture_output=True, timeout=900)
    return True
