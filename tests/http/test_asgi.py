"""og/asgi.py without a server: the ASGI adapter ends a streamed answer (the studio's event stream)
when the server says the client left, since a server may drop what is sent after that (uvicorn
does, silently) and the stream would otherwise run out its whole lifetime holding a slot."""

from __future__ import annotations

import asyncio
import dataclasses
import typing as t

import og
import og.asgi

from ..conftest import settings_for

#: Far longer than the test may take: the stream must end because the client left, not by age.
LIFETIME_S = 300.0
#: A bound on the whole exchange, so a regression fails instead of hanging.
BOUND_S = 60.0


def test_an_event_stream_ends_when_the_client_leaves(tmp_templates: t.Any, fonts: t.Any) -> None:
    renderer = og.Renderer(dataclasses.replace(settings_for(tmp_templates), studio=True), fonts=fonts)
    app = og.asgi.create_app(renderer=renderer)
    sent: list[dict[str, t.Any]] = []

    async def exchange() -> None:
        first_chunk = asyncio.Event()
        requests = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive() -> dict[str, t.Any]:
            if requests:
                return requests.pop()
            await first_chunk.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, t.Any]) -> None:
            sent.append(dict(message))
            if message.get("body"):
                first_chunk.set()

        scope = {"type": "http", "method": "GET", "path": "/studio/events", "query_string": b"",
                 "headers": [(b"host", b"og.test")], "scheme": "http", "root_path": ""}
        await asyncio.wait_for(app(scope, receive, send), BOUND_S)

    studio = app.core().studio
    assert studio is not None
    app.core().studio = dataclasses.replace(studio, lifetime_s=LIFETIME_S)
    asyncio.run(exchange())
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
    assert b"event: stamps" in sent[1]["body"]
    assert studio.slots.open == 0  # the stream's slot is given back
