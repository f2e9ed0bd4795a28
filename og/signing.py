"""Signed card URLs: only someone holding ``OG_SECRET`` can make og render a new card.

Without signing, anyone can ask og for any text on a card with the site's branding, and make
it render (CPU) as often as they like. A signed URL carries ``s``, an HMAC of the path and the
query, and optionally ``exp`` (unix seconds, covered by ``s``) after which it is refused.

Choices, and where they differ from thumbor's signer (``libthumbor/url_signers/``):

- HMAC-SHA256, not SHA-1. HMAC-SHA1 is not broken as a MAC, but SHA-1 is deprecated everywhere
  (FIPS, browsers) and SHA-256 costs the same here; there is no reason to start on it.
- ``hmac.compare_digest``, not ``==``: libthumbor's ``validate`` compares with ``==``, which
  stops at the first differing character, so response times can leak how much of a guessed
  signature is right.
- The signature is the first 128 bits, URL-safe base64 without padding: 22 characters that never
  need percent-encoding (hex would be 32). 128 bits is the usual MAC length (an online forger needs
  2**128 tries). The signature is compared as text, so the 4 unused bits of the last character
  cannot give one signature several spellings.
- What is signed is a canonical form of the *decoded* path and query: every name and value is
  percent-encoded again one fixed way and the pairs are sorted, so ``%41`` and ``A``, ``+`` and
  ``%20``, or another parameter order give the same signature, while every name, value, duplicate,
  addition and removal changes it. The scheme and host are not signed (a CDN or proxy may change
  them); the path is the one the app sees, so a mount prefix in the base URL is not signed either.
- Several keys, for rotation: the first signs, all verify (``OG_SECRET=new,old``).

>>> keys = (b"0123456789abcdef-example",)
>>> url = sign_url("/article.png?title=Hello", keys)
>>> url
'/article.png?title=Hello&s=jTm_wG8vtuE2RWjHhh03TQ'
>>> verify("/article.png", [("title", "Hello"), ("s", url[-22:])], keys, now=0)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import typing as t
import urllib.parse

from .errors import BadSignature
from .errors import SignatureExpired

#: The query parameter holding the signature.
SIGNATURE = "s"
#: The query parameter holding the expiry, in unix seconds; signed like any other.
EXPIRES = "exp"
#: Names the route must drop before handing the query to the renderer.
SIGNING_PARAMS = frozenset({SIGNATURE, EXPIRES})
#: Where the keys come from: comma-separated, the first signs, all verify.
SECRET_VARIABLE = "OG_SECRET"
#: Shortest key accepted: a short key can be guessed offline from one signed URL.
MIN_KEY_LENGTH = 16
#: Bytes of the HMAC kept in the URL (128 bits).
SIGNATURE_BYTES = 16

Pairs = t.Iterable[tuple[str, str]]


def _quote(text: str, safe: str = "") -> str:
    return urllib.parse.quote(text, safe=safe)


def _query(pairs: Pairs) -> str:
    """The pairs, each percent-encoded one fixed way, sorted, without the signature."""
    return "&".join(sorted(f"{_quote(name)}={_quote(value)}" for name, value in pairs if name != SIGNATURE))


def canonical(path: str, query_pairs: Pairs) -> bytes:
    """What the HMAC covers: the decoded ``path`` and ``query_pairs`` (as Werkzeug's
    ``request.path`` and ``request.args.items(multi=True)`` give them) spelled one way.

    >>> canonical("/a b.png", [("t", "x&y"), ("a", "+")])
    b'/a%20b.png?a=%2B&t=x%26y'
    """
    return f"{_quote(path, safe='/')}?{_query(query_pairs)}".encode("ascii")


def _signature(key: bytes, message: bytes) -> str:
    digest = hmac.new(key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def keys_from_env(value: str | None) -> tuple[bytes, ...]:
    """The keys in an ``OG_SECRET`` value: comma-separated, blanks ignored; ``()`` when unset.

    :raises ValueError: a key is shorter than :data:`MIN_KEY_LENGTH` (the key is not shown).
    """
    keys = tuple(part.strip().encode("utf-8") for part in (value or "").split(",") if part.strip())
    for number, key in enumerate(keys, 1):
        if len(key) < MIN_KEY_LENGTH:
            raise ValueError(f"{SECRET_VARIABLE}: key {number} is shorter than {MIN_KEY_LENGTH} bytes")
    return keys


def sign_url(path_and_query: str, keys: t.Sequence[bytes], expires: int | None = None) -> str:
    """``path_and_query`` (a scheme and host are kept, unsigned) with ``s`` added, signed with
    the first key; the query comes back in canonical order and spelling. An ``s`` already there is
    replaced.

    :param expires: unix time after which the URL is refused (an absolute time, not a duration,
        so one card keeps one URL and stays cached); written as ``exp``.
    :raises ValueError: no key; ``expires`` given while the URL has ``exp``; a percent-escape that
        is not UTF-8.
    """
    if not keys:
        raise ValueError(f"signing needs a key ({SECRET_VARIABLE} is empty)")
    parts = urllib.parse.urlsplit(path_and_query)
    path = urllib.parse.unquote(parts.path, errors="strict") or "/"
    pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True, errors="strict")
    if expires is not None:
        if any(name == EXPIRES for name, _ in pairs):
            raise ValueError(f"the URL already has {EXPIRES}=; give the expiry once")
        pairs.append((EXPIRES, str(int(expires))))
    query = _query(pairs)
    signature = _signature(keys[0], canonical(path, pairs))
    origin = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return f"{origin}{_quote(path, safe='/')}?{query}{'&' if query else ''}{SIGNATURE}={signature}"


def verify(path: str, query_pairs: Pairs, keys: t.Sequence[bytes], now: float) -> None:
    """Check a request's signature against every key, then its expiry; return quietly if good.

    The signature is checked first, so a forged ``exp`` reads as a bad signature, and every key
    is compared (``hmac.compare_digest``) even after one matched. No keys: nothing verifies.

    :param now: the current unix time (a parameter, so this stays pure and testable).
    :raises BadSignature: no ``s``, more than one, or none of the keys made it.
    :raises SignatureExpired: signed, but ``now`` is past its ``exp``.
    """
    pairs = list(query_pairs)
    given = [value for name, value in pairs if name == SIGNATURE]
    if len(given) != 1:
        raise BadSignature("this URL is not signed" if not given else "this URL has more than one signature")
    message = canonical(path, pairs)
    offered = given[0].encode("utf-8")
    matches = [hmac.compare_digest(offered, _signature(key, message).encode("ascii")) for key in keys]
    if not any(matches):
        raise BadSignature("this URL's signature does not match; it was changed or signed with another key")
    expiry = [value for name, value in pairs if name == EXPIRES]
    if not expiry:
        return
    if len(expiry) > 1 or not re.fullmatch(r"[0-9]{1,12}", expiry[0]):
        raise BadSignature(f"this URL's {EXPIRES} must be one whole number of unix seconds")
    expires_at = int(expiry[0])
    if now >= expires_at:
        raise SignatureExpired("this URL has expired; ask the site for a fresh one", expired_at=expires_at)


def _keys(secret: str | bytes | t.Sequence[bytes] | None) -> tuple[bytes, ...]:
    if secret is None:
        return keys_from_env(os.environ.get(SECRET_VARIABLE))
    if isinstance(secret, str):
        return keys_from_env(secret)
    if isinstance(secret, bytes):
        return (secret,)
    return tuple(secret)


def image_url(name: str, fmt: str = "png", /, *, base: str = "",
              secret: str | bytes | t.Sequence[bytes] | None = None, expires: int | None = None,
              **params: str) -> str:
    """The URL of a card, ``{base}/{name}.{fmt}?{params}``, signed when there is a key.

    Values are percent-encoded (spaces, ``&``, ``#``, ``+``, line feeds, any Unicode), so what
    the template receives is exactly ``params``. ``name`` and ``fmt`` are positional-only, so a
    template may have parameters called ``name`` or ``fmt``.

    :param base: put in front as is, e.g. ``"https://og.example.com"`` (not signed).
    :param secret: the keys (a str is read like ``OG_SECRET``); ``None``: ``OG_SECRET`` if set,
        else the URL is not signed.
    :param expires: unix time after which the URL is refused; needs a key.
    :raises ValueError: a parameter is called ``s`` or ``exp`` (use ``expires``), or ``expires``
        without a key.

    >>> image_url("article", title="Tom & Jerry #1", secret=())
    '/article.png?title=Tom%20%26%20Jerry%20%231'
    """
    reserved = SIGNING_PARAMS.intersection(params)
    if reserved:
        raise ValueError(f"parameter names {sorted(reserved)} are reserved for signing")
    query = _query(params.items())
    url = f"/{_quote(name)}.{_quote(fmt)}{'?' if query else ''}{query}"
    keys = _keys(secret)
    if keys:
        url = sign_url(url, keys, expires)
    elif expires is not None:
        raise ValueError(f"expires needs a key: pass secret= or set {SECRET_VARIABLE}")
    return base.rstrip("/") + url
