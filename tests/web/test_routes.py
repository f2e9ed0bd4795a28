"""The HTTP contract: formats, listing, errors as JSON, and hostile query strings."""

from __future__ import annotations

import io
import json
import urllib.parse

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from tests.helpers import SVG_NS
from tests.helpers import strings

FIXTURE_SIZES = {"card": (1200, 630), "flowroot": (1200, 630), "inline": (800, 418),
                 "narrow": (1200, 630), "balance": (1200, 630), "typography": (1200, 630)}


@pytest.mark.parametrize("name", sorted(FIXTURE_SIZES))
def test_png_has_the_template_size(client, name):
    response = client.get(f"/{name}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    image.load()
    assert image.format == "PNG"
    assert image.size == FIXTURE_SIZES[name]


@pytest.mark.parametrize("name", sorted(FIXTURE_SIZES))
def test_svg_has_glyph_paths_and_no_text(client, name):
    response = client.get(f"/{name}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = etree.fromstring(response.data)
    assert root.findall(f".//{{{SVG_NS}}}text") == []
    assert root.findall(f".//{{{SVG_NS}}}flowRoot") == []
    assert root.findall(f".//{{{SVG_NS}}}path"), "text should be drawn as <path>s"


def test_json_report_shape(client):
    response = client.get("/card.json", query_string={"title": "Hello report"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    report = response.get_json()
    assert report["template"] == "card"
    assert (report["width"], report["height"]) == (1200, 630)
    assert report["params"]["title"] == "Hello report"
    assert report["missing"] == []
    assert report["texts"]
    for item in report["texts"]:
        assert set(item["box"]) == {"x", "y", "width", "height"}
        for key in ("font_size", "shrunk", "truncated", "missing", "lines"):
            assert key in item
        for line in item["lines"]:
            for key in ("text", "x", "width", "top", "bottom", "baseline", "direction", "runs"):
                assert key in line
            for run in line["runs"]:
                assert {"font", "direction", "script", "text"} <= set(run)
    title = next(item for item in report["texts"] if item["id"] == "title")
    assert [line["text"] for line in title["lines"]] == ["Hello report"]


def test_templates_lists_fixtures_with_params(client):
    response = client.get("/templates")
    assert response.status_code == 200
    listed = {item["name"]: item for item in response.get_json()["templates"]}
    assert set(listed) == set(FIXTURE_SIZES)
    card = listed["card"]
    assert (card["width"], card["height"]) == (1200, 630)
    params = {param["name"]: param for param in card["params"]}
    assert set(params) == {"title", "tagline", "author", "tag", "date"}
    assert params["title"] == {"name": "title", "type": "text", "default": "A fixture title for og tests",
                               "max_length": 400}
    assert params["author"]["default"] == "Jane Doe"
    assert params["author"]["max_length"] == 500  # Settings.max_length, no og:max-length


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200


def test_etag_gives_304(client):
    first = client.get("/card.png")
    again = client.get("/card.png", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def _error(response, status):
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body.get("message"), str) and body["message"]
    return body


def test_unknown_template_is_404_json(client):
    _error(client.get("/no-such-template.png"), 404)


def test_unknown_parameter_names_the_accepted_ones(client):
    body = _error(client.get("/card.png?colour=red"), 400)
    assert "colour" in body["message"]
    for accepted in ("title", "author", "date", "tag", "tagline"):
        assert accepted in body["message"]


def test_too_long_value_is_400(client):
    body = _error(client.get("/card.png", query_string={"title": "x" * 401}), 400)
    assert "400" in body["message"]


def test_value_at_the_limit_renders(client):
    assert client.get("/card.json", query_string={"title": "x" * 400}).status_code == 200


def test_repeated_parameter_is_400(client):
    body = _error(client.get("/card.png?title=a&title=b"), 400)
    assert "title" in body["message"]


@pytest.mark.parametrize("url", ["/card.gif", "/card.bmp", "/card.PNG", "/card.", "/card.png.svg"])
def test_unknown_extension_is_404(client, url):
    _error(client.get(url), 404)


@pytest.mark.parametrize("url", [
    "/../card.png",
    "/..%2Fcard.png",
    "/%2e%2e%2fcard.png",
    "/%2e%2e.png",
    "/..%5Ccard.png",
    "/.card.png",
    "/card%00.png",
    "/%2Fetc%2Fpasswd.png",
    "/data%2Ftemplates%2Fcard.png",
    "/" + "a" * 300 + ".png",
])
def test_path_traversal_names_are_404(client, url):
    _error(client.get(url), 404)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_get_json_errors(client, method):
    response = getattr(client, method)("/card.png")
    assert 400 <= response.status_code < 500
    assert response.get_json()["message"]


ESCAPE_VALUE = "<b>&\"'</text>{{7*7}}"


def test_markup_in_a_value_is_text(client):
    report = client.get("/card.json", query_string={"title": ESCAPE_VALUE}).get_json()
    title = next(item for item in report["texts"] if item["id"] == "title")
    assert [line["text"] for line in title["lines"]] == [ESCAPE_VALUE]
    assert not [s for s in strings(report) if "49" in s]


def test_markup_in_a_value_keeps_the_svg_well_formed(client):
    response = client.get("/card.svg", query_string={"title": ESCAPE_VALUE})
    assert response.status_code == 200
    root = etree.fromstring(response.data)  # raises if not well-formed
    assert root.findall(f".//{{{SVG_NS}}}b") == []
    assert "49" not in "".join(root.itertext())
    assert client.get("/card.png", query_string={"title": ESCAPE_VALUE}).status_code == 200


HOSTILE_QUERIES = [
    "title=a%00b",
    "title=%00%01%02%1f%7f",
    "title=%ED%A0%80",  # a lone surrogate, UTF-8 encoded
    "title=%ED%A0%80%ED%B0%80",
    "title=%FF%FE%FD",  # not UTF-8 at all
    "title=%C0%AF",  # overlong '/'
    "title=" + "x" * 10_000,
    "title=" + "%E2%80%AE" + "evil%20override",  # U+202E RIGHT-TO-LEFT OVERRIDE
    "title=%E2%80%AE%E2%80%AD%E2%81%A6%E2%81%A9%E2%80%8F%E2%80%8E",
    "title=e" + "%CC%81" * 399,  # one cluster, 399 combining acute accents
    "title=" + "%CC%81" * 300,  # marks with no base
    "title=" + "%E2%80%8D" * 300,  # ZWJ flood
    "title=" + "%F0%9F%91%A9%E2%80%8D" * 60,  # dangling ZWJ sequences
    "title=%EF%BF%BE%EF%BF%BF",  # non-characters
    "title=" + "%F4%8F%BF%BF" * 50,  # U+10FFFF
    "title=" + "%0A" * 200,  # only line feeds
    "title=" + "%20" * 400,
    "title=" + "%E2%80%A8%E2%80%A9" * 50,
    "title=]]%3E%3C!--%20--%3E%3C!%5BCDATA%5B",
    "title=%26amp%3B%26%23x0%3B%26%2365535%3B",
    "title={%25%20raw%20%25}{%25%20endraw%20%25}",
    "title={{config}}{{''.__class__}}",
    "=nameless",
    "title",
    "&&&&",
    "%FF=1",
    "%00=1",
    "title=a&title=b&title=c",
    "a=" + "b" * 5000,
    "title=" + "%F0%9F%87%AF" * 100,  # unpaired regional indicators
    "title=" + "%EF%B7%BA" * 50,  # U+FDFA, a very wide Arabic ligature
    "title=" + "%E0%B8%81%E0%B8%B1%E0%B8%B5%E0%B8%B4" * 50,  # stacked Thai marks
]


@pytest.mark.parametrize("fmt", ["json", "svg", "png"])
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_query_is_never_5xx(client, query, fmt):
    response = client.get(f"/card.{fmt}?{query}")
    assert response.status_code < 500, response.data[:300]
    if response.status_code >= 400:
        assert response.get_json()["message"]


_query_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    pairs=st.lists(st.tuples(st.sampled_from(["title", "author", "date", "tag", "tagline", "x"]) | _query_text,
                             _query_text | st.binary(max_size=60).map(lambda b: b.decode("latin-1"))),
                   max_size=4),
    raw=st.binary(max_size=40),
    fmt=st.sampled_from(["json", "json", "svg", "png"]),
)
def test_fuzzed_query_is_never_5xx(client, pairs, raw, fmt):
    query = urllib.parse.urlencode(pairs, errors="surrogatepass")
    if raw:
        query += "&" + urllib.parse.quote_from_bytes(raw, safe="=&")
    response = client.get(f"/card.{fmt}?{query}")
    assert response.status_code < 500, (query, response.data[:300])
    if response.status_code >= 400:
        assert json.loads(response.data)["message"]
