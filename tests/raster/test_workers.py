"""og/raster/workers.py: jobs in shares, side by side, results in order, in the process that asks."""

from __future__ import annotations

import os
import select
import signal
import threading

import pytest

from og.raster.workers import Workers


def test_results_come_back_in_order_from_every_share() -> None:
    seen: set[str] = set()

    def square(n: int) -> int:
        seen.add(threading.current_thread().name)
        return n * n

    workers = Workers(2)
    assert workers.map(square, list(range(9))) == [n * n for n in range(9)]
    assert len(seen) == 2, "one share in the calling thread, the other in the pool"
    assert Workers(2).map(square, [3]) == [9] and Workers(1).map(square, [1, 2]) == [1, 4]


def test_an_error_in_a_share_reaches_the_caller() -> None:
    def fail_on_seven(n: int) -> int:
        if n == 7:
            raise ValueError("seven")
        return n

    with pytest.raises(ValueError, match="seven"):
        Workers(2).map(fail_on_seven, list(range(9)))


def test_a_forked_process_makes_its_own_threads() -> None:
    workers = Workers(2)
    assert workers.map(abs, [-1, -2]) == [1, 2]
    read, write = os.pipe()
    ready: list[int] = []
    pid = os.fork()
    if pid == 0:  # the child: the parent's pool has no threads here; a hang would time the test out
        try:
            os.write(write, b"ok" if workers.map(abs, [-3, -4]) == [3, 4] else b"no")
        finally:
            os._exit(0)
    os.close(write)
    try:
        ready, _, _ = select.select([read], [], [], 20)
        assert ready, "the child hung on the parent's threads"
        assert os.read(read, 2) == b"ok"
    finally:
        if not ready:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read)


def test_closed_workers_leave_no_thread_and_start_again_when_used() -> None:
    before = set(threading.enumerate())
    workers = Workers(2)
    workers.map(abs, [-1, -2])
    made = set(threading.enumerate()) - before
    assert made, "a thread for the second share"
    workers.close()
    assert not any(thread.is_alive() for thread in made)
    assert workers.map(abs, [-5, -6]) == [5, 6]
    workers.close()


def test_both_runs_one_here_and_one_in_another_thread() -> None:
    where: dict[str, str] = {}

    def note(name: str) -> None:
        where[name] = threading.current_thread().name

    Workers(2).both(lambda: note("here"), lambda: note("there"))
    assert where["here"] == threading.current_thread().name != where["there"]
    Workers(1).both(lambda: note("here"), lambda: note("there"))
    assert where["here"] == where["there"] == threading.current_thread().name
