"""One bounded HTTP GET of an image: connect and total timeouts, a byte cap, redirects only to
allowed URLs, and the connected peer's address checked before a byte is sent.

http.client on a socket og connects itself (no proxies from the environment, no retries);
a timer shuts the socket at the deadline, so a server that trickles bytes cannot hold a
worker longer than ``total_s``.
"""

from __future__ import annotations

import dataclasses
import http.client
import socket
import ssl
import threading
import time
import typing as t
import urllib.parse

from ..errors import ImageUnavailable
from .policy import Target
from .policy import public_address

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ACCEPT = "image/png,image/jpeg,image/webp,image/gif;q=0.9"
_CHUNK = 64 << 10


@dataclasses.dataclass(frozen=True)
class Limits:
    connect_s: float = 2.0
    total_s: float = 4.0
    max_bytes: int = 8 << 20
    max_redirects: int = 3


class _Connection(http.client.HTTPConnection):
    """An HTTP(S) connection that refuses a private peer before TLS or the request."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self.target = target
        #: The TCP socket, kept apart: http.client lets go of ``sock`` once a response will close it.
        self.tcp: socket.socket | None = None

    def connect(self) -> None:
        sock = self.tcp = socket.create_connection((self.target.host, self.target.port), self.timeout)
        try:
            peer = str(sock.getpeername()[0])
            if self.target.check_peer and not public_address(peer):
                raise ImageUnavailable(f"image host {self.target.host!r} is at a non-public address")
            if self.target.scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.target.host)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


def get(url: str, target_for: t.Callable[[str], Target], limits: Limits) -> bytes:
    """The body of ``url`` after at most ``limits.max_redirects`` allowed redirects.

    :param target_for: the policy's check, applied to the first URL and to every redirect.
    :raises ImageUnavailable: on a timeout, an HTTP error, a body over the cap, a refused peer.
    :raises BadParameter: when a redirect leads outside the allow-list.
    """
    deadline = time.monotonic() + limits.total_s
    for _ in range(limits.max_redirects + 1):
        target = target_for(url)
        status, location, body = _get_once(target, deadline, limits)
        if status in _REDIRECTS and location:
            url = urllib.parse.urljoin(url, location)
            continue
        if status != 200:
            raise ImageUnavailable(f"the image URL answered HTTP {status}", upstream_status=status)
        return body
    raise ImageUnavailable(f"the image URL redirected more than {limits.max_redirects} times")


def _get_once(target: Target, deadline: float, limits: Limits) -> tuple[int, str, bytes]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise ImageUnavailable("fetching the image took too long")
    connection = _Connection(target, min(limits.connect_s, remaining))
    timer = threading.Timer(remaining, _shut, (connection,))
    timer.daemon = True
    timer.start()
    try:
        connection.connect()
        connection.sock.settimeout(max(0.01, deadline - time.monotonic()))
        connection.request("GET", target.path, headers={"Accept": _ACCEPT, "User-Agent": "og-image-fetch",
                                                        "Accept-Encoding": "identity"})
        response = connection.getresponse()
        if response.status != 200:
            return response.status, response.getheader("Location") or "", b""
        declared = response.getheader("Content-Length") or ""
        if declared.isdigit() and int(declared) > limits.max_bytes:
            raise ImageUnavailable(f"the image is larger than {limits.max_bytes} bytes")
        body = _read_capped(response, limits.max_bytes)
        if time.monotonic() >= deadline:  # the timer shut the socket: what came is cut short
            raise TimeoutError
        if declared.isdigit() and len(body) != int(declared):
            raise ImageUnavailable("the image URL closed the connection before the whole image came")
        return 200, "", body
    except (OSError, http.client.HTTPException, ValueError) as error:  # ValueError: a non-ASCII path
        late = time.monotonic() >= deadline or isinstance(error, TimeoutError)
        reason = "took too long" if late else f"failed ({type(error).__name__})"
        raise ImageUnavailable(f"fetching the image {reason}") from None
    finally:
        timer.cancel()
        connection.close()
        if connection.tcp is not None:
            connection.tcp.close()


def _read_capped(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise ImageUnavailable(f"the image is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _shut(connection: _Connection) -> None:
    """At the deadline: wake the blocked read (it fails, and :func:`get` says it took too long)."""
    sock = connection.tcp
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
