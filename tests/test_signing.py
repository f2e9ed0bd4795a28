"""Signed URLs (og.signing), checked the way the route will see a request: each URL goes through
Werkzeug's own parsing (``request.path``, ``request.args``) before :func:`og.signing.verify`."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import typing as t
import urllib.parse

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import og
from og import cli
from og import signing
from og.errors import BadSignature
from og.errors import SignatureExpired
from tests.conftest import ROOT

NEW = b"new-key-0123456789abcdef"
OLD = b"old-key-0123456789abcdef"
KEYS = (NEW,)
NOW = 1_800_000_000


def request_of(url: str) -> Request:
    """The request Flask would build for ``url`` (scheme and host dropped, as in a route)."""
    parts = urllib.parse.urlsplit(url)
    return Request(EnvironBuilder(path=parts.path, query_string=parts.query).get_environ())


def check(url: str, keys: t.Sequence[bytes] = KEYS, now: float = NOW) -> None:
    request = request_of(url)
    signing.verify(request.path, request.args.items(multi=True), keys, now)


def signature_of(url: str) -> str:
    return request_of(url).args["s"]


SIGNED = signing.sign_url("/article.png?title=Hello%20world&author=Jane", KEYS, expires=NOW + 60)
SIG = signature_of(SIGNED)


def test_round_trip_and_the_shape_of_the_signature() -> None:
    assert SIGNED == f"/article.png?author=Jane&exp={NOW + 60}&title=Hello%20world&s={SIG}"
    check(SIGNED)
    assert len(SIG) == 22 and len(base64.urlsafe_b64decode(SIG + "==")) == 16


def test_scheme_and_host_are_kept_and_not_signed() -> None:
    url = signing.sign_url("https://og.example.com/article.png?title=Hi", KEYS)
    assert url.startswith("https://og.example.com/article.png?title=Hi&s=")
    check(url)
    check(url.replace("og.example.com", "cdn.example.net"))
    assert signing.sign_url("//og.example.com/a.png", KEYS).startswith("//og.example.com/a.png?s=")
    no_path = signing.sign_url("https://og.example.com?title=Hi", KEYS)
    assert no_path.startswith("https://og.example.com/?title=Hi&s=")
    check(no_path)


def _with_signature(value: str) -> str:
    return SIGNED.replace(f"s={SIG}", f"s={value}")


def _flip(char: str) -> str:
    return "A" if char != "A" else "B"


TAMPERED = {
    "path": SIGNED.replace("/article.png", "/x/article.png"),
    "name": SIGNED.replace("/article.png", "/articles.png"),
    "format": SIGNED.replace(".png", ".svg"),
    "name of title": SIGNED.replace("title=", "titles="),
    "name of author": SIGNED.replace("author=", "Author="),
    "value of title": SIGNED.replace("Hello%20world", "Hello%20World"),
    "value of author": SIGNED.replace("Jane", "Jane%20"),
    "value emptied": SIGNED.replace("=Jane", "="),
    "exp": SIGNED.replace(f"exp={NOW + 60}", f"exp={NOW + 61}"),
    "exp removed": SIGNED.replace(f"exp={NOW + 60}&", ""),
    "param added": SIGNED + "&theme=dark",
    "empty param added": SIGNED + "&theme",
    "param removed": SIGNED.replace("author=Jane&", ""),
    "param duplicated": SIGNED + "&author=Jane",
    "value moved to another name": SIGNED.replace("author=Jane", "author=").replace("world", "worldJane"),
    "signature: a changed character": _with_signature(_flip(SIG[0]) + SIG[1:]),
    "signature: last character changed": _with_signature(SIG[:-1] + _flip(SIG[-1])),
    "signature: cut": _with_signature(SIG[:-1]),
    "signature: cut to 64 bits": _with_signature(SIG[:11]),
    "signature: empty": _with_signature(""),
    "signature: one character too many": _with_signature(SIG + "A"),
    "signature: padded": _with_signature(SIG + "%3D%3D"),
    "signature: wrong alphabet": _with_signature("%21" * 22),
    "signature: non-ASCII": _with_signature("%C3%A9" * 22),
    "signature: the same bytes in hex": _with_signature(base64.urlsafe_b64decode(SIG + "==").hex()),
    "signature: removed": SIGNED.replace(f"&s={SIG}", ""),
    "signature: given twice": SIGNED + f"&s={SIG}",
    "signature: name changed": SIGNED.replace("&s=", "&S="),
}


@pytest.mark.parametrize("url", TAMPERED.values(), ids=TAMPERED.keys())
def test_every_tampered_part_is_refused(url: str) -> None:
    assert url != SIGNED
    with pytest.raises(BadSignature) as caught:
        check(url)
    assert type(caught.value) is BadSignature  # not "expired": a forged exp is a bad signature
    assert caught.value.status == 403 and caught.value.code == "bad_signature"


def test_a_non_canonical_spelling_of_the_same_signature_bytes_is_refused() -> None:
    """22 base64 characters hold 132 bits and the MAC has 128: the last character's low bits are
    free, so decoding before comparing would accept several spellings of one signature."""
    last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    twin = SIG[:-1] + last[last.index(SIG[-1]) ^ 1]
    assert base64.urlsafe_b64decode(twin + "==") == base64.urlsafe_b64decode(SIG + "==")
    with pytest.raises(BadSignature):
        check(_with_signature(twin))


def test_the_error_is_safe_to_show() -> None:
    with pytest.raises(BadSignature) as caught:
        check(TAMPERED["value of title"])
    body = caught.value.to_dict()
    assert body["error"] == "bad_signature" and "signature" in str(body["message"])
    right = signature_of(signing.sign_url(TAMPERED["value of title"], KEYS))
    assert right not in str(body) and NEW.decode() not in str(body)


SPELLINGS = [
    ("/article.png?title=A+b", "/article.png?title=A%20b"),
    ("/%61rticle.png?t=%41", "/article.png?t=A"),
    ("/article.png?b=2&a=1&c=", "/article.png?c&a=1&b=2"),
    ("/article.png?t=%c3%a9", "/article.png?t=%C3%A9"),
    ("/article.png?t=%C3%A9", "/article.png?t=é"),
    ("/article.png?t=a&t=b", "/article.png?t=b&t=a"),
    ("/article.png?t=~-._", "/article.png?t=%7E%2D%2E%5F"),
]


@pytest.mark.parametrize(("one", "other"), SPELLINGS)
def test_two_spellings_of_one_url_sign_the_same(one: str, other: str) -> None:
    assert signing.sign_url(one, KEYS) == signing.sign_url(other, KEYS)
    check(_move_signature(signing.sign_url(one, KEYS), other))


def _move_signature(signed: str, onto: str) -> str:
    return f"{onto}{'&' if '?' in onto else '?'}s={signature_of(signed)}"


@pytest.mark.parametrize(("one", "other"), [
    ("/article.png?t=a+b", "/article.png?t=a%2Bb"),
    ("/article.png?t=a%26b=c", "/article.png?t=a&b=c"),
    ("/article.png?t=a%3Db", "/article.png?t%3Da=b"),
    ("/article.png?t=x", "/article.png?t=x&t=x"),
    ("/a%2Fb.png?t=x", "/a%252Fb.png?t=x"),
])
def test_different_urls_sign_differently(one: str, other: str) -> None:
    assert signature_of(signing.sign_url(one, KEYS)) != signature_of(signing.sign_url(other, KEYS))


def test_rotation_an_old_key_verifies_while_it_is_listed() -> None:
    by_old = signing.sign_url("/article.png?title=Hi", (OLD,))
    check(by_old, keys=(NEW, OLD))
    with pytest.raises(BadSignature):
        check(by_old, keys=(NEW,))


def test_rotation_the_first_key_signs() -> None:
    url = signing.sign_url("/article.png?title=Hi", (NEW, OLD))
    check(url, keys=(NEW,))
    with pytest.raises(BadSignature):
        check(url, keys=(OLD,))


def test_no_keys_verifies_nothing() -> None:
    with pytest.raises(BadSignature):
        check(SIGNED, keys=())
    with pytest.raises(ValueError, match="needs a key"):
        signing.sign_url("/article.png", ())


def test_expiry() -> None:
    check(SIGNED, now=NOW + 59.9)
    for later in (NOW + 60, NOW + 86400):
        with pytest.raises(SignatureExpired) as caught:
            check(SIGNED, now=later)
        assert caught.value.status == 403
        assert caught.value.to_dict() == {"error": "expired", "message": caught.value.message,
                                          "expired_at": NOW + 60}
    check(signing.sign_url("/article.png?title=Hi", KEYS), now=10**12)  # no exp: no expiry


@pytest.mark.parametrize("exp", ["soon", "+5", "1_800_000_000", "١٢٣", "", "-1", "1e9"])
def test_a_signed_exp_that_is_not_a_plain_number_is_refused(exp: str) -> None:
    url = signing.sign_url(f"/article.png?exp={urllib.parse.quote(exp)}", KEYS)
    with pytest.raises(BadSignature, match="whole number"):
        check(url, now=0)


def test_expiry_is_given_once() -> None:
    with pytest.raises(ValueError, match="once"):
        signing.sign_url(f"/article.png?exp={NOW}", KEYS, expires=NOW)


def test_every_key_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    real = signing.hmac.compare_digest
    calls: list[tuple[bytes, bytes]] = []

    def counting(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(signing.hmac, "compare_digest", counting)
    check(SIGNED, keys=(NEW, OLD))
    assert len(calls) == 2 and {a for a, _ in calls} == {SIG.encode()}
    # ... and its answer is the one that counts: no other comparison decides.
    monkeypatch.setattr(signing.hmac, "compare_digest", lambda a, b: True)
    check(TAMPERED["value of title"])


def test_keys_from_env() -> None:
    assert signing.keys_from_env(None) == ()
    assert signing.keys_from_env("") == ()
    assert signing.keys_from_env(f" {NEW.decode()} ,, {OLD.decode()} ,") == (NEW, OLD)
    with pytest.raises(ValueError, match="key 2 is shorter") as caught:
        signing.keys_from_env(f"{NEW.decode()},tooshort")
    assert "tooshort" not in str(caught.value)


HOSTILE = {
    "title": "Tom & Jerry = #1 + 50% off? ;x",
    "author": "Zoë 👩‍💻 مرحبا\nsecond line\r\n",
    "tag": "",
    "s p a c e": "a/b\\c",
    "name": "%41%20",
    "fmt": "<svg onload=x>",
}


def test_image_url_encodes_hostile_values_and_verifies() -> None:
    url = signing.image_url("article", base="https://og.example.com/", secret=KEYS, **HOSTILE)
    assert url.startswith("https://og.example.com/article.png?")
    assert not set(url) & set(" \n\r#<>\"") and url.count("?") == 1
    request = request_of(url)
    assert request.path == "/article.png"
    assert {k: v for k, v in request.args.items() if k != "s"} == HOSTILE
    check(url)


def test_image_url_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OG_SECRET", raising=False)
    assert signing.image_url("card", "svg", title="Hi") == "/card.svg?title=Hi"
    assert signing.image_url("card") == "/card.png"
    monkeypatch.setenv("OG_SECRET", f"{OLD.decode()},{NEW.decode()}")
    url = signing.image_url("card", "svg", title="Hi", expires=NOW + 5)
    check(url, keys=(OLD,))
    with pytest.raises(BadSignature):
        check(url, keys=(NEW,))
    assert signing.image_url("card", secret=NEW.decode()) == signing.image_url("card", secret=NEW)


def test_image_url_refuses_what_it_cannot_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OG_SECRET", raising=False)
    with pytest.raises(ValueError, match="expires needs a key"):
        signing.image_url("card", title="Hi", expires=NOW)
    for reserved in ("s", "exp"):
        with pytest.raises(ValueError, match="reserved"):
            signing.image_url("card", secret=KEYS, **{reserved: "1"})


#: Any name but those image_url keeps for itself.
TAKEN = {*signing.SIGNING_PARAMS, "base", "secret", "expires"}
PARAM_NAMES = st.text().filter(lambda name: name not in TAKEN)


@settings(deadline=None, max_examples=150)
@given(params=st.dictionaries(PARAM_NAMES, st.text(), max_size=6),
       name=st.from_regex(r"[a-z][a-z0-9_-]{0,20}", fullmatch=True),
       fmt=st.sampled_from(["png", "svg", "json"]))
def test_any_params_round_trip_through_image_url_and_verify(params: dict[str, str], name: str,
                                                            fmt: str) -> None:
    url = signing.image_url(name, fmt, secret=KEYS, expires=NOW + 1, **params)
    request = request_of(url)
    assert request.path == f"/{name}.{fmt}"
    pairs = request.args.items(multi=True)
    assert {k: v for k, v in pairs if k not in signing.SIGNING_PARAMS} == params
    check(url)
    with pytest.raises(SignatureExpired):
        check(url, now=NOW + 1)


def test_cli_sign_prints_a_url_that_verifies(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OG_SECRET", f"{NEW.decode()},{OLD.decode()}")
    assert cli.main(["sign", "/article.png?title=Hello%20world&author=Jane"]) == 0
    url = capsys.readouterr().out.strip()
    check(url, keys=(NEW,))
    assert cli.main(["sign", "/article.png?title=Hi", "--expires", "3600"]) == 0
    url = capsys.readouterr().out.strip()
    exp = int(request_of(url).args["exp"])
    check(url, now=exp - 1)
    with pytest.raises(SignatureExpired):
        check(url, now=exp)


def test_cli_sign_without_a_secret_says_so(tmp_path: t.Any) -> None:
    env = {k: v for k, v in os.environ.items() if k != "OG_SECRET"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "og", "sign", "/article.png?title=Hi"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0 and result.stdout == ""
    assert "OG_SECRET" in result.stderr and "Traceback" not in result.stderr
