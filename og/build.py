"""``og build``: rows of values → one card file per row and a ``manifest.json``, for static sites.

Each row is checked and named in this process (:meth:`og.Renderer.plan` gives the key: template,
fonts, values, format and og's version), then rendered in render processes (:mod:`og.pool`, the
same as ``og serve``'s: forked with fonts and templates loaded, bounded in time and memory), so
every core works. Rows are handed out in chunks (one hand-off, one result message per chunk, not
per card); each render process writes its cards to disk itself and sends back only their manifest
entries. A chunk stopped from outside (a row past its budget in a native call, or out of memory)
is handed out again row by row, so that row alone fails. A row whose key and file are already in the
previous manifest is not rendered again. The manifest says, per row, the file, its size and
bytes, and the text the card shows (the layout report's lines, cuts included) for ``alt``.

``--shard K/N`` builds rows K, K+N, K+2N… so a CI matrix of N jobs shares a big site;
:func:`merge_manifests` joins their outputs.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import json
import os
import re
import shutil
import sys
import time
import typing as t
from pathlib import Path

from . import stages
from .config import Settings
from .errors import OgError
from .formats import FORMATS
from .formats import RASTER_FORMATS
from .plan import Plan
from .pool import KILL_GRACE_S
from .pool import OUT_OF_MEMORY_EXIT
from .pool import STOPPED
from .pool import isolated
from .pool import process_renderer
from .pool import stopped
from .raster.lazy import LazyBackend
from .render import Renderer
from .report import shown_text
from .rows import DataError
from .rows import Row
from .rows import select_columns
from .template.pages import for_page
from .template.params import json_number

MANIFEST = "manifest.json"
#: A file name from the data: letters, digits, ``.``, ``_``, ``-``; never a path, never hidden.
SAFE_NAME = re.compile(r"[A-Za-z0-9_\-][A-Za-z0-9._\-]{0,150}")
#: Hex digits of the card's key used as its file name when no column names it.
HASH_NAME_DIGITS = 16
#: Without a terminal, a progress line every this many cards (and at the end).
PROGRESS_EVERY = 50
#: Rows handed to a render process at a time, at most: each hand-off (pickling, pipes, the pool's
#: threads) costs about as much as a small part of a card, and a chunk pays it once. Fewer when
#: the rows are few, so that every worker gets about :data:`CHUNKS_PER_WORKER` chunks.
CHUNK_ROWS = 16
CHUNKS_PER_WORKER = 4


@dataclasses.dataclass(frozen=True)
class Options:
    """What to build. ``shard`` is ``(k, n)`` with ``1 <= k <= n``; ``workers=0`` uses every core."""

    name: str
    out_dir: Path
    fmt: str = "png"
    name_column: str = ""
    ignore_extra: bool = False
    shard: tuple[int, int] = (1, 1)
    workers: int = 0
    page: str = ""  # an Inkscape page's label or number ("": the first page)


@dataclasses.dataclass(frozen=True)
class Job:
    """One card to render, as sent to a worker (plain data, so it pickles)."""

    row: int
    source: str
    values: dict[str, str]
    file: str
    key: str
    photos: bool = False  # an image parameter is given: its fetch has its own budget
    page: str = ""


@dataclasses.dataclass
class Result:
    cards: list[dict[str, t.Any]]
    failures: list[dict[str, t.Any]]
    rendered: int = 0
    skipped: int = 0
    render_s: float = 0.0  # wall seconds spent rendering (render processes started and stopped)


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → ``(2, 4)``.

    >>> parse_shard("2/4")
    (2, 4)
    """
    match = re.fullmatch(r"([0-9]{1,6})/([0-9]{1,6})", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise DataError(f"--shard wants K/N with 1 <= K <= N (e.g. 1/4), got {text[:20]!r}")
    return int(match[1]), int(match[2])


def _file_name(row: Row, key: str, options: Options) -> str:
    base = row.stem or key[:HASH_NAME_DIGITS]
    if options.name_column:
        base = row.values.get(options.name_column, "")
        if not base:
            raise DataError(f"the name column {options.name_column!r} is empty")
    if not SAFE_NAME.fullmatch(base):
        raise DataError(f"{base[:40]!r} cannot be a file name (letters, digits, '.', '_', '-' only)")
    return f"{base}.{options.fmt}"


def _previous_cards(out_dir: Path) -> dict[tuple[str, str], dict[str, t.Any]]:
    """The last build's cards by (key, file), for those whose file is still there, same size."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    kept = {}
    for card in manifest.get("cards", []):
        path = out_dir / str(card.get("file", ""))
        if path.is_file() and path.stat().st_size == card.get("bytes"):
            kept[(card["key"], card["file"])] = card
    return kept


def _failure(row: Row | Job, message: str) -> dict[str, t.Any]:
    return {"row": row.number if isinstance(row, Row) else row.row, "source": row.source, "error": message}


def plan_jobs(renderer: Renderer, rows: list[Row], options: Options,
              result: Result) -> list[Job]:
    """Check and name every row of this shard; what the last build left is reused, the rest
    is returned to render. Bad rows go to ``result.failures``."""
    template = for_page(renderer.templates.get(options.name), options.page or None)
    selected = select_columns(rows, options.name, template.params, options.ignore_extra,
                              options.name_column)
    index, count = options.shard
    previous = _previous_cards(options.out_dir)
    owners: dict[str, int] = {}
    jobs = []
    for row, values in zip(rows[index - 1::count], selected[index - 1::count], strict=True):
        try:
            plan = renderer.plan_template(template, values.values, options.fmt)
            file = _file_name(row, plan.key, options)
        except OgError as error:
            result.failures.append(_failure(row, error.message))
            continue
        if file in owners:
            result.failures.append(_failure(row, f"file {file} is already row {owners[file]}'s"))
            continue
        owners[file] = row.number
        done = previous.get((plan.key, file))
        if done is not None:
            result.cards.append({**done, "row": row.number, "source": row.source})
            result.skipped += 1
        else:
            jobs.append(Job(row.number, row.source, values.values, file, plan.key, plan.photos, options.page))
    return jobs


def render_job(job: Job, name: str, fmt: str, out_dir: Path,
               renderer: Renderer | None = None) -> dict[str, t.Any]:
    """Render one card to ``out_dir`` (written whole, then renamed into place) and describe it."""
    renderer = renderer or process_renderer()
    plan = renderer.plan(name, job.values, fmt, page=job.page or None)
    if plan.fmt in RASTER_FORMATS:
        body, report = drawn_with_report(renderer, plan)
    else:
        body, report = renderer.render_plan(plan), renderer.report(plan)
    path = out_dir / job.file
    partial = path.with_name(f".{job.file}.{os.getpid()}.part")
    partial.write_bytes(body)
    partial.replace(path)
    return {"row": job.row, "source": job.source, "file": job.file, "key": job.key,
            "width": json_number(report["width"]), "height": json_number(report["height"]),
            "bytes": len(body), "alt": shown_text(report), "values": job.values}


def drawn_with_report(renderer: Renderer, plan: Plan) -> tuple[bytes, dict[str, t.Any]]:
    """A raster card and its layout report (what its ``.json`` answers) from one fill and one
    layout, within one render budget (a card's second layout for the report cost ≈ 12% of
    ``og build``'s time). Not kept in the storage: a build's rows are each asked for once."""
    with renderer.cards.budget.running():
        quality = renderer.planner.quality(plan.template)
        laid_out, entry = stages.run_laid_out(renderer.tools, plan, quality, {})
    return entry.body, laid_out.report()


class Progress(t.Protocol):
    def update(self, n: int = 1) -> t.Any: ...

    def close(self) -> t.Any: ...


class Lines:
    """Progress without a terminal (CI logs): a line every :data:`PROGRESS_EVERY` cards."""

    def __init__(self, total: int, stream: t.TextIO) -> None:
        self.total, self.done, self.stream = total, 0, stream

    def update(self, n: int = 1) -> None:
        before, self.done = self.done, self.done + n
        if self.done // PROGRESS_EVERY > before // PROGRESS_EVERY or self.done == self.total:
            print(f"og build: {self.done}/{self.total} cards", file=self.stream, flush=True)

    def close(self) -> None:
        pass


def progress_for(total: int, stream: t.TextIO | None = None) -> Progress:
    """A tqdm bar on a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    if stream.isatty():
        from tqdm import tqdm

        return t.cast(Progress, tqdm(total=total, unit="card", file=stream))
    return Lines(total, stream)


#: A row's outcome as a render process returns it: its manifest entry, or its failure's message.
Rendered = tuple[dict[str, t.Any] | None, str | None]


def render_chunk(jobs: list[Job], name: str, fmt: str, out_dir: Path) -> list[Rendered]:
    """Render ``jobs`` one after the other in this render process (each bounded by the cooperative
    checks, the whole chunk by the pool); a row's failure is that row's alone."""
    done: list[Rendered] = []
    for job in jobs:
        try:
            done.append((render_job(job, name, fmt, out_dir), None))
        except OgError as error:
            done.append((None, error.message))
        except MemoryError:
            # Past OG_RENDER_MEMORY: a cache may be half-written, so this process ends (as in
            # :func:`og.pool.render_job`) and the chunk is handed out again row by row.
            os._exit(OUT_OF_MEMORY_EXIT)
        except Exception as error:  # one broken row must not stop the other cards
            done.append((None, f"{type(error).__name__}: {error}"))
    return done


def chunks(jobs: list[Job], workers: int) -> list[list[Job]]:
    """``jobs`` in chunks of at most :data:`CHUNK_ROWS`, about :data:`CHUNKS_PER_WORKER` per worker.

    >>> [len(chunk) for chunk in chunks([Job(n, "", {}, "", "") for n in range(10)], 2)]
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    >>> [len(chunk) for chunk in chunks([Job(n, "", {}, "", "") for n in range(100)], 2)][:3]
    [12, 12, 12]
    """
    size = max(1, min(CHUNK_ROWS, len(jobs) // (workers * CHUNKS_PER_WORKER)))
    return [jobs[start:start + size] for start in range(0, len(jobs), size)]


def _settled(future: concurrent.futures.Future[list[Rendered]], chunk: list[Job]) -> list[Rendered] | None:
    """What became of ``chunk``'s rows; None when the pool stopped a chunk of several rows (past
    the budget or memory): which row did is found by handing them out one by one."""
    try:
        return future.result()
    except STOPPED as error:  # past its budget or memory: its process was replaced
        if len(chunk) > 1:
            return None
        message = stopped(error).message
    except Exception as error:  # the pool could not run it
        message = f"{type(error).__name__}: {error}"
    return [(None, message)] * len(chunk)


def _render_all(jobs: list[Job], renderer: Renderer, options: Options, result: Result,
                progress: Progress) -> None:
    """Render ``jobs`` in render processes forked from this one (fonts and templates loaded), each
    bounded as ``og serve``'s are: a row past its budget or memory is that row's failure."""
    workers = min(options.workers or os.cpu_count() or 1, len(jobs))
    settings = renderer.settings
    if isinstance(renderer.backend, LazyBackend):
        # cairo here, before the render processes fork (as og serve's master does): each of them,
        # and each that replaces one killed past its budget, starts with it loaded and shared.
        renderer.backend.load()

    def timeout_s(chunk: list[Job]) -> float:
        """A row may be laid out twice (an SVG or JSON card, then its layout report for the alt). A
        chunk gets at most two rows' budgets and each photo's fetch: a row past its budget is
        stopped inside, by the cooperative checks, so only a native call that runs on waits for
        the kill, and the rows of a chunk killed early are handed out again, each with its own
        budget (a chunk slower than this costs time, never a card)."""
        photos = sum(settings.image_timeout_s for job in chunk if job.photos)
        return KILL_GRACE_S + 2 * settings.render_timeout * min(len(chunk), 2) + photos

    with isolated(renderer, workers) as pool:

        def schedule(chunk: list[Job]) -> tuple[concurrent.futures.Future[list[Rendered]], list[Job]]:
            arguments = (chunk, options.name, options.fmt, options.out_dir)
            return pool.schedule(render_chunk, arguments, timeout_s(chunk)), chunk

        pending = dict(map(schedule, chunks(jobs, workers)))
        while pending:
            again: dict[concurrent.futures.Future[list[Rendered]], list[Job]] = {}
            for future in concurrent.futures.as_completed(pending):
                chunk = pending[future]
                rendered = _settled(future, chunk)
                if rendered is None:
                    again.update(map(schedule, ([job] for job in chunk)))
                    continue
                for (card, error), job in zip(rendered, chunk, strict=True):
                    if card is not None:
                        result.cards.append(card)
                        result.rendered += 1
                    else:
                        result.failures.append(_failure(job, str(error)))
                progress.update(len(chunk))
            pending = again


def write_manifest(out_dir: Path, options: Options | None, result: Result,
                   shard: tuple[int, int] | None = None, template: str = "", fmt: str = "",
                   page: str = "") -> Path:
    result.cards.sort(key=lambda card: t.cast(int, card["row"]))
    result.failures.sort(key=lambda failure: t.cast(int, failure["row"]))
    if options is not None:
        template, fmt, shard, page = options.name, options.fmt, options.shard, options.page
    manifest = {"template": template, **({"page": page} if page else {}), "format": fmt,
                "shard": f"{shard[0]}/{shard[1]}" if shard else None,
                "cards": result.cards, "failures": result.failures}
    path = out_dir / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def build(rows: list[Row], options: Options, settings: Settings | None = None,
          progress: t.Callable[[int], Progress] = progress_for) -> Result:
    """Render this shard's rows into ``options.out_dir`` and write its manifest."""
    settings = settings or Settings.from_env()
    options.out_dir.mkdir(parents=True, exist_ok=True)
    result = Result([], [])
    renderer = Renderer(settings)
    jobs = plan_jobs(renderer, rows, options, result)
    bar = progress(len(jobs))
    started = time.perf_counter()
    try:
        if jobs:
            _render_all(jobs, renderer, options, result, bar)
    finally:
        bar.close()
        result.render_s = time.perf_counter() - started
    write_manifest(options.out_dir, options, result)
    return result


def merge_manifests(dirs: t.Sequence[Path], out_dir: Path) -> Result:
    """One manifest for the shards' outputs in ``dirs``, their files copied into ``out_dir``.

    :raises DataError: a folder has no manifest, or the shards disagree on template or format.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Result([], [])
    kinds = set()
    for folder in dirs:
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise DataError(f"{folder}: no readable {MANIFEST} ({error})") from None
        kinds.add((manifest.get("template"), manifest.get("format"), manifest.get("page")))
        for card in manifest["cards"]:
            if folder.resolve() != out_dir.resolve():
                shutil.copyfile(folder / card["file"], out_dir / card["file"])
            result.cards.append(card)
        result.failures.extend(manifest["failures"])
    if len(kinds) > 1:
        raise DataError(f"the manifests are of different builds: {sorted(map(str, kinds))}")
    (template, fmt, page), = kinds or {("", "", None)}
    write_manifest(out_dir, None, result, template=str(template), fmt=str(fmt), page=page or "")
    return result


def summary(result: Result, stream: t.TextIO) -> None:
    """The cards made (and how fast), and every failure with its row (the exit status follows)."""
    speed = (f" in {result.render_s:.1f} s, {result.rendered / result.render_s:.1f} cards/s"
             if result.rendered and result.render_s > 0 else "")
    print(f"og build: {len(result.cards)} cards ({result.rendered} rendered, {result.skipped} unchanged), "
          f"{len(result.failures)} failed{speed}", file=stream)
    for failure in result.failures:
        print(f"  row {failure['row']} ({failure['source']}): {failure['error']}", file=stream)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``og build``'s arguments; Django's ``og_build`` command takes the same."""
    parser.add_argument("name", nargs="?", help="template name")
    parser.add_argument("data", nargs="?", help="DATA.csv, DATA.jsonl, DATA.json or a folder of .md files")
    parser.add_argument("--out", required=True, metavar="DIR", help="where cards and manifest.json go")
    parser.add_argument("-f", "--format", default="png", choices=sorted(FORMATS),
                        help="png (default), or what else og renders")
    parser.add_argument("--name-column", default="", metavar="COLUMN",
                        help="file names from this column (default: the .md file's name, or a content hash)")
    parser.add_argument("--ignore-extra", action="store_true",
                        help="leave out columns that are not parameters")
    parser.add_argument("--shard", default="1/1", metavar="K/N", help="build rows K, K+N, K+2N... only")
    parser.add_argument("--workers", type=int, default=0, help="processes (default: one per core)")
    parser.add_argument("--page", default="", metavar="NAME",
                        help="the template's Inkscape page, by label or number (default: the first)")
    parser.add_argument("--merge-manifests", nargs="+", metavar="DIR",
                        help="merge the outputs of shards into --out")


def run(args: argparse.Namespace, settings: Settings | None = None, stream: t.TextIO | None = None) -> int:
    """Build (or merge) as ``args`` say; 1 when a row failed, so CI notices."""
    from .rows import read_rows

    out_dir = Path(args.out)
    if args.merge_manifests:
        result = merge_manifests([Path(folder) for folder in args.merge_manifests], out_dir)
    elif args.name and args.data:
        options = Options(args.name, out_dir, args.format, args.name_column, args.ignore_extra,
                          parse_shard(args.shard), args.workers, args.page)
        result = build(read_rows(args.data), options, settings)
    else:
        raise DataError("og build needs NAME and DATA (or --merge-manifests DIR...)")
    summary(result, stream or sys.stderr)
    return 1 if result.failures else 0
