"""The two values the core trades in: :class:`Request` (what an adapter read off the wire) and
:class:`Answer` (what it writes back), and the header and query parsing every adapter would
otherwise do its own way (which is how the Django view came to match ``If-None-Match`` by
substring)."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import typing as t
import urllib.parse

from ..formats import CONTENT_TYPES

Headers = list[tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class Request:
    """One request as og sees it below its mount point.

    :param path: decoded, below the mount (``/article.png`` whether og is served at ``/`` or at
        ``/og/``): routes match it and signatures cover it, so moving the mount breaks no URL.
    :param query: the raw query string (bytes as sent); :attr:`pairs` parses it one way for all.
    :param headers: names in lower case; a repeated header's values joined with ``", "``.
    :param root_url: scheme, host and mount (``https://site.example/og/``), for absolute URLs.
    """

    method: str
    path: str
    query: bytes = b""
    headers: t.Mapping[str, str] = dataclasses.field(default_factory=dict)
    root_url: str = "http://localhost/"

    @classmethod
    def make(cls, method: str, path: str, query: bytes | str, headers: t.Iterable[tuple[str, str]],
             root_url: str) -> Request:
        """From an adapter's parts: header names folded to lower case, repeats joined."""
        folded: dict[str, str] = {}
        for name, value in headers:
            key = name.lower()
            folded[key] = f"{folded[key]}, {value}" if key in folded else value
        raw = query.encode("latin-1") if isinstance(query, str) else query
        return cls(method.upper(), path or "/", raw, folded, root_url)

    @functools.cached_property
    def pairs(self) -> list[tuple[str, str]]:
        """The query's (name, value) pairs in order, UTF-8, blanks kept, bad bytes as U+FFFD."""
        escaped = re.sub(rb"[^\x21-\x7e]", lambda m: b"%%%02X" % m.group()[0], self.query)
        return urllib.parse.parse_qsl(escaped.decode("ascii"), keep_blank_values=True, errors="replace")

    def arg(self, name: str) -> str | None:
        """The first value of ``name`` in the query, ``None`` when it is not there."""
        return next((value for key, value in self.pairs if key == name), None)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclasses.dataclass
class Answer:
    """Status, headers in order, and either ``body`` or ``stream`` (chunks written as they come:
    the studio's event stream). ``Content-Length`` is in ``headers`` when the length is known."""

    status: int
    headers: Headers = dataclasses.field(default_factory=list)
    body: bytes = b""
    stream: t.Iterator[bytes] | None = None

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key.lower() == name.lower()), None)

    def set(self, name: str, value: str) -> None:
        """Set ``name`` once (replacing any earlier value)."""
        self.headers = [(key, old) for key, old in self.headers if key.lower() != name.lower()]
        self.headers.append((name, value))


def answer(status: int, body: bytes, content_type: str | None, headers: Headers | None = None) -> Answer:
    """An answer with its body's type and length."""
    given = [("Content-Type", content_type)] if content_type else []
    return Answer(status, [*given, ("Content-Length", str(len(body))), *(headers or [])], body)


def json_answer(data: t.Any, status: int = 200, headers: Headers | None = None) -> Answer:
    """JSON as og has always written it: compact, keys in their order, UTF-8, a final newline."""
    body = (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return answer(status, body, CONTENT_TYPES["json"], headers)


def accept_quality(accept: str, mimetype: str) -> float:
    """How much an ``Accept`` header wants ``mimetype``: the best ``q`` among the entries that
    match it (``image/png``, ``image/*``, ``*/*``); no header accepts everything.

    >>> accept_quality("image/avif,image/*,*/*;q=0.8", "image/png"), accept_quality("", "a/b")
    (1.0, 1.0)
    >>> accept_quality("image/avif,image/*,*/*;q=0.8", "application/json")
    0.8
    """
    if not accept.strip():
        return 1.0
    kind, _, _ = mimetype.partition("/")
    best = 0.0
    for item in accept.split(","):
        pattern, *options = (part.strip() for part in item.split(";"))
        if pattern.lower() not in (mimetype, f"{kind}/*", "*/*"):
            continue
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110 asks for
    this header; ``*`` matches any), read as a list of quoted tags, never as a substring.

    >>> etag_matches('W/"abc", "def"', "abc"), etag_matches('"abcd"', "abc"), etag_matches("*", "x")
    (True, False, True)
    """
    tags = re.findall(r'(?:W/)?"([^"]*)"|(\*)', if_none_match)
    return any(star or tag == etag for tag, star in tags)
