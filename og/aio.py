"""The async API: ``await og.render_async(name, params, fmt)`` → the card's bytes, without blocking
the event loop. The render runs in the loop's default thread executor and goes through the same
:meth:`og.Renderer.card` as every other caller, so the same admission (``OG_MAX_IN_FLIGHT``,
``OG_MAX_QUEUE``: past them an :class:`og.errors.Overloaded` at once) and the same render budget
(``OG_RENDER_TIMEOUT``) bound it; where the card is drawn is the card service's business."""

from __future__ import annotations

import functools
import typing as t

from .render import Renderer
from .render import default_renderer


def _render(name: str, params: t.Mapping[str, str] | None, fmt: str, renderer: Renderer | None) -> bytes:
    return (renderer or default_renderer()).render(name, params, fmt)


async def render_async(name: str, params: t.Mapping[str, str] | None = None, fmt: str = "png", *,
                       renderer: Renderer | None = None) -> bytes:
    """Render template ``name`` with ``params`` as ``fmt``, as :func:`og.render` does (with
    ``renderer``, or the one the environment configures), awaiting it in a worker thread.

    :raises og.OgError: as :func:`og.render` (unknown template, bad value, og busy…).
    """
    import asyncio  # here, not at the top: ``import og`` stays light, and an async caller has it

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(_render, name, params, fmt, renderer))
