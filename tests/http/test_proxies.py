"""og/http/proxies.py: behind ``OG_TRUSTED_PROXIES`` hops the core's absolute URLs follow the
``X-Forwarded-*`` values the trusted proxies appended, and nothing a client adds before them."""

from __future__ import annotations

import pytest

from og.http import Request
from og.http.proxies import behind_proxies


def root_url(hops: int, root: str = "http://og.internal:8000/og/", **headers: str) -> str:
    named = [(name.replace("_", "-"), value) for name, value in headers.items()]
    return behind_proxies(Request.make("GET", "/x.png", b"", named, root), hops).root_url


PROXIED = {"X_Forwarded_Proto": "http, https", "X_Forwarded_Host": "evil.example, cards.example.org"}


@pytest.mark.parametrize(("hops", "headers", "expected"), [
    (0, PROXIED, "http://og.internal:8000/og/"),  # not told of a proxy: a client could send them
    (1, PROXIED, "https://cards.example.org/og/"),  # the last proxy's values, not the client's
    (2, PROXIED, "http://evil.example/og/"),  # two trusted proxies: the first one's
    (3, PROXIED, "http://og.internal:8000/og/"),  # fewer proxies wrote them than are trusted
    (1, {}, "http://og.internal:8000/og/"),
    (1, {"X_Forwarded_Host": "cards.example.org", "X_Forwarded_Port": "8443"}, "http://cards.example.org:8443/og/"),
    (1, {"X_Forwarded_Proto": "https", "X_Forwarded_Port": "443"}, "https://og.internal/og/"),
    (1, {"X_Forwarded_Proto": "https", "X_Forwarded_Host": "cards.example.org:443"}, "https://cards.example.org/og/"),
    (1, {"X_Forwarded_Host": "[2001:db8::1]", "X_Forwarded_Port": "8080"}, "http://[2001:db8::1]:8080/og/"),
    (1, {"X_Forwarded_Host": "[2001:db8::1]:80"}, "http://[2001:db8::1]/og/"),
])
def test_forwarded_values_by_hop_count(hops: int, headers: dict[str, str], expected: str) -> None:
    assert root_url(hops, **headers) == expected


def test_werkzeug_proxy_fix_agrees() -> None:
    """og's Flask app keeps ProxyFix for its own request.url_root: the two read the same."""
    from werkzeug.middleware.proxy_fix import ProxyFix
    from werkzeug.test import Client
    from werkzeug.wrappers import Request as WerkzeugRequest
    from werkzeug.wrappers import Response

    @WerkzeugRequest.application  # type: ignore[arg-type]
    def where(request: WerkzeugRequest) -> Response:
        return Response(request.url_root)

    for hops in (1, 2):
        for headers in ({"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "a.example, b.example:8443"},
                        {"X-Forwarded-Host": "b.example", "X-Forwarded-Port": "80"},
                        {"X-Forwarded-Proto": "https", "X-Forwarded-Port": "443"}):
            client = Client(ProxyFix(where, x_proto=hops, x_host=hops, x_port=hops))
            werkzeug = client.get("/", headers=headers, base_url="http://og.internal:8000/").get_data(as_text=True)
            ours = behind_proxies(Request.make("GET", "/", b"", headers.items(), "http://og.internal:8000/"),
                                  hops).root_url
            assert ours == werkzeug, (hops, headers)


@pytest.mark.parametrize(("headers", "expected"), [
    ({"X_Forwarded_Port": "1@evil.example"}, "http://og.internal:8000/og/"),
    ({"X_Forwarded_Host": "evil.example/x?"}, "http://og.internal:8000/og/"),
    ({"X_Forwarded_Host": "a.example@evil.example"}, "http://og.internal:8000/og/"),
    ({"X_Forwarded_Proto": "javascript"}, "http://og.internal:8000/og/"),
    ({"X_Forwarded_Proto": "HTTPS", "X_Forwarded_Host": "cards.example.org"}, "https://cards.example.org/og/"),
])
def test_a_forwarded_value_of_the_wrong_shape_is_ignored(headers: dict[str, str], expected: str) -> None:
    """What would move og's URLs to another origin (a userinfo, a path) is not a host or a port."""
    assert root_url(1, **headers) == expected


def test_a_host_no_url_can_hold_is_an_answer_not_an_exception() -> None:
    import dataclasses

    import og
    from og.http import HttpCore
    from tests.conftest import BUNDLED_TEMPLATES
    from tests.conftest import settings_for

    core = HttpCore(og.Renderer(dataclasses.replace(settings_for(BUNDLED_TEMPLATES), trusted_proxies=1)))
    request = Request.make("GET", "/healthz", b"", [("X-Forwarded-Proto", "https")], "http://[x/")
    assert behind_proxies(request, 1) is request
    assert core.handle(request).status == 200
