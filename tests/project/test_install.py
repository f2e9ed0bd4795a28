"""``pip install`` gives a working ``og`` command: the wheel carries the fonts and templates
(found with importlib.resources), and a card renders from outside the repository."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import ROOT

#: What the wheel is built from: the package, its data folders and the build files.
SOURCES = ("og", "fonts", "svg_templates", "setup.py", "pyproject.toml", "README.md")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result


@pytest.mark.slow
def test_wheel_installs_a_working_og(tmp_path: Path) -> None:
    source = tmp_path / "src"  # a copy, so the build leaves nothing in the checkout
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copyfile
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (ROOT / name).is_dir() else {}))
    pip = [sys.executable, "-m", "pip"]
    _run(*pip, "wheel", ".", "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path / "dist", cwd=source)
    (wheel,) = (tmp_path / "dist").glob("og_cards-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "og/_data/svg_templates/article.svg" in names and "og/_data/fonts/inter/OFL.txt" in names
    assert "og/http/error.svg" in names

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).stdout.strip())
    # og's dependencies come from the test's own environment, after the venv's own packages
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(*pip, "--python", python, "install", "--no-deps", "-q", wheel, cwd=tmp_path)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OG_", "PYTHON"))}
    _run(venv / "bin" / "og", "render", "article", "-p", "title=Installed with pip", "-o", "card.png",
         cwd=outside, env=env)
    with Image.open(io.BytesIO((outside / "card.png").read_bytes())) as image:
        assert image.size == (1200, 630)
        assert len(image.convert("L").getcolors(65536) or ()) > 20
    code = "import og.config as c; print(c.BUNDLED_FONTS); print(c.Settings().templates_dir)"
    where = _run(python, "-c", code, cwd=outside, env=env).stdout.split()
    assert all(path.startswith(str(site)) for path in where), where
