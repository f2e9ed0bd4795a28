"""Which URLs og may fetch images from, and which addresses it may connect to.

``OG_IMAGE_HOSTS`` lists exact hosts (``cdn.example.com``) or subdomains (``*.example.com``),
fetched over https only; an entry written as an origin (``http://127.0.0.1:8123``) allows exactly
that scheme, host and port, loopback included (tests, a local asset server). Anything else,
including an IP address spelled in any of the ways ``inet_aton`` accepts, is refused, and for a
host entry the address actually connected to must be public: checked on the socket, so a name
that resolves differently the second time (DNS rebinding) gains nothing.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import urllib.parse

from ..errors import BadParameter

#: A host name, or an IPv6 literal without its brackets; nothing else (no ``%`` zones, no ``\\``).
_HOST = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$|^[0-9a-f:.]+$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclasses.dataclass(frozen=True)
class Target:
    """One URL og has agreed to fetch: where to connect and whether to check the peer."""

    url: str
    scheme: str
    host: str  # without brackets for IPv6
    port: int
    path: str  # path and query, as sent in the request line
    check_peer: bool  # False only for an origin the operator allowed explicitly


def public_address(address: str) -> bool:
    """Whether og may connect to ``address`` (what ``getpeername`` says).

    >>> [public_address(a) for a in ("93.184.216.34", "127.0.0.1", "::ffff:10.0.0.1", "::1", "0.0.0.0")]
    [True, False, False, False, False]
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            ip = embedded
        elif ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 of an IPv4 address
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                                 or ip.is_reserved or ip.is_unspecified)


def literal_address(host: str) -> str | None:
    """The address a host written as an IP means, in any spelling (``2130706433``, ``0x7f.1``,
    ``0177.0.0.1``, ``127.1``, ``[::1]``), or None for a name.

    >>> literal_address("2130706433"), literal_address("0x7f000001"), literal_address("example.com")
    ('127.0.0.1', '127.0.0.1', None)
    """
    host = host.strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


class HostPolicy:
    """The parsed ``OG_IMAGE_HOSTS``: :meth:`target` turns a URL into a :class:`Target` or refuses it."""

    def __init__(self, setting: str) -> None:
        self.hosts: set[str] = set()
        self.suffixes: list[str] = []
        self.origins: set[tuple[str, str, int]] = set()
        for entry in (part.strip().lower() for part in setting.split(",")):
            if not entry:
                continue
            if "://" in entry:
                parts = urllib.parse.urlsplit(entry)
                if parts.scheme in _DEFAULT_PORTS and parts.hostname:
                    self.origins.add((parts.scheme, parts.hostname,
                                      parts.port or _DEFAULT_PORTS[parts.scheme]))
            elif entry.startswith("*."):
                self.suffixes.append(entry[1:])
            else:
                self.hosts.add(entry)

    @property
    def enabled(self) -> bool:
        return bool(self.hosts or self.suffixes or self.origins)

    def target(self, url: str, parameter: str = "") -> Target:
        """The fetch ``url`` allows; :class:`BadParameter` (400) when it is not allowed."""
        if not self.enabled:
            raise BadParameter("remote images are switched off: the operator has not set OG_IMAGE_HOSTS",
                               parameter=parameter)
        try:
            parts = urllib.parse.urlsplit(url)
            port = parts.port
        except ValueError:
            raise BadParameter(f"parameter {parameter!r} is not a valid URL", parameter=parameter) from None
        host = parts.hostname or ""
        if parts.username is not None or parts.password is not None or not _HOST.match(host):
            raise BadParameter(f"parameter {parameter!r}: the URL's host is not allowed", parameter=parameter)
        scheme = parts.scheme.lower()
        port = port or _DEFAULT_PORTS.get(scheme, 0)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if (scheme, host, port) in self.origins:
            return Target(url, scheme, host, port, path, check_peer=False)
        named = host in self.hosts or any(host.endswith(suffix) for suffix in self.suffixes)
        if scheme != "https" or not named:
            raise BadParameter(f"parameter {parameter!r}: images are fetched only over https from "
                               "the hosts in OG_IMAGE_HOSTS", parameter=parameter)
        literal = literal_address(host)
        if literal is not None and not public_address(literal):
            raise BadParameter(f"parameter {parameter!r}: {host!r} is not a public address",
                               parameter=parameter)
        return Target(url, scheme, host, port, path, check_peer=True)
