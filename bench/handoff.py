"""What handing a card to a render process costs, without a server around it.

Renders ``--cards`` distinct cards (the bundled ``article``, a new title each) one at a time
through each way og sends a card out of the process that planned it, and prints the median and
p90 of the hand-off: the caller's milliseconds from sending the job to holding the card, less
the milliseconds the render process spent on it (``timings["handoff"]``, as ``Server-Timing:
handoff`` says under ``og serve``). The ways:

* **render pool** — :class:`og.pool.RenderPool` in this process (``og build``, the Flask and
  Django helpers, the ASGI app);
* **render host** — :class:`og.web.render_host.RenderHost`, as a gunicorn worker uses it (one
  socket more: worker → host → render process and back), without gevent.

    python bench/handoff.py [--cards 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import typing as t
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import og  # noqa: E402
from og.pool import RenderPool  # noqa: E402
from og.web.render_host import RenderHost  # noqa: E402


def handoffs(renderer: og.Renderer, cards: int, way: str) -> list[float]:
    """Each card's hand-off in ms, after a few cards to warm the render process."""
    found = []
    for index in range(cards + 10):
        timings: dict[str, float] = {}
        plan = renderer.plan("article", {"title": f"Hand-off {way} {index}"}, "png")
        assert renderer.pool is not None
        renderer.pool.render(plan, timings)
        if index >= 10:
            found.append(timings["handoff"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=300)
    args = parser.parse_args()
    renderer = og.Renderer()
    renderer.templates.get("article")
    ways: dict[str, t.Callable[[], t.Any]] = {
        "render pool": lambda: RenderPool(renderer, processes=1),
        "render host": lambda: RenderHost.start(renderer, processes=1),
    }
    print(f"| way ({args.cards} cards, one at a time) | hand-off median ms | p90 ms |\n| --- | ---: | ---: |")
    for way, make in ways.items():
        pool = make()
        renderer.pool = pool
        try:
            found = sorted(handoffs(renderer, args.cards, way))
        finally:
            renderer.pool = None
            pool.close()
        print(f"| {way} | {statistics.median(found):.3f} | {found[int(len(found) * 0.9)]:.3f} |")


if __name__ == "__main__":
    main()
