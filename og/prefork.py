"""What a process that forks render processes loads first, so that they share it: a renderer in,
its caches and fonts filled. gunicorn's master calls :func:`load_before_fork` once the app is
loaded (``when_ready`` in :mod:`og.gunicorn_conf`): every worker, render host and render process
is forked from it, and finds the bundled templates' backgrounds drawn and compressed and the
head of the fallback chain read, instead of each making its own copy on its first cards."""

from __future__ import annotations

import logging
import typing as t

from .config import bundled
from .errors import OgError

if t.TYPE_CHECKING:
    from .render import Renderer

log = logging.getLogger(__name__)

#: A kana. The fallback chain is read in order until a face has the cluster, so a card with
#: Japanese text reads every face before CJK's: the scripts og bundled first (Inter, Noto Serif,
#: Arabic, Hebrew, Devanagari, Thai, CJK; og/text/fallback_families.txt), ≈ 31 MB of fonts.
FIRST_FALLBACKS_CLUSTER = "\u3042"


def load_before_fork(renderer: Renderer) -> None:
    """Load here what render processes forked from this process share instead of each reading
    its own copy: the bundled templates' backgrounds and the head of the fallback chain (for
    sans-serif and serif text)."""
    draw_bundled_backgrounds(renderer)
    for family in ("sans-serif", "serif"):
        renderer.fonts.pick([family], 400, False, FIRST_FALLBACKS_CLUSTER)
    renderer.tools.workers.close()  # no idle drawing threads in the process that forks


def draw_bundled_backgrounds(renderer: Renderer) -> list[str]:
    """Render a card of each bundled template here (its required values only), so that every
    process forked from this one finds its background drawn and compressed (≈ 90 ms of a render
    process's first card, and ≈ 6 MB per template that each render process would otherwise hold
    alone). Only og's own templates: an operator's template is rendered only in a render process,
    bounded. The names of the templates drawn."""
    folder = bundled("svg_templates").resolve()
    drawn = []
    for name in renderer.templates.names():
        try:
            if not renderer.templates.path_for(name).is_relative_to(folder):
                continue
            params = renderer.templates.get(name).params.values()
            # A request gives the required values and leaves the others out (they hide what
            # shows them): the background such cards share.
            values = {param.name: param.example or param.name for param in params if param.required}
            renderer.render_here(renderer.plan(name, values, "png"), {})
        except OgError as error:  # a card that needs values: its first request draws it
            log.info("template %s: background not drawn before fork: %s", name, error)
            continue
        drawn.append(name)
    return drawn
