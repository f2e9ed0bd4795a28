"""Two og workers (two renderers, as two gunicorn processes would have) behind one real Redis:
a card rendered by one is served by the other without a render."""

from __future__ import annotations

import dataclasses
import typing as t

import og
import og.web
from tests.conftest import TEMPLATES
from tests.conftest import settings_for
from tests.storage.test_storage import RedisServer
from tests.storage.test_storage import redis_binary as redis_binary  # noqa: F401 (fixture)
from tests.storage.test_storage import redis_server as redis_server  # noqa: F401 (fixture)


def _worker(url: str, fonts: t.Any) -> tuple[og.Renderer, t.Any]:
    settings = dataclasses.replace(settings_for(TEMPLATES), cache_url=url)
    renderer = og.Renderer(settings, fonts=fonts)
    return renderer, og.web.create_app({"OG_RENDERER": renderer, "TESTING": True}).test_client()


def test_a_card_rendered_by_one_worker_is_served_by_another(redis_server: RedisServer, fonts: t.Any) -> None:
    first, first_client = _worker(redis_server.url, fonts)
    second, second_client = _worker(redis_server.url, fonts)
    url = "/card.png?title=Shared%20through%20Redis"
    one = first_client.get(url)
    two = second_client.get(url)
    assert one.status_code == two.status_code == 200
    assert one.data == two.data and one.headers["ETag"] == two.headers["ETag"]
    assert (first.renders, second.renders) == (1, 0)
    assert second.storage.stats()["redis.hits"] >= 1
