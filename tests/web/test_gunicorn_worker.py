"""og's gunicorn worker (og/web/gunicorn_worker.py) under real gunicorn: ``max_requests`` counts
the cards a worker drew, so a storm of requests for a stored card never restarts it (which would
fork its render processes again and lose its stored cards), while drawing does."""

from __future__ import annotations

import time
import typing as t
import urllib.parse
from pathlib import Path

import pytest

from bench.server import GunicornServer

#: gunicorn's max_requests for this test (no jitter): the worker restarts once it has drawn this many.
MAX_CARDS = 4
#: What gunicorn logs when a worker reaches max_requests (it stops taking connections within a second).
RESTARTING = "Autorestarting worker"


@pytest.fixture()
def one_worker(tmp_path: Path) -> t.Iterator[GunicornServer]:
    args = ["--workers", "1", "--max-requests", str(MAX_CARDS), "--max-requests-jitter", "0"]
    with GunicornServer(extra_args=args, log_path=tmp_path / "gunicorn.log") as running:
        running.wait_for_workers(1)
        yield running


def card(server: GunicornServer, title: str) -> tuple[int, dict[str, str]]:
    status, headers, _ = server.get("/article.png?title=" + urllib.parse.quote(title), timeout=30)
    return status, headers


def restarts(server: GunicornServer) -> int:
    assert server.log_path is not None
    return server.log_path.read_text().count(RESTARTING)


def test_stored_cards_do_not_restart_the_worker_and_drawn_ones_do(one_worker: GunicornServer) -> None:
    [worker] = one_worker.worker_pids()
    answers = [card(one_worker, "One shared card") for _ in range(5 * MAX_CARDS)]
    assert {status for status, _ in answers} == {200}
    assert [headers["server-timing"].startswith("cache") for _, headers in answers] == [False] + [True] * (
        5 * MAX_CARDS - 1)  # drawn once, then stored
    assert restarts(one_worker) == 0 and one_worker.worker_pids() == [worker]

    for number in range(MAX_CARDS):
        assert card(one_worker, f"Distinct card {number}")[0] == 200
    assert restarts(one_worker) == 1
    deadline = time.monotonic() + 30
    while one_worker.worker_pids() in ([worker], []) and time.monotonic() < deadline:
        time.sleep(0.1)
    [replacement] = one_worker.worker_pids()
    assert replacement != worker
    assert card(one_worker, "Drawn by the new worker")[0] == 200


def test_gunicorn_writes_its_access_line_only_when_asked(tmp_path: Path) -> None:
    """og's logger builds gunicorn's access line only for a handler that writes it: asked for
    (``--access-logfile``), the line is there as gunicorn writes it; og's own line is always there."""
    access = tmp_path / "access.log"
    log = tmp_path / "gunicorn.log"
    with GunicornServer(extra_args=["--access-logfile", str(access)], log_path=log) as server:
        assert server.get("/healthz?asked=1")[0] == 200
    lines = access.read_text().splitlines()
    assert any('"GET /healthz?asked=1 HTTP/1.1" 200' in line for line in lines), lines
    assert '"path": "/healthz", "query_bytes": 7' in log.read_text()
