"""og against its real peers, on the same card, in one run.

Renders one card — 1200x630, a 135° gradient (#0f172a → #4338ca), a title wrapped over 3 lines in
DejaVu Sans Bold 64 px and a 32 px subtitle, 80 px margins — in og and in each peer:

* **og** — ``bench/peer_card.svg`` (an Inkscape-style template, SVG2 flowed text) through og's
  public API in-process: ``og.Renderer(og.config.Settings(templates_dir=bench/, fonts_dir=...))``
  then ``.render("peer_card", {"title": ..., "subtitle": ...})``.
* **takumi** — ``@takumi-rs/core`` 2.16 (Rust, native Node binding), the element tree converted by
  ``@takumi-rs/helpers``' ``fromJsx``.
* **@vercel/og** 0.11.1 — satori 0.25 inside, and sharp (its optional dependency, which it uses
  when installed) for the PNG. 1.x needs Node 22, and on Node 20 a plain install picks an old 1.0.0.
* **satori + resvg-js** — satori 0.63 and ``@resvg/resvg-js`` called directly.

The peers draw ``bench/peers/card.mjs`` (the same card as an element tree), each in its own Node
process run by ``bench/peers/harness.mjs``; og runs in a fresh Python process of this script
(``--worker``). Every renderer gets the same DejaVu TTF files (Debian ``fonts-dejavu-core``), and
every render a new title and subtitle (a counter in the text), so no render is a cache hit on its text.

Measured per renderer (the harness and the og worker report the same raw numbers; the statistics
are computed here, once):

* **warm median / p95** — wall time of each of ``-n`` renders after ``--warmup`` renders;
* **cold start** — process start to first PNG bytes in a fresh process (median of ``--cold-runs``),
  read on CLOCK_MONOTONIC, which Node's ``process.hrtime`` and Python's ``time.monotonic_ns`` share;
* **images/s** — the ``-n`` renders one after another in one process;
* **PNG KB** of one card, **peak RSS** (``VmHWM``), **CPU ms per card** (all threads: Takumi uses more
  than one core);
* **og ÷ peer** — og's number over the peer's (below 1: og is faster), og measured as og serve renders:
  ``og.pool.isolated`` (one render process; the row "og, render process"), hand-off, the render
  process's CPU and both processes' peak RSS included. The row "og" is the same renderer in-process.

Peers are installed with npm into ``--scratch`` (default ``~/.cache/og-peers``; reused when
already there); a peer that fails to install or run is listed as skipped, with the reason. Without
Node only og's row is printed. Each renderer's PNG is saved to ``--out`` (default ``bench/out/``)
so a person can compare them. Nothing here asserts anything about the times.

    python bench/peers.py [-n 100] [--warmup 10] [--cold-runs 3] [--json results.json] [--no-peers]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import typing as t
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO_ROOT = BENCH.parent
HARNESS = BENCH / "peers" / "harness.mjs"
#: bench/peer_card.svg, found by og's template store in bench/.
TEMPLATE = "peer_card"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
#: ``{n}`` is the render's counter. Counters start at 10000 so every card's text has the same width,
#: and this title wraps into the same 3 lines in every renderer (checked by looking at bench/out/).
TITLE = "Card {n}: og against its peers, the same card drawn by each renderer in turn"
SUBTITLE = "Render {n} · DejaVu Sans 32 px subtitle, light grey, one line"
FIRST_COUNTER = 10000
#: A worker that takes longer than this is stuck, not slow (100 renders of the slowest peer: ~5 s).
WORKER_TIMEOUT_S = 600
#: og's row when it renders as og serve does: in a render process (og/pool.py), hand-off included.
#: The ratios are taken against this row (peak RSS: its process plus the render process).
OG_POOLED = "og, render process"
NPM_TIMEOUT_S = 600


@dataclasses.dataclass(frozen=True)
class Peer:
    name: str
    #: bench/peers/<script>.mjs, also the PNG's name in --out.
    script: str
    #: What npm installs, pinned as issue 9 asks.
    specs: tuple[str, ...]
    #: Dependencies that do part of the work, reported with their versions.
    also_uses: tuple[str, ...] = ()

    @property
    def packages(self) -> list[str]:
        return [package_name(spec) for spec in self.specs] + list(self.also_uses)


PEERS = (
    Peer("takumi", "takumi", ("@takumi-rs/core@2.16", "@takumi-rs/helpers@2.16")),
    Peer("@vercel/og", "vercel-og", ("@vercel/og@0.11.1",), also_uses=("sharp",)),
    Peer("satori + resvg-js", "satori-resvg", ("satori@0.63", "@resvg/resvg-js")),
)


@dataclasses.dataclass
class Result:
    """One renderer's row; ``skipped`` says why a peer has no numbers."""

    name: str
    versions: dict[str, str | None] = dataclasses.field(default_factory=dict)
    renders: int = 0
    warm_median_ms: float = math.nan
    warm_p95_ms: float = math.nan
    cold_ms: float = math.nan
    images_per_s: float = math.nan
    png_bytes: int = 0
    peak_rss_mb: float = math.nan
    cpu_ms_per_card: float = math.nan
    #: og only: the third-party calls of a card alone (see :func:`floor_ms`).
    floor_ms: float = math.nan
    png: str | None = None
    skipped: str | None = None


@dataclasses.dataclass(frozen=True)
class Options:
    renders: int = 100
    warmup: int = 10
    cold_runs: int = 3
    out: Path = BENCH / "out"
    scratch: Path = Path.home() / ".cache" / "og-peers"


def package_name(spec: str) -> str:
    """``@vercel/og@0.11.1`` → ``@vercel/og``; ``satori`` stays ``satori``."""
    at = spec.rfind("@")
    return spec[:at] if at > 0 else spec


# --- the worker side: one process renders, and reports raw numbers as one JSON line ---------------

def peak_rss_kb() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def og_worker(config: dict[str, t.Any]) -> dict[str, t.Any]:
    """og's half of the harness protocol (bench/peers/harness.mjs has the peers' half).

    og is imported here, not at the top, so a cold run pays for the import as a fresh server would.
    """
    sys.path.insert(0, str(REPO_ROOT))
    import og
    import og.config

    renderer = og.Renderer(og.config.Settings(templates_dir=BENCH, fonts_dir=Path(config["fonts_dir"])))
    if config.get("pool"):
        import og.pool

        with og.pool.isolated(renderer, processes=1, draws=True) as pool:
            return _og_renders(renderer, config, pool.pids)
    return _og_renders(renderer, config, list)


def _children_cpu_ms(pids: list[int]) -> float:
    """User + system CPU of these processes so far (a render process's share of a card)."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks * 1000 / os.sysconf("SC_CLK_TCK")


def _children_peak_rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1])
    return total


def _og_renders(renderer: t.Any, config: dict[str, t.Any],
                render_pids: t.Callable[[], list[int]]) -> dict[str, t.Any]:
    """The renders of :func:`og_worker`; ``render_pids`` lists the render processes, if renders go there."""
    counters = iter(range(FIRST_COUNTER, sys.maxsize))

    def render() -> bytes:
        n = str(next(counters))
        return renderer.render(TEMPLATE, {"title": config["title"].replace("{n}", n),
                                          "subtitle": config["subtitle"].replace("{n}", n)})

    first = render()
    result: dict[str, t.Any] = {"first_png_ns": time.monotonic_ns(), "png_bytes": len(first)}
    Path(config["out"]).write_bytes(first)
    if config["cold"]:
        return result
    for _ in range(config["warmup"]):
        render()
    times = []
    pids = render_pids()
    children_cpu_start_ms = _children_cpu_ms(pids)
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    for _ in range(config["n"]):
        start = time.perf_counter()
        render()
        times.append((time.perf_counter() - start) * 1000)
    result.update(times_ms=times, wall_ms=(time.perf_counter() - wall_start) * 1000,
                  cpu_ms=(time.process_time() - cpu_start) * 1000
                  + _children_cpu_ms(pids) - children_cpu_start_ms,
                  peak_rss_kb=peak_rss_kb() + _children_peak_rss_kb(pids))
    if not config.get("pool"):
        result["floor_ms"] = floor_ms(renderer, config, counters)
    return result


def floor_ms(renderer: t.Any, config: dict[str, t.Any], counters: t.Iterator[int]) -> float:
    """How far og is from the limit of its own libraries on this card: the median over ``n`` new
    cards of the third-party calls alone — cairo filling the glyph runs over a copy of the
    background's rows, zlib-ng compressing the bands they changed (but those the card before had
    the same: og copies those) — with og's layout, drawing, and PNG bookkeeping (band comparison,
    filters, the file around the bands) left out."""
    from og import stages
    from og.raster import bands
    from og.raster import encode
    from og.raster import glyph_runs
    from og.raster import static

    tools = renderer.tools
    times = []
    before: dict[int, bytes] = {}  # the card before's bands, by their first row
    for _ in range(config["n"]):
        n = str(next(counters))
        values = {name: config[name].replace("{n}", n) for name in ("title", "subtitle")}
        background = stages.rasterize(tools, renderer.lay_out(TEMPLATE, values)).base
        laid_out = renderer.lay_out(TEMPLATE, values)
        template, root = laid_out.template, laid_out.root
        first = static.split_point(root, laid_out.dynamic)
        runs = glyph_runs.plain_runs(static.foreground_tree(root, first), laid_out.glyphs, template.width,
                                     template.height) if first is not None and laid_out.glyphs else None
        if background is None or runs is None:
            return math.nan  # not drawn as glyph runs: no floor to compare with
        start = time.perf_counter()
        size = (template.width, template.height)
        surface, (top, end) = tools.backend.draw_runs(background, runs, size, 1.0, bands.BAND_ROWS,
                                                      tools.workers)
        drawn = time.perf_counter() - start
        raw, under = encode.surface_rows(surface), encode.surface_rows(background)
        now = {row: raw[row:row + bands.BAND_ROWS].tobytes() for row in range(top, end, bands.BAND_ROWS)}
        changed = [raw[row:row + bands.BAND_ROWS] for row in now
                   if now[row] != under[row:row + bands.BAND_ROWS].tobytes() and now[row] != before.get(row)]
        before = now
        jobs = [(encode.png_rows(encode.pixels_of(rows, surface.get_width())[..., :3]).tobytes(), b"")
                for rows in changed]
        start = time.perf_counter()
        tools.workers.map(bands._changed_piece, jobs)
        times.append((drawn + time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _og_commit() -> str | None:
    return _output(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"])


def _output(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


# --- the driving side ------------------------------------------------------------------------------

def ensure_fonts(install: bool) -> Path | None:
    """The DejaVu folder, installing Debian's ``fonts-dejavu-core`` first when allowed and missing."""
    def present() -> bool:
        return all((DEJAVU / name).is_file() for name in FONT_FILES)

    if not present() and install and shutil.which("apt-get"):
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "fonts-dejavu-core"]):
            subprocess.run(command, capture_output=True, timeout=NPM_TIMEOUT_S, check=False)
    return DEJAVU if present() else None


def card_fonts(source: Path, scratch: Path) -> Path:
    """A folder holding just the two faces, so og scans what the peers are given and nothing else."""
    folder = scratch / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for name in FONT_FILES:
        link = folder / name
        if not link.exists():
            link.symlink_to(source / name)
    return folder


def installed_version(scratch: Path, name: str) -> str | None:
    try:
        return str(json.loads((scratch / "node_modules" / name / "package.json").read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def is_installed(scratch: Path, spec: str) -> bool:
    name = package_name(spec)
    version = installed_version(scratch, name)
    wanted = spec[len(name) + 1:]
    return version is not None and (not wanted or version == wanted or version.startswith(wanted + "."))


def install(peer: Peer, scratch: Path) -> str | None:
    """Install ``peer`` with npm unless it is there already; the reason it could not be, or None."""
    missing = [spec for spec in peer.specs if not is_installed(scratch, spec)]
    if not missing:
        return None
    scratch.mkdir(parents=True, exist_ok=True)
    if not (scratch / "package.json").exists():
        (scratch / "package.json").write_text('{"name": "og-peers", "private": true}\n')
    try:
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", *peer.specs], cwd=scratch,
                              capture_output=True, text=True, timeout=NPM_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"npm install failed: {error}"
    if done.returncode != 0:
        return "npm install failed: " + _last_line(done.stderr)
    still = [spec for spec in peer.specs if not is_installed(scratch, spec)]
    return f"npm installed no matching {', '.join(still)}" if still else None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"


def run_worker(command: list[str], config: dict[str, t.Any]) -> dict[str, t.Any]:
    done = subprocess.run([*command, json.dumps(config)], capture_output=True, text=True,
                          timeout=WORKER_TIMEOUT_S, check=False, cwd=REPO_ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {_last_line(done.stderr)}")
    return t.cast(dict[str, t.Any], json.loads(done.stdout.strip().splitlines()[-1]))


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile: defined for any number of samples."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(name: str, versions: dict[str, str | None], command: list[str], config: dict[str, t.Any],
            cold_runs: int) -> Result:
    """Cold starts in fresh processes, then one process for the warm renders."""
    cold = []
    for _ in range(cold_runs):
        start_ns = time.monotonic_ns()
        sample = run_worker(command, {**config, "cold": True})
        cold.append((sample["first_png_ns"] - start_ns) / 1e6)
    sample = run_worker(command, {**config, "cold": False})
    times = sample["times_ms"]
    return Result(
        name=name, versions=versions, renders=len(times),
        warm_median_ms=statistics.median(times), warm_p95_ms=p95(times),
        cold_ms=statistics.median(cold) if cold else math.nan,
        images_per_s=len(times) / (sample["wall_ms"] / 1000), png_bytes=sample["png_bytes"],
        peak_rss_mb=sample["peak_rss_kb"] / 1024, cpu_ms_per_card=sample["cpu_ms"] / len(times),
        floor_ms=sample.get("floor_ms", math.nan), png=config["out"])


def base_config(options: Options, fonts: Path, slug: str) -> dict[str, t.Any]:
    options.out.mkdir(parents=True, exist_ok=True)
    return {"scratch": str(options.scratch), "fonts_dir": str(fonts), "n": options.renders,
            "warmup": options.warmup, "title": TITLE, "subtitle": SUBTITLE,
            "out": str(options.out / f"{slug}.png")}


def measure_og(options: Options, fonts: Path, pool: bool = False) -> Result:
    """og in-process, or (``pool``) as og serve renders: in a render process, hand-off included."""
    return measure(OG_POOLED if pool else "og", {"og": _og_commit()},
                   [sys.executable, str(Path(__file__).resolve()), "--worker"],
                   {**base_config(options, fonts, "og-pool" if pool else "og"), "pool": pool},
                   options.cold_runs)


def measure_peer(peer: Peer, options: Options, fonts: Path) -> Result:
    reason = install(peer, options.scratch)
    if reason:
        return Result(peer.name, skipped=reason)
    config = {**base_config(options, fonts, peer.script), "peer": peer.script}
    versions = {name: installed_version(options.scratch, name) for name in peer.packages}
    try:
        return measure(peer.name, versions, ["node", str(HARNESS)], config, options.cold_runs)
    except (RuntimeError, subprocess.TimeoutExpired, ValueError, KeyError) as error:
        return Result(peer.name, skipped=f"harness failed: {error}")


def machine() -> dict[str, t.Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = _output(["node", "--version"]) if shutil.which("node") else None
    return {"cpu": cpu, "cores": os.cpu_count(), "node": node, "python": platform.python_version(),
            "os": platform.platform(), "og": _og_commit(), "load": os.getloadavg()[0],
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")}


#: (header, Result attribute, format, header of og's ratio to the peer or None for no ratio)
COLUMNS: tuple[tuple[str, str, str, str | None], ...] = (
    ("warm median ms", "warm_median_ms", "{:.1f}", "og ÷ it, warm"),
    ("warm p95 ms", "warm_p95_ms", "{:.1f}", None),
    ("cold start ms", "cold_ms", "{:.0f}", "og ÷ it, cold"),
    ("images/s", "images_per_s", "{:.0f}", None),
    ("PNG KB", "png_bytes", "{:.0f}", None),
    ("peak RSS MB", "peak_rss_mb", "{:.0f}", None),
    ("CPU ms/card", "cpu_ms_per_card", "{:.1f}", "og ÷ it, CPU"),
)


def _cell(value: float, spec: str) -> str:
    return "—" if math.isnan(value) else spec.format(value)


def format_table(results: list[Result], info: dict[str, t.Any]) -> str:
    """A markdown table: one row per renderer, og's ratios to each peer in the last columns."""
    # og as og serve renders (in a render process) when measured, else og in-process.
    og_rows = {result.name: result for result in results if not result.skipped}
    og_row = og_rows.get(OG_POOLED) or og_rows.get("og")
    ratio_columns = [column for column in COLUMNS if column[3]]
    header = (["renderer", "version"] + [column[0] for column in COLUMNS]
              + [t.cast(str, column[3]) for column in ratio_columns])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for result in results:
        versions = ", ".join(f"{name} {version}" for name, version in result.versions.items())
        if result.skipped:
            lines.append(f"| {result.name} | skipped: {result.skipped} |" + " |" * (len(header) - 2))
            continue
        cells = [result.name, versions or "—"]
        for _, attribute, spec, _ in COLUMNS:
            value = getattr(result, attribute)
            cells.append(_cell(value / 1024 if attribute == "png_bytes" else value, spec))
        for _, attribute, _, _ in ratio_columns:
            ratio = getattr(og_row, attribute) / getattr(result, attribute) if og_row else math.nan
            cells.append(_cell(ratio, "{:.2f}"))
        lines.append("| " + " | ".join(cells) + " |")
    cores = info.get("cores")
    lines.append("")
    lines.append(f"Machine: {info.get('cpu')}, {cores} cores; Node {info.get('node') or 'absent'}, "
                 f"Python {info.get('python')}; {info.get('os')}; og {info.get('og')}; {info.get('date')}; "
                 f"load average {info.get('load', math.nan):.2f} at the end (other work on the machine "
                 "shows as wall time above CPU time). "
                 f"Warm: {og_row.renders if og_row else '?'} renders after warm-up, each with new text.")
    floor = og_rows.get("og")
    if floor is not None and not math.isnan(floor.floor_ms):
        lines.append("")
        lines.append(f"og's floor on this card: {floor.floor_ms:.1f} ms of its {floor.warm_median_ms:.1f} ms "
                     "in-process (the third-party calls alone: cairo filling the glyph runs over a copy of "
                     "the background's rows, zlib-ng compressing the bands they changed).")
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Options()
    parser.add_argument("-n", "--renders", type=int, default=defaults.renders,
                        help="timed renders per renderer, after the warm-up (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=defaults.warmup, help="untimed renders first")
    parser.add_argument("--cold-runs", type=int, default=defaults.cold_runs,
                        help="fresh processes timed to their first PNG (the median is reported)")
    parser.add_argument("--scratch", type=Path, default=defaults.scratch,
                        help="where npm installs the peers (default %(default)s)")
    parser.add_argument("--out", type=Path, default=defaults.out,
                        help="where the PNGs go (default bench/out/)")
    parser.add_argument("--json", type=Path, help="also write the machine and the results to this file")
    parser.add_argument("--no-peers", action="store_true", help="og's row only (no Node)")
    parser.add_argument("--peers", default=",".join(peer.script for peer in PEERS),
                        help="which peers, comma-separated (default %(default)s)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(og_worker(json.loads(args.worker))))
        return 0
    options = Options(renders=args.renders, warmup=args.warmup, cold_runs=args.cold_runs,
                      out=args.out.resolve(), scratch=args.scratch.expanduser().resolve())
    dejavu = ensure_fonts(install=os.geteuid() == 0)
    if dejavu is None:
        print(f"no {', '.join(FONT_FILES)} in {DEJAVU}: apt-get install fonts-dejavu-core", file=sys.stderr)
        return 1
    chosen = set(args.peers.split(","))
    unknown = chosen - {peer.script for peer in PEERS}
    if unknown:
        print(f"unknown peers: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    fonts = card_fonts(dejavu, options.scratch)
    results = [measure_og(options, fonts), measure_og(options, fonts, pool=True)]
    if not args.no_peers:
        if shutil.which("node") and shutil.which("npm"):
            results += [measure_peer(peer, options, fonts) for peer in PEERS if peer.script in chosen]
        else:
            print("no node/npm on PATH: og's row only", file=sys.stderr)
    info = machine()
    print(format_table(results, info))
    if args.json:
        rows = [{key: None if isinstance(value, float) and math.isnan(value) else value
                 for key, value in dataclasses.asdict(result).items()} for result in results]
        args.json.write_text(json.dumps({"machine": info, "results": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
