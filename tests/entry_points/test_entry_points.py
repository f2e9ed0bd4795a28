"""Every way in, as a user meets it: each test starts from a clean copy and a fresh environment,
runs the command the README (or the Dockerfile, the Procfile, examples/README.md) gives, and
asks the running thing for a real card."""

from __future__ import annotations

import io
import json
import re
import shlex
import sys
import urllib.parse
from pathlib import Path

from PIL import Image

from tests.conftest import ROOT
from tests.entry_points.conftest import INSTALL_TIMEOUT_S
from tests.entry_points.conftest import clean_copy
from tests.entry_points.conftest import free_port
from tests.entry_points.conftest import get
from tests.entry_points.conftest import run
from tests.entry_points.conftest import serving
from tests.entry_points.conftest import user_env
from tests.project.test_examples_flask import _metas as metas

CARD = "/article.png?title=" + urllib.parse.quote("Hello from a fresh install")


def assert_card(body: bytes, size: tuple[int, int] = (1200, 630)) -> None:
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == ("PNG", size)
        assert len(image.convert("L").getcolors(65536) or ()) > 20, "a blank card"


def readme_commands() -> dict[str, str]:
    """The README's first shell block: ``./run serve`` and ``./run test``, by their first word after ./run."""
    block = re.search(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    assert block, "the README starts with a sh block"
    commands = [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2, commands
    return {shlex.split(command)[1]: command for command in commands}


def test_readme_serve_first_on_a_clean_copy(checkout: Path) -> None:
    """The README's first command, before anything else, on a copy with no venv: it installs,
    boots gunicorn with og's settings and answers a card."""
    command = readme_commands()["serve"]
    assert not (checkout / ".venv").exists()
    port = free_port()
    log = checkout.parent / "serve.log"
    with serving(shlex.split(command), checkout, user_env(PORT=str(port)), port, log,
                 start_timeout=INSTALL_TIMEOUT_S):
        status, headers, body = get(port, CARD)
        assert status == 200 and headers["content-type"] == "image/png", body[:300]
        assert_card(body)
        assert get(port, "/article.png?nope=1")[0] == 400
    text = log.read_text()
    assert "Traceback" not in text and "WORKER TIMEOUT" not in text, text[-3000:]
    assert (checkout / ".venv" / "bin" / "og").exists(), "./run installs og itself"


def example_commands() -> dict[str, str]:
    """examples/README.md's table: folder → the command in its "run it" column."""
    found = {}
    for line in (ROOT / "examples" / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            found[cells[0].strip("`/")] = cells[2].strip("`")
    return found


def _page_points_at_a_card(port: int, page: str) -> None:
    status, _, body = get(port, page)
    assert status == 200, body[:500]
    image = urllib.parse.urlsplit(metas(body.decode())["og:image"])
    status, headers, card = get(port, f"{image.path}?{image.query}")
    assert status == 200 and headers["content-type"] == "image/png"
    assert_card(card)


def test_examples_with_their_readme_commands(checkout: Path) -> None:
    """Each example, started as examples/README.md says, in the checkout's ./run venv."""
    commands = example_commands()
    assert set(commands) >= {"flask_site", "fastapi_site", "django_site", "static_site"}, commands
    # the venv that ./run test makes, with Django
    run(["./run", "test", "--collect-only", "-q", "tests/test_config.py"], cwd=checkout)
    for folder, command in sorted(commands.items()):
        words = shlex.split(command)
        env = user_env()
        while words and "=" in words[0]:  # VAR=value prefixes
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        port = free_port()
        log = checkout.parent / f"{folder}.log"
        if words[-1] == "run" and "flask" in words[0]:
            with serving([*words, "--port", str(port)], checkout, env, port, log,
                         ready_path="/posts/ci-times"):
                _page_points_at_a_card(port, "/posts/ci-times")
        elif words[0].endswith("uvicorn"):
            with serving([*words, "--host", "127.0.0.1", "--port", str(port)], checkout, env, port, log,
                         ready_path="/posts/ci-times"):
                _page_points_at_a_card(port, "/posts/ci-times")
        elif words[-1] == "runserver":
            with serving([*words, "--noreload", f"127.0.0.1:{port}"], checkout, env, port, log,
                         ready_path="/posts/ci-times"):
                _page_points_at_a_card(port, "/posts/ci-times")
        else:
            run(words, cwd=checkout, env=env)
            out = checkout / words[words.index("--out") + 1]
            manifest = json.loads((out / "manifest.json").read_text())
            cards = sorted(out.glob("*.png"))
            assert cards and len(manifest["cards"]) == len(cards), manifest
            assert_card(cards[0].read_bytes())


def _venv(where: Path) -> Path:
    run([sys.executable, "-m", "venv", where], cwd=where.parent, timeout=120)
    return where / "bin"


def _import_everything(python: Path, cwd: Path) -> None:
    """Import every module of the installed og; only the optional extras' modules may want more."""
    code = """
import importlib, pkgutil, og
optional = {"django", "uvicorn", "starlette", "fastapi", "asgiref"}
for module in pkgutil.walk_packages(og.__path__, "og."):
    if module.name == "og.__main__":  # runs the command line
        continue
    try:
        importlib.import_module(module.name)
    except ModuleNotFoundError as error:
        if (error.name or "").split(".")[0] not in optional:
            raise
print("imported")
"""
    assert run([python, "-c", code], cwd=cwd).stdout.strip() == "imported"


def test_wheel_in_a_fresh_venv(tmp_path: Path) -> None:
    """``pip install og-cards`` as a user does (the wheel and the dependencies it declares, no
    test tools), then og from another folder: --help, --version, render, check, serve."""
    source = clean_copy(tmp_path / "source")
    build = _venv(tmp_path / "build")
    run([build / "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source], cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("og_cards-*.whl")
    bin_dir = _venv(tmp_path / "venv")
    run([bin_dir / "pip", "install", "-q", wheel], cwd=tmp_path)
    run([bin_dir / "pip", "check"], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert run([bin_dir / "og", "--help"], cwd=elsewhere).stdout.startswith("usage: og ")
    version = run([bin_dir / "python", "-c", "import og; print(og.__version__)"],
                  cwd=elsewhere).stdout.strip()
    assert run([bin_dir / "og", "--version"], cwd=elsewhere).stdout.strip() == f"og {version}"
    run([bin_dir / "og", "render", "article", "-p", "title=Installed with pip", "-o", "card.png"],
        cwd=elsewhere)
    assert_card((elsewhere / "card.png").read_bytes())
    run([bin_dir / "og", "check", "article"], cwd=elsewhere)
    _import_everything(bin_dir / "python", elsewhere)
    port = free_port()
    with serving([bin_dir / "og", "serve", "--port", str(port)], elsewhere, user_env(), port,
                 tmp_path / "serve.log"):
        status, _, body = get(port, CARD)
        assert status == 200, body[:300]
        assert_card(body)


def dockerfile_steps() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _environment_of(steps: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction, arguments in steps:
        if instruction == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def test_dockerfile_steps_and_procfile_in_a_clean_venv(tmp_path: Path) -> None:
    """Docker cannot run here, so its Python steps run in a fresh venv on a clean copy (the
    system steps, apt-get and useradd, are the machine's); then its CMD, and the Procfile's
    command (what Heroku's Python buildpack runs after installing requirements.txt), each serve
    a card. The venv then holds exactly what requirements.txt pins: nothing missing, nothing extra."""
    app = clean_copy(tmp_path / "app")
    bin_dir = _venv(tmp_path / "venv")
    steps = dockerfile_steps()
    env = user_env(**_environment_of(steps))
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    for instruction, arguments in steps:
        if instruction == "RUN" and arguments.startswith(("pip ", "python ")):
            run(["sh", "-c", arguments], cwd=app, env=env)
    pinned = {line.split("==")[0].split("[")[0].lower().replace("_", "-"): line.split("==")[1].strip()
              for line in (ROOT / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")}
    frozen = {line.split("==")[0].lower().replace("_", "-").replace(".", "-"): line.split("==")[1]
              for line in run([bin_dir / "pip", "freeze"], cwd=app, env=env).stdout.split()}
    differ = set(frozen) ^ set(pinned) | {name for name in frozen if frozen[name] != pinned.get(name)}
    assert frozen == pinned, {name: (frozen.get(name), pinned.get(name)) for name in differ}
    cmd = json.loads(next(arguments for instruction, arguments in steps if instruction == "CMD"))
    web = (ROOT / "Procfile").read_text().split(":", 1)[1].strip()
    for name, command in (("docker", cmd), ("procfile", ["sh", "-c", web])):
        port = free_port()
        with serving(command, app, {**env, "PORT": str(port)}, port, tmp_path / f"{name}.log"):
            status, _, body = get(port, CARD)
            assert status == 200, (name, body[:300])
            assert_card(body)
