"""``await og.render_async(...)``: the same bytes and errors as ``og.render``, and the event loop
keeps running while the card is drawn (the render is in a worker thread)."""

from __future__ import annotations

import asyncio

import pytest

import og


def test_same_bytes_and_the_loop_keeps_running(renderer: og.Renderer) -> None:
    async def main() -> tuple[bytes, int]:
        ticks = 0
        rendering = asyncio.ensure_future(og.render_async("card", {"title": "Async"}, renderer=renderer))
        while not rendering.done():
            ticks += 1
            await asyncio.sleep(0)
        return rendering.result(), ticks

    body, ticks = asyncio.run(main())
    assert body == renderer.render("card", {"title": "Async"})
    assert ticks > 1, "the loop ran other work while the card was drawn"


def test_errors_are_raised_as_og_render_raises_them(renderer: og.Renderer) -> None:
    with pytest.raises(og.BadParameter, match="colour"):
        asyncio.run(og.render_async("card", {"colour": "red"}, renderer=renderer))
