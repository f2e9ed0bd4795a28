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


# --- habits of a command-line program (issue: a new user's first hour) ---

def test_the_program_is_called_og_and_says_its_version(tmp_path):
    import og

    help_text = run_og("--help", cwd=tmp_path)
    assert help_text.returncode == 0 and help_text.stdout.decode().startswith("usage: og ")
    version = run_og("--version", cwd=tmp_path)
    assert (version.returncode, version.stdout.decode().strip()) == (0, f"og {og.__version__}")


def test_usage_errors_exit_2_with_one_line(tmp_path):
    for args in (("render",), ("render", "card", "-p", "no-equals-sign"), ("frobnicate",),
                 ("render", "no-such-template", "-o", "x.png"), ("check", "no-such-template")):
        result = run_og(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr.decode())
        assert b"Traceback" not in result.stderr


def test_a_bad_setting_is_one_line_naming_it(tmp_path):
    env = dict(os.environ, OG_MAX_LENGTH="lots", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "og", "templates"], cwd=tmp_path, env=env,
                            capture_output=True, timeout=60, check=False)
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "og: OG_MAX_LENGTH must be a whole number, got 'lots'"


def test_quiet_by_default_and_log_level_on_request(tmp_path):
    quiet = run_og("render", "card", "-o", "a.png", cwd=tmp_path)
    assert quiet.returncode == 0 and b"INFO" not in quiet.stderr
    loud = run_og("--log-level", "info", "render", "card", "-o", "b.png", cwd=tmp_path)
    assert b"INFO og." in loud.stderr
    after = run_og("render", "card", "-o", "c.png", "--log-level", "INFO", cwd=tmp_path)
    assert b"INFO og." in after.stderr
    env_level = subprocess.run([sys.executable, "-m", "og", "render", "card", "-o", "d.png"], cwd=tmp_path,
                               env=dict(os.environ, OG_TEMPLATES_DIR=str(TEMPLATES), OG_LOG_LEVEL="info",
                                        PYTHONPATH=str(ROOT)),
                               capture_output=True, timeout=120, check=False)
    assert b"INFO og." in env_level.stderr
    silenced = run_og("-q", "--log-level", "error", "render", "card", "-o", "e.png", cwd=tmp_path)
    assert silenced.stderr == b""


def test_refuses_to_write_an_image_to_a_terminal(tmp_path):
    import pty

    leader, follower = pty.openpty()
    env = dict(os.environ, OG_TEMPLATES_DIR=str(TEMPLATES), PYTHONPATH=str(ROOT))
    try:
        result = subprocess.run([sys.executable, "-m", "og", "render", "card"], cwd=tmp_path, env=env,
                                stdout=follower, stderr=subprocess.PIPE, timeout=120, check=False)
        text = subprocess.run([sys.executable, "-m", "og", "render", "card", "-f", "json"], cwd=tmp_path,
                              env=env, stdout=follower, stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 2 and b"refusing to write PNG bytes to a terminal" in result.stderr
    assert text.returncode == 0, text.stderr.decode()


def test_a_template_file_anywhere_and_a_templates_folder(tmp_path):
    mine = tmp_path / "designs" / "mine.svg"
    mine.parent.mkdir()
    mine.write_text((TEMPLATES / "card.svg").read_text())
    env = {key: value for key, value in os.environ.items() if not key.startswith("OG_")}
    env["PYTHONPATH"] = str(ROOT)

    def og_cli(*args):
        return subprocess.run([sys.executable, "-m", "og", *args], cwd=tmp_path, env=env,
                              capture_output=True, timeout=120, check=False)

    by_file = og_cli("render", "designs/mine.svg", "-p", "title=Mine", "-o", "mine.png")
    assert by_file.returncode == 0, by_file.stderr.decode()
    with Image.open(tmp_path / "mine.png") as card:
        assert card.size == (1200, 630)
    by_folder = og_cli("render", "--templates", "designs", "mine", "-f", "json")
    assert by_folder.returncode == 0 and json.loads(by_folder.stdout)["template"] == "mine"
    checked = og_cli("check", "designs/mine.svg")
    assert checked.returncode == 0 and checked.stdout.decode().startswith("designs/mine.svg")
    bundled = og_cli("check", "article")
    assert bundled.returncode == 0, bundled.stdout.decode() + bundled.stderr.decode()
    missing = og_cli("render", "designs/absent.svg", "-o", "x.png")
    assert missing.returncode == 2 and b"no template designs/absent.svg" in missing.stderr
