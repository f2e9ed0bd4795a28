"""Renders in render processes, tested where og runs: ``python -m og serve`` (gunicorn, preload,
fork, gevent) with hostile templates of our own. A render past its budget, in Python or in native
code, or past its memory, answers 503 with Retry-After soon after the budget; the server answers
the next card at once; gunicorn never times out or kills a worker; the render process is replaced.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import textwrap
import time
import typing as t
from pathlib import Path

import pytest

from bench.server import children
from bench.server import free_port
from tests.helpers import hostile_templates

ROOT = Path(__file__).resolve().parent.parent.parent
BUDGET_S = 1.0
#: A stopped render answers within the budget plus this (the kill, the pool's 0.1 s look, a new fork).
LATE_S = 1.5
START_TIMEOUT_S = 60.0

class Server:
    """``python -m og serve`` on a free loopback port, in its own process group."""

    def __init__(self, templates: Path, log: Path, workers: int = 1, **env: str) -> None:
        self.port = free_port()
        self.log = log
        self.templates = templates
        environment = {**os.environ, "OG_TEMPLATES_DIR": str(templates), "OG_RENDER_TIMEOUT": str(BUDGET_S),
                       **env}
        environment.pop("PORT", None)
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "og", "serve", "--port", str(self.port), "--workers", str(workers)],
                cwd=ROOT, env=environment, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            try:
                if self.get("/healthz", timeout=2)[0] == 200 and self.workers():
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("og serve did not answer /healthz: " + self.log.read_text()[-3000:])

    def get(self, target: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", target)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def render_processes(self) -> list[int]:
        """Every worker's host's children."""
        return sorted(pid for worker in self.workers() for host in children(worker) for pid in children(host))

    def stop(self) -> None:
        for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(wait_s)
                return
            except subprocess.TimeoutExpired:
                continue


#: Jinja folds constant expressions when it compiles a template: this one is seconds of pure
#: Python (textwrap, quadratic) in a few MB, when the template loads.
SLOW_TO_LOAD = ('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><text x="20" y="60" '
                'style="font-size:40px;font-family:Inter">{{ title }}'
                '{{ ("a b" | center(600000) | wordwrap(2))[:3] }}</text></svg>')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[Server]:
    folder = tmp_path_factory.mktemp("hostile")
    hostile_templates(folder)
    (folder / "slow-to-load.svg").write_text(SLOW_TO_LOAD)
    running = Server(folder, folder / "gunicorn.log")
    try:
        yield running
    finally:
        running.stop()


def wait_for(condition: t.Callable[[], bool], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("name", ["dash", "tile"])
def test_a_native_bomb_the_load_checks_see_is_a_template_error_at_once(server: Server, name: str) -> None:
    """The dash and pattern-tile bombs are found when the template loads (og/template/costs.py):
    a template error at once, and the render processes were never asked."""
    before = server.render_processes()
    started = time.monotonic()
    status, headers, _ = server.get(f"/{name}.png?title=x")
    assert (status, headers.get("x-og-error")) == (500, "template_error")
    assert time.monotonic() - started < BUDGET_S
    assert server.render_processes() == before


@pytest.mark.parametrize("name", ["path"])
def test_a_hostile_render_is_stopped_and_the_server_goes_on(server: Server, name: str) -> None:
    assert server.get("/article.png?title=Before")[0] == 200
    before = server.render_processes()
    assert before
    started = time.monotonic()
    status, headers, body = server.get(f"/{name}.png?title=x")
    took = time.monotonic() - started
    assert status == 503, body[:300]
    assert headers["retry-after"].isdigit() and headers["x-og-error"] == "render_timeout"
    assert took < BUDGET_S + LATE_S
    started = time.monotonic()
    status, headers, _ = server.get("/article.png?title=Right%20after")
    assert status == 200 and headers["content-type"] == "image/png"
    assert time.monotonic() - started < 5
    # The stopped process is gone and another took its place.
    assert wait_for(lambda: len(server.render_processes()) == len(before)
                    and server.render_processes() != before)
    log = server.log.read_text()
    assert "WORKER TIMEOUT" not in log and "was sent SIGKILL" not in log and "Worker exiting" not in log


def bounded(status: int, headers: dict[str, str]) -> bool:
    """A template error, or a render stopped at its budget: either way, answered in time."""
    return (status, headers.get("x-og-error")) in ((500, "template_error"), (503, "render_timeout"))


def test_a_template_slow_to_load_never_holds_a_worker(server: Server) -> None:
    """Loading is bounded too: the server started, readiness names the template, its card fails
    soon after the budget, whether the slow part runs at load or at render."""
    started = time.monotonic()
    status, _, body = server.get("/readyz")
    assert time.monotonic() - started < 5
    assert status in (200, 503)  # 503 names the templates refused at load (dash, tile), if any
    started = time.monotonic()
    status, headers, _ = server.get("/slow-to-load.png?title=x")
    assert bounded(status, headers) and time.monotonic() - started < BUDGET_S + LATE_S


def test_a_template_rewritten_into_a_bomb_is_loaded_bounded(server: Server) -> None:
    templates = server.templates
    (templates / "changing.svg").write_bytes((templates / "article.svg").read_bytes())
    assert server.get("/changing.png?title=Good")[0] == 200
    (templates / "changing.new").write_text(SLOW_TO_LOAD)
    os.replace(templates / "changing.new", templates / "changing.svg")
    started = time.monotonic()
    status, headers, _ = server.get("/changing.png?title=Bad")
    assert bounded(status, headers) and time.monotonic() - started < BUDGET_S + LATE_S
    # The other templates go on being served. The render process the bomb took is being replaced:
    # on a loaded machine a card may meanwhile be a 503 with Retry-After, never an error or a hang.
    give_up = time.monotonic() + 10
    while (answer := server.get("/article.png?title=Still%20fine"))[0] != 200 and time.monotonic() < give_up:
        assert answer[0] == 503 and answer[1].get("retry-after"), answer[:2]
        time.sleep(0.2)
    assert answer[0] == 200
    assert "WORKER TIMEOUT" not in server.log.read_text()


def answers(server: Server, target: str) -> int:
    """The status, or 0 while the server is between workers."""
    try:
        return server.get(target, timeout=10)[0]
    except (OSError, http.client.HTTPException):
        return 0


def test_a_worker_whose_render_host_died_is_replaced(tmp_path: Path) -> None:
    hostile_templates(tmp_path)
    server = Server(tmp_path, tmp_path / "gunicorn.log")
    try:
        assert server.get("/article.png?title=First")[0] == 200
        (worker,) = server.workers()
        (host,) = children(worker)
        os.kill(host, signal.SIGKILL)
        assert wait_for(lambda: server.workers() not in ([], [worker]), 30), server.log.read_text()[-2000:]
        assert wait_for(lambda: answers(server, "/article.png?title=Again") == 200, 30)
    finally:
        server.stop()


def test_renders_leave_the_web_worker(server: Server) -> None:
    """The worker's own pid never renders: its host's render processes do."""
    assert server.get("/article.png?title=Where%20it%20renders")[0] == 200
    (worker,) = server.workers()
    (host,) = children(worker)
    assert children(host)


GEVENT_WAIT = textwrap.dedent("""
    import dataclasses, sys, time
    import og
    from og.config import Settings
    from og.errors import RenderTimeout
    from og.web.render_host import RenderHost
    settings = dataclasses.replace(Settings.from_env(), templates_dir=sys.argv[1],
                                   render_timeout=float(sys.argv[2]))
    renderer = og.Renderer(settings)
    renderer.pool = RenderHost.start(renderer)  # as og's gunicorn worker does, before gevent patches
    from gevent import monkey; monkey.patch_all()
    import gevent
    ticks = []
    def tick():
        while True:
            ticks.append(time.monotonic())
            gevent.sleep(0.01)
    def render():
        started = time.monotonic()
        try:
            renderer.render("path", {"title": "x"})
        except RenderTimeout:
            print(f"stopped {time.monotonic() - started:.2f}")
    ticker = gevent.spawn(tick)
    gevent.spawn(render).join(30)
    ticker.kill()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    print(f"ticks {len(ticks)} {max(gaps):.3f}")
""")


def test_waiting_for_a_render_process_lets_the_hub_run(tmp_path: Path) -> None:
    """Under gevent, a greenlet waiting for its card lets the others run (slow clients, cache hits)."""
    hostile_templates(tmp_path)
    budget_s = 2 * BUDGET_S  # a hub blocked by the wait would stall for all of it
    result = subprocess.run([sys.executable, "-c", GEVENT_WAIT, str(tmp_path), str(budget_s)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    lines = result.stdout.split("\n")
    assert lines[0].startswith("stopped "), result.stdout + result.stderr[-3000:]
    assert float(lines[0].split()[1]) < budget_s + LATE_S
    _, count, longest_gap = lines[1].split()
    # The ticker runs every 10 ms; on a loaded machine a tick can come half a second late, but never
    # a whole budget late, as it would if the wait blocked the hub.
    assert int(count) > 30 and float(longest_gap) < budget_s / 2


HOST_ALONE = textwrap.dedent("""
    import sys
    import og
    from og.web.render_host import RenderHost
    host = RenderHost.start(og.Renderer(), processes=2)
    print(host.pid, flush=True)
    sys.stdin.read()  # until the test is done
    host.close()
""")


def test_a_render_host_forks_its_render_processes_before_the_first_card() -> None:
    """The worker's gevent patching (≈ 80 ms) and the forks of the render processes overlap:
    they are there before any card is asked for."""
    process = subprocess.Popen([sys.executable, "-c", HOST_ALONE], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        host = int(process.stdout.readline())
        assert wait_for(lambda: len(children(host)) == 2)
    finally:
        process.communicate("", timeout=30)
    assert process.returncode == 0
