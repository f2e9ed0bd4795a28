"""Behind trusted proxies: a :class:`Request` → the same request with the scheme, host and port
the client used at the first proxy (``X-Forwarded-Proto``, ``-Host``, ``-Port``), so absolute URLs
(meta tags, the studio's) say ``https://`` and the public host behind a TLS proxy.

It is done here, in the core, so every front end follows the same headers with the same hop count
(``OG_TRUSTED_PROXIES``): Flask's ProxyFix, Django's ``USE_X_FORWARDED_HOST`` and uvicorn's
``--proxy-headers`` each read a different subset, under a different setting. With no hops the
headers are ignored: any client could send them. Reading them again after a front end already did
(og's Flask app keeps ProxyFix for its own ``request.url_root``) gives the same answer.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse

from .messages import Request

#: The port a scheme's URLs leave out.
DEFAULT_PORTS = {"http": "80", "https": "443"}
#: What a forwarded value may be: anything else (``1@evil.example``, ``evil.example/x?``) would
#: move the URLs og writes to another origin, so it is ignored, as if the proxy had not sent it.
VALID = {
    "X-Forwarded-Proto": re.compile(r"https?\Z", re.IGNORECASE),
    "X-Forwarded-Host": re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])"
                                   r"(?::[0-9]{1,5})?\Z"),
    "X-Forwarded-Port": re.compile(r"[0-9]{1,5}\Z"),
}


def forwarded_value(header: str, hops: int) -> str | None:
    """The value the ``hops``-th proxy from here appended to a comma-separated ``X-Forwarded-*``
    list (each proxy appends what it saw); None when fewer proxies wrote it.

    >>> forwarded_value("evil.example, blog.example", 1), forwarded_value("a", 2), forwarded_value("", 1)
    ('blog.example', None, None)
    """
    values = [value.strip() for value in header.split(",")] if header.strip() else []
    return values[-hops] if hops and len(values) >= hops else None


def forwarded(request: Request, name: str, hops: int) -> str | None:
    """Header ``name``'s value from the ``hops``-th proxy, if it is one of :data:`VALID`'s shape.

    >>> from og.http.messages import Request
    >>> ask = lambda port: forwarded(Request.make("GET", "/", b"", [("X-Forwarded-Port", port)], "http://a/"),
    ...                              "X-Forwarded-Port", 1)
    >>> ask("8443"), ask("1@evil.example")
    ('8443', None)
    """
    value = forwarded_value(request.header(name), hops)
    return value if value is not None and VALID[name].match(value) else None


def behind_proxies(request: Request, hops: int) -> Request:
    """``request`` with its ``root_url`` as the client asked for it at the first of ``hops``
    trusted proxies (the mount's path kept)."""
    if not hops:
        return request
    try:
        url = urllib.parse.urlsplit(request.root_url)
    except ValueError:  # a Host header no URL can hold ("[x"): the request as the front end read it
        return request
    scheme = (forwarded(request, "X-Forwarded-Proto", hops) or url.scheme).lower()
    host = forwarded(request, "X-Forwarded-Host", hops) or url.netloc
    port = forwarded(request, "X-Forwarded-Port", hops)
    if port:
        host = f"{_without_port(host)}:{port}"
    if _port(host) == DEFAULT_PORTS.get(scheme):
        host = _without_port(host)
    root_url = urllib.parse.urlunsplit((scheme, host, url.path, "", ""))
    return dataclasses.replace(request, root_url=root_url)


def _port(host: str) -> str | None:
    """``8443`` of ``site.example:8443`` or ``[::1]:8443``; None without one."""
    head, colon, port = host.rpartition(":")
    return port if colon and not port.endswith("]") and head else None


def _without_port(host: str) -> str:
    return host.rpartition(":")[0] if _port(host) is not None else host
