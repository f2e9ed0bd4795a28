"""What the split CJK fonts cost: time and memory of a card by which CJK file it reads.

Each case runs in a fresh interpreter (so no font is loaded before it): build a ``Renderer``,
render one Latin card (start-up), then the case's card ``--runs`` times with a new value each
time. Printed: the first render (it reads the font file: cold), the median of the rest (warm),
and the process's resident memory (VmRSS) after start-up and after the case. Cases:

* **common** — Japanese title on ``article``: the common Noto Sans CJK JP subset only;
* **rare** — Hong Kong / Japanese names on ``article``: also ``Noto Sans CJK JP Rare`` (read
  only now);
* **serif** — Japanese quote on ``quote``: ``Noto Serif CJK JP``.

Nothing is asserted; compare the rows with each other (a shared machine's wall times vary).
Run ``python bench/bench_cjk_fonts.py [--runs N]`` from the repository root.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "common": ("article", "title", "即時ロールバックとコンパイラの高速化"),
    "rare": ("article", "title", "深水埗茶餐廳：佢哋食咗啲嘢 𠮷野家と髙島屋×山﨑賢人 張堃"),
    "serif": ("quote", "quote", "明日の天気は晴れのち曇りでしょう"),
}

CHILD = """
import json, sys, time
def rss():
    return next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmRSS"))
import og
renderer = og.Renderer()
renderer.render("article", {"title": "Start-up"}, "png")
start_rss = rss()
template, param, value = json.loads(sys.argv[1])
times = []
for run in range(int(sys.argv[2])):
    began = time.perf_counter()
    renderer.render(template, {param: f"{value} {run}"}, "png")
    times.append(time.perf_counter() - began)
print(json.dumps({"times": times, "start_rss": start_rss, "rss": rss()}))
"""


def measure(case: tuple[str, str, str], runs: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(case), str(runs)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return {"cold_ms": found["times"][0] * 1000, "warm_ms": statistics.median(found["times"][1:]) * 1000,
            "start_rss": found["start_rss"], "rss": found["rss"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print("| card | first render (reads the font) | warm median | RSS after start-up | RSS after |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, case in CASES.items():
        row = measure(case, args.runs)
        print(f"| {name} | {row['cold_ms']:.0f} ms | {row['warm_ms']:.0f} ms | {row['start_rss']:.0f} MB "
              f"| {row['rss']:.0f} MB |")


if __name__ == "__main__":
    main()
