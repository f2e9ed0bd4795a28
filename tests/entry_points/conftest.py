"""The doors a user walks through, each on a clean copy of the checkout: ``./run serve`` before
anything else, the wheel in a fresh venv, the Dockerfile's steps, the Procfile's command and the
examples' commands. They install packages and start real servers (minutes, not seconds), so
``./run test`` skips them and ``.ci/run`` runs them after it, with ``OG_ENTRY_POINTS=1``."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
import typing as t
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Installing from the package index (or pip's cache) into a fresh venv: generous, bounded.
INSTALL_TIMEOUT_S = 600
#: A server that has installed what it needs answers its first request within this.
START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 30


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("OG_ENTRY_POINTS") != "1":
        skip = pytest.mark.skip(reason="entry-point checks install packages and start servers: "
                                       ".ci/run runs them (OG_ENTRY_POINTS=1)")
        for item in items:
            if "entry_points" in item.nodeid:
                item.add_marker(skip)


def clean_copy(target: Path) -> Path:
    """The checkout's files as git knows them (tracked, and new files not ignored), without
    .venv, caches or build output: what a fresh clone holds, with uncommitted edits."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def user_env(**extra: str) -> dict[str, str]:
    """The environment a user's shell has: none of og's settings, nothing pointing Python at the
    checkout or at the test run's venv."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("OG_", "PYTHON", "VIRTUAL_ENV", "PROMETHEUS", "FLASK_", "DJANGO_"))}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if ".venv" not in part)
    env.pop("PORT", None)
    env.update(extra)
    return env


def run(args: t.Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None,
        timeout: float = INSTALL_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(arg) for arg in args], cwd=cwd, env=env or user_env(), capture_output=True,
                            text=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, \
        f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT_S) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@contextlib.contextmanager
def serving(args: t.Sequence[str | Path], cwd: Path, env: dict[str, str], port: int, log: Path,
            ready_path: str = "/healthz", start_timeout: float = START_TIMEOUT_S) -> t.Iterator[int]:
    """Start a server in its own process group, wait until ``ready_path`` answers 200, yield its
    port, then stop the whole group (installers and workers included)."""
    with log.open("wb") as out:
        process = subprocess.Popen([str(arg) for arg in args], cwd=cwd, env=env, stdout=out, stderr=out,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            assert process.poll() is None, f"{args} exited {process.returncode}:\n{log.read_text()[-4000:]}"
            assert time.monotonic() < deadline, f"{args} did not answer in {start_timeout:.0f} s:\n" \
                                                f"{log.read_text()[-4000:]}"
            with contextlib.suppress(OSError):
                if get(port, ready_path, timeout=5)[0] == 200:
                    break
            time.sleep(0.25)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One clean copy, shared: its `./run serve` venv is what the examples then run in."""
    return clean_copy(tmp_path_factory.mktemp("clean") / "og")
