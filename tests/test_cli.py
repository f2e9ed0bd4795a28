"""``python -m og``, run as a user would: a subprocess with OG_* in the environment."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from PIL import Image

from tests.conftest import FONTS_DIR
from tests.conftest import ROOT
from tests.conftest import TEMPLATES


def run_og(*args, cwd):
    env = dict(os.environ, OG_TEMPLATES_DIR=str(TEMPLATES), OG_FONTS_DIR=str(FONTS_DIR),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "og", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=120, check=False)


def test_render_png_to_a_file(tmp_path):
    out = tmp_path / "out.png"
    result = run_og("render", "card", "-p", "title=From the CLI", "-p", "author=Ada", "-o", str(out),
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    image = Image.open(io.BytesIO(out.read_bytes()))
    image.load()
    assert (image.format, image.size) == ("PNG", (1200, 630))


def test_render_png_to_stdout_with_a_dash(tmp_path):
    result = run_og("render", "card", "-p", "title=Piped", "-o", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert Image.open(io.BytesIO(result.stdout)).format == "PNG"


def test_render_format_from_the_extension(tmp_path):
    out = tmp_path / "card.webp"
    assert run_og("render", "card", "-o", str(out), cwd=tmp_path).returncode == 0
    assert Image.open(io.BytesIO(out.read_bytes())).format == "WEBP"


def test_render_json_to_stdout(tmp_path):
    result = run_og("render", "card", "-p", "title=Ünïcode ✓", "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    rep = json.loads(result.stdout.decode("utf-8"))
    assert rep["template"] == "card"
    assert rep["params"]["title"] == "Ünïcode ✓"
    title = next(item for item in rep["texts"] if item["id"] == "title")
    assert title["lines"][0]["text"] == "Ünïcode ✓"


def test_unknown_template_fails_with_a_message_and_no_traceback(tmp_path):
    result = run_og("render", "no-such-card", "-o", str(tmp_path / "x.png"), cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert "no template named 'no-such-card'" in stderr
    assert "Traceback" not in stderr
    assert not (tmp_path / "x.png").exists()


def test_bad_parameter_fails_with_a_message_and_no_traceback(tmp_path):
    result = run_og("render", "card", "-p", "colour=red", "-f", "json", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert "colour" in stderr and "title" in stderr
    assert "Traceback" not in stderr


def test_doctor_reports_fonts_and_renders_every_template(tmp_path):
    result = run_og("doctor", cwd=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0, out + result.stderr.decode()
    assert "fallback chain: " in out and "all bundled" in out
    scripts = next(line for line in out.splitlines() if line.startswith("scripts: "))
    assert all(f" {code}" in scripts for code in ("Beng", "Taml", "Khmr", "Geor", "Thaa", "Sinh"))
    assert "NO FONT Garay" in out, "scripts no bundled font draws are named"
    assert "ok      card: rendered in" in out
    assert out.rstrip().endswith("og is ready")


def test_doctor_fails_on_a_broken_template(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "broken.svg").write_text("<svg")
    env_result = subprocess.run(
        [sys.executable, "-m", "og", "doctor"], cwd=tmp_path, capture_output=True, timeout=120, check=False,
        env=dict(os.environ, OG_TEMPLATES_DIR=str(templates),
                 PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")))
    assert env_result.returncode == 1
    assert "FAILED  template 'broken' is not well-formed XML" in env_result.stdout.decode()
