"""Benchmark og's PNG rendering against plain CairoSVG, per bundled template and input.

What is measured, and why:

* **og** — median wall time of ``og.render(name, params)`` (PNG), *cache miss*: before each
  timed run og's memo caches (HarfBuzz shaping, glyph outlines, bitmap-glyph data URIs,
  language guessing) are cleared and the varied parameter gets a value never used before,
  so every run pays for the whole pipeline as a never-seen card would. Fonts stay loaded:
  loading them is start-up, measured separately.
* **cairosvg** — median wall time of ``cairosvg.svg2png(bytestring=svg)`` in the same process
  on the *equivalent* SVG: the same template filled by Jinja with the same values, its
  ``<text>`` left for CairoSVG to draw itself (toy font API, no shaping or wrapping, and
  cairo's own PNG writer). That is what a service without og's text layout would do, so
  ``og/cairosvg`` is the price (or saving) of og's layout plus its own PNG encoder. The SVG
  bytes are made outside the timed region; the two renderers alternate within each
  iteration so machine noise hits both alike.
* **start-up** — in a fresh interpreter (several times, median): ``import og``, building a
  ``Renderer`` (scanning the fonts folder), and the first card rendered cold (font files
  read, HarfBuzz faces made, fontconfig asked for system families).
* **stages** — for one template, each stage of a cache-miss render, called one by one as
  :func:`og.stages.run` calls them: fill (values and pictures in a copy of the document), lay out
  (read the text, lay it out), draw (glyph paths, CairoSVG fixes, effects), raster (over the
  cached background) and encode (PNG).

Times come from ``time.perf_counter`` after warm-up runs; the script prints medians and
ratios and never asserts anything about them. Run ``python3 bench/bench_render.py --help``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import itertools
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
import typing as t
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import cairocffi  # noqa: E402
import cairosvg  # noqa: E402
from lxml import etree  # noqa: E402

import og  # noqa: E402
from og import stages as og_stages  # noqa: E402
from og.render import Renderer  # noqa: E402
from og.render import default_renderer  # noqa: E402
from og.template.fill import fill  # noqa: E402
from og.template.load import Template  # noqa: E402
from og.template.params import checked_values  # noqa: E402


#: og's caches emptied before every timed og run (through their owner's ``clear()``): the
#: glyph caches of the fonts and the finished cards. What belongs to start-up stays: font
#: objects and matches, fontconfig look-ups, ICU break iterators; so do the per-template
#: caches of static parts (backgrounds, effects of unchanged elements, layouts of labels
#: that keep their value): a "fresh card" is new values on a template already in use.
def og_caches_to_clear(renderer: Renderer) -> list[t.Any]:
    fonts = renderer.fonts.caches
    return [fonts.shapes, fonts.outlines, fonts.glyph_paths, fonts.bitmaps, renderer.storage]


#: Values tried in each template's main text parameter (None: the template's defaults).
INPUTS: dict[str, str | None] = {
    "defaults": None,
    "latin-150": ("Everything we learned while moving a ten-year-old monolith to a fleet of "
                  "small services, and why we would do it again, but much more slowly"),
    "japanese": "日本語のタイトルが長い場合の折り返しテストです。次世代の画像生成",
    "emoji": "Launch day 🚀🎉 👩‍💻 👍🏽 🇯🇵",
}

#: Parameter names preferred as "the" text to vary, in order.
MAIN_PARAMS = ("title", "headline", "name", "quote", "text")

STAGES = ("fill", "lay_out", "draw", "raster", "encode")

Timings = dict[str, float]


@dataclasses.dataclass
class Case:
    """One template with one input: the values og gets and how to make them fresh."""

    template: Template
    input_name: str
    values: dict[str, str]
    varied: str | None  # the parameter that gets a fresh suffix per run

    def fresh(self, serial: int) -> dict[str, str]:
        """The values with a never-used-before value in the varied parameter."""
        if self.varied is None:
            return dict(self.values)
        suffix = f" {serial}"
        limit = self.template.params[self.varied].max_length - len(suffix)
        return {**self.values, self.varied: self.values[self.varied][:limit] + suffix}


@dataclasses.dataclass
class Row:
    template: str
    input: str
    og_ms: float
    cairosvg_ms: float
    og_kb: float
    cairosvg_kb: float
    missing_glyphs: int

    @property
    def ratio(self) -> float:
        return self.og_ms / self.cairosvg_ms


_serials = itertools.count(1)


def clear_og_caches() -> None:
    for cache in og_caches_to_clear(default_renderer()):
        cache.clear()


@contextlib.contextmanager
def lap(timings: Timings, name: str) -> t.Iterator[None]:
    """Add the wall time of the ``with`` body to ``timings[name]``, in milliseconds."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + (time.perf_counter() - start) * 1000


def repeat(run: t.Callable[[int], Timings], n: int, warmup: int) -> dict[str, float]:
    """Median of each timing ``run`` reports, over ``n`` runs after ``warmup`` untimed ones.

    Each run gets a process-wide unique serial; og's caches are cleared and garbage
    collected before it, outside the timings.
    """
    samples: dict[str, list[float]] = {}
    for index in range(warmup + n):
        clear_og_caches()
        gc.collect()
        timings = run(next(_serials))
        if index >= warmup:
            for name, value in timings.items():
                samples.setdefault(name, []).append(value)
    return {name: statistics.median(values) for name, values in samples.items()}


def plain_svg(template: Template, values: t.Mapping[str, str]) -> bytes:
    """The template filled by Jinja, text left as ``<text>`` for CairoSVG to draw."""
    return etree.tostring(fill(template, values).root, xml_declaration=True, encoding="UTF-8")


def make_cases(renderer: Renderer, names: t.Sequence[str]) -> list[Case]:
    cases = []
    for name in names:
        template = renderer.templates.get(name)
        varied = next((p for p in MAIN_PARAMS if p in template.params), None)
        texts = [p for p in sorted(template.params) if template.params[p].kind == "text"]
        varied = varied or next(iter(texts), None)
        for input_name, text in INPUTS.items():
            if text is not None and varied is None:
                continue  # a template without parameters has only its defaults
            limit = template.params[varied].max_length if varied else 0
            overrides = {} if text is None or varied is None else {varied: text[:limit]}
            values = checked_values(template.name, template.params, overrides)
            cases.append(Case(template, input_name, values, varied))
    return cases


def compare(case: Case, n: int, warmup: int) -> Row:
    """og.render against cairosvg.svg2png for one case, alternating within each run."""
    name = case.template.name

    def run(serial: int) -> Timings:
        values = case.fresh(serial)
        svg = plain_svg(case.template, values)
        timings: Timings = {}
        with lap(timings, "og"):
            og.render(name, values)
        with lap(timings, "cairosvg"):
            cairosvg.svg2png(bytestring=svg)
        return timings

    medians = repeat(run, n, warmup)
    values = case.fresh(next(_serials))
    laid_out = default_renderer().lay_out(name, values)
    return Row(
        template=name,
        input=case.input_name,
        og_ms=medians["og"],
        cairosvg_ms=medians["cairosvg"],
        og_kb=len(og.render(name, values)) / 1024,
        cairosvg_kb=len(cairosvg.svg2png(bytestring=plain_svg(case.template, values))) / 1024,
        missing_glyphs=sum(len(layout.missing) for _, layout in laid_out.texts),
    )


def stages(case: Case, n: int, warmup: int) -> dict[str, float]:
    """Median time of each pipeline stage of a cache-miss PNG render of ``case``."""
    renderer = default_renderer()

    def run(serial: int) -> Timings:
        timings: Timings = {}
        tools, template, values = renderer.tools, case.template, case.fresh(serial)
        with lap(timings, "fill"):
            filled = og_stages.fill(tools, template, values)
        with lap(timings, "lay_out"):
            laid_out = og_stages.lay_out(tools, template, values, filled)
        with lap(timings, "draw"):
            drawn = og_stages.draw(tools, laid_out)
        with lap(timings, "raster"):
            raster = og_stages.rasterize(tools, drawn)
        with lap(timings, "encode"):
            og_stages.encode(tools, raster, "png", None)
        return timings

    medians = repeat(run, n, warmup)
    medians["total"] = sum(medians[stage] for stage in STAGES)
    return medians


#: Run by a fresh interpreter: argv[1] is the repo root, argv[2] the template; prints JSON.
STARTUP_PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
ms = {}
start = time.perf_counter()
import og
ms["import"] = time.perf_counter() - start
start = time.perf_counter()
renderer = og.Renderer()
ms["renderer"] = time.perf_counter() - start
start = time.perf_counter()
renderer.render(sys.argv[2], {}, "png")
ms["first_card"] = time.perf_counter() - start
start = time.perf_counter()
renderer.render(sys.argv[2], {}, "png")
ms["same_card_again"] = time.perf_counter() - start
print(json.dumps({key: value * 1000 for key, value in ms.items()}))
"""


def startup(name: str, runs: int) -> dict[str, float]:
    """Median start-up timings (ms), each run in a new interpreter executing STARTUP_PROBE.

    ``first_card`` includes reading the fonts and asking fontconfig for system families;
    ``same_card_again`` is the same card with every cache warm, for scale.
    """
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", STARTUP_PROBE, str(REPO_ROOT), name],
                             capture_output=True, text=True, check=True).stdout
        for key, value in json.loads(out.splitlines()[-1]).items():
            samples.setdefault(key, []).append(value)
    return {key: statistics.median(values) for key, values in samples.items()}


def table(headers: t.Sequence[str], rows: t.Sequence[t.Sequence[object]]) -> str:
    """A plain text table: floats with one decimal, cells starting with a digit right-aligned."""
    cells = [[f"{c:.1f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.append("  ".join(c.rjust(w) if c[:1].isdigit() else c.ljust(w)
                               for c, w in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def environment(renderer: Renderer) -> dict[str, object]:
    fonts_dir = renderer.settings.fonts_dir
    return {
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "cairosvg": cairosvg.__version__,
        "cairo": cairocffi.cairo_version_string(),
        "fonts_dir": str(fonts_dir),
        "bundled_fonts": len(renderer.fonts.families),
        "fonts_dir_exists": fonts_dir.is_dir(),
    }


def main(argv: t.Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--n", type=int, default=15, help="timed iterations per case (default 15)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before them (default 3)")
    parser.add_argument("--startup-runs", type=int, default=3, help="fresh interpreters for start-up")
    parser.add_argument("--template", help="template for the stage breakdown (default: the first)")
    parser.add_argument("--json", metavar="PATH", help="also write all results as JSON ('-': stdout)")
    args = parser.parse_args(argv)

    logging.getLogger("og").setLevel(logging.ERROR)  # missing glyphs are counted, not logged

    renderer = default_renderer()
    names = renderer.templates.names()
    if not names:
        sys.exit(f"no templates in {renderer.settings.templates_dir}")
    focus = args.template or names[0]
    env = environment(renderer)
    print("  ".join(f"{key}: {value}" for key, value in env.items()))
    print(f"n={args.n} (median), warm-up={args.warmup}; og = og.render PNG with caches cleared; "
          "cairosvg = cairosvg.svg2png on the same filled template with plain <text>\n")

    startup_ms = startup(focus, args.startup_runs)
    print(f"Start-up, fresh interpreter, median of {args.startup_runs} ({focus}):")
    print(table(["import og", "Renderer()", "first card", "same card again"],
                [[startup_ms["import"], startup_ms["renderer"], startup_ms["first_card"],
                  startup_ms["same_card_again"]]]) + "\n")

    rows = [compare(case, args.n, args.warmup) for case in make_cases(renderer, names)]
    print("Cache-miss render, ms (median):")
    print(table(["template", "input", "og ms", "cairosvg ms", "og/cairosvg", "og KB", "cairosvg KB",
                 "missing glyphs"],
                [[r.template, r.input, r.og_ms, r.cairosvg_ms, f"{r.ratio:.2f}x", r.og_kb, r.cairosvg_kb,
                  r.missing_glyphs] for r in rows]) + "\n")

    breakdown = {case.input_name: stages(case, args.n, args.warmup)
                 for case in make_cases(renderer, [focus])}
    print(f"Stages of a cache-miss og render of {focus}, ms (median; share of the sum):")
    print(table(["input", *STAGES, "sum"],
                [[name, *(f"{ms[s]:.1f} ({ms[s] / ms['total']:.0%})" for s in STAGES), ms["total"]]
                 for name, ms in breakdown.items()]))

    if args.json:
        result = {
            "environment": env,
            "n": args.n,
            "warmup": args.warmup,
            "startup_ms": startup_ms,
            "renders": [{**dataclasses.asdict(r), "ratio": r.ratio} for r in rows],
            "stages_template": focus,
            "stages_ms": breakdown,
        }
        text = json.dumps(result, indent=1, ensure_ascii=False)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
