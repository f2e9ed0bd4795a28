"""og under real gunicorn with the Procfile's settings (``-c python:og.gunicorn_conf``) on a free
loopback port; for tests and bench/load.py.

Only the address is given on gunicorn's command line (and whatever ``extra_args`` a caller adds
to compare settings), so what runs is what the Procfile runs.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import typing as t
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Start-up loads every font and template in the master (preload): a few seconds when cold.
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class GunicornServer:
    """A gunicorn master and its workers; ``with GunicornServer() as server:`` starts and stops it."""

    def __init__(self, extra_args: t.Sequence[str] = (), env: t.Mapping[str, str] | None = None,
                 log_path: Path | None = None) -> None:
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.env = {**os.environ, **(env or {})}
        self.env.pop("PORT", None)
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                        stdin=subprocess.DEVNULL)
        if log is not subprocess.DEVNULL:
            log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode} (log: {self.log_path})")
            try:
                if self.get("/healthz", timeout=2.0)[0] == 200 and len(self.worker_pids()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT_S} s")

    def command(self) -> list[str]:
        """What starts the server: gunicorn as the Procfile starts it, on this port."""
        return [sys.executable, "-m", "gunicorn", "-c", "python:og.gunicorn_conf",
                "--bind", f"127.0.0.1:{self.port}", *self.extra_args, "app:app"]

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL for the master and any worker left behind."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_TIMEOUT_S)
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def get(self, target: str, timeout: float = 10.0,
            headers: t.Mapping[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request on a fresh connection: status, headers (lower-case names), body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", target, headers=dict(headers or {}))
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        return [] if self.process is None else children(self.process.pid)

    def wait_for_workers(self, count: int, timeout: float = START_TIMEOUT_S) -> list[int]:
        """The workers' pids once ``count`` of them run: the server answers as soon as the first has
        booted, and a test that compares pids before and after must not count the second's boot."""
        deadline = time.monotonic() + timeout
        while len(pids := self.worker_pids()) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(pids)} of {count} workers running after {timeout:.0f} s")
            time.sleep(0.1)
        return pids

    def host_pids(self) -> list[int]:
        """Each web worker's render host (og/web/render_host.py)."""
        return sorted(host for worker in self.worker_pids() for host in children(worker))

    def render_pids(self) -> list[int]:
        """The render processes: children of each worker's render host."""
        return sorted(pid for host in self.host_pids() for pid in children(host))


def children(parent: int) -> list[int]:
    """The processes whose parent is ``parent``, read from /proc."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def private_mib(pid: int) -> tuple[float, float]:
    """(PSS, private) memory of ``pid`` in MiB, from ``/proc/PID/smaps_rollup``: RSS counts every
    page a forked process shares with its parent and siblings in full, PSS a share of each, and
    private only the pages it alone has (what one more render process costs); zeros once gone."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                fields[name] = int(rest.split()[0])
    except OSError:
        pass
    private = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return fields.get("Pss", 0) / 1024, private / 1024


def cpu_s(pid: int) -> float:
    """CPU seconds ``pid`` has used so far (user and system, from ``/proc/PID/stat``; not its
    children's), 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (``VmRSS`` in /proc), 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
