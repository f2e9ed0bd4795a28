"""Memory of one render process over many distinct cards: what grows, and whether it stops.

Renders ``--cards`` distinct cards (the bundled templates in turn, a new value each, as
``bench/load.py``'s distinct cards) with one :class:`og.Renderer` in this process, the way a
render process does (``render_here``), and every ``--every`` cards prints the process's RSS
(``VmRSS``; and its PSS and private memory, which a render process forked from a loaded parent
shares and does not), the bytes og's caches hold (their own accounting) and what glibc's allocator holds
(``mallinfo2``: in use and free but kept). RSS that keeps rising while the caches stay at their
bounds is the allocator's or a leak's; ``--no-caches`` shows the floor without them.

    python bench/rss.py                  # 10,000 cards
    python bench/rss.py --cards 2000 --every 250
    python bench/rss.py --forked         # in a process forked as og serve's render processes are
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import og  # noqa: E402
from bench.load import VARIED  # noqa: E402
from bench.server import private_mib  # noqa: E402
from bench.server import rss_mib  # noqa: E402
from og.prefork import load_before_fork  # noqa: E402

WORDS = ["Hello", "Grüße", "Привет", "こんにちは"]


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
                 "fordblks", "keepcost")]


def allocator_mib() -> tuple[float, float]:
    """glibc's heap: (bytes in use, bytes free but kept), in MiB; zeros elsewhere."""
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        return 0.0, 0.0
    info = libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / (1 << 20), info.fordblks / (1 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--no-caches", action="store_true", help="clear og's caches after every card")
    parser.add_argument("--forked", action="store_true",
                        help="render in a process forked from one that loaded what og serve's master loads "
                             "(cairo, og.prefork.load_before_fork), as a render process does")
    args = parser.parse_args()
    renderer = og.Renderer()
    if args.forked:
        renderer.backend.load()
        load_before_fork(renderer)
        child = os.fork()
        if child:
            os.waitpid(child, 0)
            return
        gc.freeze()  # as og.pool.start_render_process
        try:
            render_cards(renderer, args)
        finally:
            sys.stdout.flush()
            os._exit(0)
    render_cards(renderer, args)


def render_cards(renderer: og.Renderer, args: argparse.Namespace) -> None:
    names = sorted(VARIED)
    print("| cards | RSS MiB | PSS MiB | private MiB | og caches MiB | malloc in use MiB "
          "| malloc free kept MiB | cards/s |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    started = time.perf_counter()
    for index in range(args.cards + 1):
        name = names[index % len(names)]
        value = f"Card {index}: {WORDS[index % len(WORDS)]}"
        plan = renderer.plan(name, {VARIED[name]: value}, "png")
        renderer.render_here(plan, {})
        if args.no_caches:
            renderer.caches.clear()
        if index % args.every == 0:
            held = sum(stats.bytes for stats in renderer.caches.stats().values()) / (1 << 20)
            used, kept = allocator_mib()
            rate = index / (time.perf_counter() - started) if index else 0.0
            pss, private = private_mib(os.getpid())
            print(f"| {index} | {rss_mib(os.getpid()):.0f} | {pss:.0f} | {private:.0f} | {held:.1f} "
                  f"| {used:.0f} | {kept:.0f} | {rate:.0f} |", flush=True)
    print("\n| cache | entries | MiB held | MiB bound |\n| --- | ---: | ---: | ---: |")
    for name, stats in sorted(renderer.caches.stats().items()):
        print(f"| {name} | {stats.entries} | {stats.bytes / (1 << 20):.1f} | "
              f"{stats.max_bytes / (1 << 20):.0f} |")


if __name__ == "__main__":
    main()
