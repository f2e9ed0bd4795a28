"""Templates: parameters from placeholders, checks, and reloading edited files."""

from __future__ import annotations

import os
import shutil

import pytest
from lxml import etree

import og
import og.web
from og.errors import TemplateError
from og.errors import TemplateNotFound
from og.template.load import check_structure
from og.template.store import TemplateStore
from tests.conftest import TEMPLATES
from tests.conftest import settings_for
from tests.helpers import report
from tests.helpers import text


def test_params_defaults_and_max_length():
    template = TemplateStore(TEMPLATES, max_length=123).get("card")
    assert {name: (p.default, p.max_length) for name, p in template.params.items()} == {
        "author": ("Jane Doe", 123),
        "date": ("May 2026", 123),
        "tag": ("#fixtures", 123),
        "tagline": ("Point text tagline", 123),
        "title": ("A fixture title for og tests", 400),
    }
    assert (template.width, template.height) == (1200, 630)


def test_size_from_width_and_height_without_viewbox():
    assert (TemplateStore(TEMPLATES).get("flowroot").width, TemplateStore(TEMPLATES).get("flowroot").height) \
        == (1200, 630)


@pytest.mark.parametrize("name", ["../card", "card/../card", "..", ".card", "card.svg", "", "a" * 65,
                                  "card\x00", "/etc/passwd", "CARD"])
def test_bad_names_are_not_found(name):
    with pytest.raises(TemplateNotFound):
        TemplateStore(TEMPLATES).get(name)


def test_symlink_out_of_the_folder_is_not_followed(tmp_templates, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(TEMPLATES / "card.svg", outside / "secret.svg")
    (tmp_templates / "escape.svg").symlink_to(outside / "secret.svg")
    with pytest.raises(TemplateNotFound):
        TemplateStore(tmp_templates).get("escape")


def _bump_mtime(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def _client(folder, fonts):
    renderer = og.Renderer(settings_for(folder), fonts=fonts)
    return og.web.create_app({"OG_RENDERER": renderer}).test_client()


def test_edited_default_is_used_without_restart(tmp_templates, fonts):
    client = _client(tmp_templates, fonts)
    first = client.get("/card.json").get_json()
    assert text(first, "author")["lines"][0]["text"] == "Jane Doe"
    path = tmp_templates / "card.svg"
    # Same length on purpose: only the mtime tells the store that the file changed.
    path.write_text(path.read_text(encoding="utf-8").replace("Jane Doe", "John Roe"), encoding="utf-8")
    _bump_mtime(path)
    second = client.get("/card.json").get_json()
    assert text(second, "author")["lines"][0]["text"] == "John Roe"
    assert client.get("/card.png").status_code == 200


def test_added_param_is_accepted_after_reload(tmp_templates, fonts):
    client = _client(tmp_templates, fonts)
    assert client.get("/card.json?subtitle=x").status_code == 400
    path = tmp_templates / "card.svg"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "{{ author | default(\"Jane Doe\") }}", "{{ author | default(\"Jane Doe\") }} · {{ subtitle }}"),
        encoding="utf-8")
    _bump_mtime(path)
    response = client.get("/card.json?subtitle=Extra")
    assert response.status_code == 200
    assert text(response.get_json(), "author")["lines"][0]["text"] == "Jane Doe · Extra"
    names = {p["name"] for t in client.get("/templates").get_json()["templates"] if t["name"] == "card"
             for p in t["params"]}
    assert "subtitle" in names


def test_new_template_appears_and_renders(tmp_templates, fonts):
    client = _client(tmp_templates, fonts)
    before = {t["name"] for t in client.get("/templates").get_json()["templates"]}
    assert "fresh" not in before
    shutil.copy(tmp_templates / "narrow.svg", tmp_templates / "fresh.svg")
    after = {t["name"] for t in client.get("/templates").get_json()["templates"]}
    assert after == before | {"fresh"}
    assert client.get("/fresh.png").status_code == 200
    assert text(client.get("/fresh.json?text=New").get_json(), "column")["lines"][0]["text"] == "New"


def test_deleted_template_is_404(tmp_templates, fonts):
    client = _client(tmp_templates, fonts)
    assert client.get("/narrow.json").status_code == 200
    (tmp_templates / "narrow.svg").unlink()
    assert client.get("/narrow.json").status_code == 404


BROKEN = {
    "bad-xml": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><text>{{ title }}</svg>",
    "attribute": ("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'>"
                  "<rect id='r' width='{{ w }}' height='5'/></svg>"),
    "bad-jinja": "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><text>{{ title </text></svg>",
    "no-size": "<svg xmlns='http://www.w3.org/2000/svg'><text x='1' y='1'>{{ title }}</text></svg>",
    "not-svg": "<html><body>{{ title }}</body></html>",
    "empty": "",
}

ENTITY_TEMPLATES = {
    "internal": ("<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY brand 'Acme'>]>"
                 "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='100'>"
                 "<text x='1' y='50'>&brand; {{ title }}</text></svg>"),
    "external": ("<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
                 "<svg xmlns='http://www.w3.org/2000/svg' width='100' height='100'>"
                 "<text x='1' y='50'>&x; {{ title }}</text></svg>"),
}


@pytest.mark.parametrize("kind", sorted(ENTITY_TEMPLATES))
def test_entity_reference_does_not_crash(tmp_templates, fonts, kind):
    (tmp_templates / "entity.svg").write_text(ENTITY_TEMPLATES[kind], encoding="utf-8")
    client = _client(tmp_templates, fonts)
    response = client.get("/entity.json?title=x")
    # Entities are refused when the template loads (Inkscape writes characters, not entities).
    assert (response.status_code, response.get_json().get("error")) == (500, "template_error")
    assert "root:" not in response.get_data(as_text=True)
    assert client.get("/card.png").status_code == 200


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_template_gives_json_error_and_others_still_work(tmp_templates, fonts, name):
    (tmp_templates / f"{name}.svg").write_text(BROKEN[name], encoding="utf-8")
    client = _client(tmp_templates, fonts)  # start-up must survive a broken file
    for fmt in ("png", "svg", "json"):
        response = client.get(f"/{name}.{fmt}")
        assert response.mimetype == "application/json"
        assert (response.status_code, response.get_json()["error"]) == (500, "template_error")
        body = response.get_json()
        assert body["message"] and "Traceback" not in body["message"]
        assert "root:" not in response.get_data(as_text=True)  # nothing of /etc/passwd
    listed = {t["name"] for t in client.get("/templates").get_json()["templates"]}
    assert name not in listed
    assert "card" in listed
    assert client.get("/card.png").status_code == 200


def test_placeholder_in_attribute_is_a_template_error():
    source = (TEMPLATES / "card.svg").read_text(encoding="utf-8").replace("fill:#6366f1", "fill:{{ colour }}")
    with pytest.raises(TemplateError) as info:
        check_structure(etree.fromstring(source.encode("utf-8")))
    assert "placeholder in attribute 'style'" in info.value.message
    assert "accent" in info.value.message  # the element's id, for the designer


def test_broken_edit_then_fix_recovers(tmp_templates, fonts):
    client = _client(tmp_templates, fonts)
    path = tmp_templates / "card.svg"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("</svg>", ""), encoding="utf-8")
    _bump_mtime(path)
    # Cut short (as while it is rewritten in place): the last good version keeps serving.
    assert client.get("/card.json").status_code == 200
    path.write_text(good.replace("<svg ", '<svg data-x="{{ x }}" ', 1), encoding="utf-8")
    _bump_mtime(path)
    assert client.get("/card.json").status_code == 500  # a whole file, broken: what was saved
    assert client.get("/flowroot.json").status_code == 200
    path.write_text(good, encoding="utf-8")
    _bump_mtime(path)
    _bump_mtime(path)
    assert client.get("/card.json").status_code == 200


def test_report_through_renderer_matches_template(renderer):
    rep = report(renderer, "card")
    assert rep["params"] == {name: p.default for name, p in renderer.templates.get("card").params.items()}


@pytest.mark.parametrize("content", [
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>\xff</text></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 a b"><text>x</text></svg>',
])
def test_unreadable_template_does_not_stop_the_app(tmp_templates, fonts, content):
    (tmp_templates / "bad.svg").write_bytes(content)
    client = _client(tmp_templates, fonts)  # create_app loads every template
    assert client.get("/bad.png").status_code == 500
    assert client.get("/bad.png").is_json
    assert client.get("/card.png").status_code == 200
    assert client.get("/templates").status_code == 200


def test_same_query_gives_the_same_bytes_and_etag(fonts):
    renderer = og.Renderer(settings_for(TEMPLATES.parent / "inkscape"), fonts=fonts)
    client = og.web.create_app({"OG_RENDERER": renderer}).test_client()
    first = client.get("/gradient_bbox.svg")
    second = client.get("/gradient_bbox.svg")
    assert first.data == second.data
    assert client.get("/gradient_bbox.svg", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


SPLIT_BLOCK = """<svg xmlns="http://www.w3.org/2000/svg" width="600" height="200">
  <defs><rect id="box" x="10" y="10" width="580" height="100"/></defs>
  <text id="line" style="font-size:20px;font-family:Inter;shape-inside:url(#box)"><tspan x="10" y="30"
  >{{ a | default("A") }}{% </tspan><tspan x="10" y="55"><tspan dx="0 5">if b %} · {{ b }}{% endif %}</tspan></tspan></text>
</svg>"""


def test_jinja_block_split_over_inkscape_fallback_lines(tmp_path, fonts):
    (tmp_path / "split.svg").write_text(SPLIT_BLOCK)
    renderer = og.Renderer(settings_for(tmp_path), fonts=fonts)
    assert set(renderer.templates.get("split").params) == {"a", "b"}
    assert text(report(renderer, "split", b="B"), "line")["lines"][0]["text"] == "A · B"
    assert text(report(renderer, "split"), "line")["lines"][0]["text"] == "A"


def vetting_store(tmp_path, rewrite_to: bytes | None) -> tuple[TemplateStore, list[bytes]]:
    """A store whose bounded load (here: reading the file) records what it vetted, refuses a file
    that says BOMB, and, the first time, rewrites the file to ``rewrite_to`` right after vetting
    it: the race between the render process's read and the web process's."""
    from og.template.load import digest_of

    seen: list[bytes] = []

    def vet(name: str) -> str:
        data = (tmp_path / f"{name}.svg").read_bytes()
        seen.append(data)
        if b"BOMB" in data:
            raise TemplateError("refused in the render process")
        if rewrite_to is not None and len(seen) == 1:
            (tmp_path / f"{name}.svg").write_bytes(rewrite_to)
        return digest_of(data)

    return TemplateStore(tmp_path, vet=vet), seen


def test_only_bytes_the_bounded_load_vetted_are_parsed(tmp_path):
    """A file rewritten between the render process's load and this process's read is vetted again:
    the bomb is refused there, never parsed here."""
    good = (TEMPLATES / "card.svg").read_bytes()
    (tmp_path / "card.svg").write_bytes(good)
    store, seen = vetting_store(tmp_path, rewrite_to=b"<svg BOMB")
    with pytest.raises(TemplateError, match="refused in the render process"):
        store.get("card")
    assert seen == [good, b"<svg BOMB"]


def test_a_vetted_file_loads_from_the_vetted_bytes(tmp_path):
    good = (TEMPLATES / "card.svg").read_bytes()
    (tmp_path / "card.svg").write_bytes(good)
    store, seen = vetting_store(tmp_path, rewrite_to=None)
    from og.template.load import digest_of

    assert store.get("card").digest == digest_of(good) and seen == [good]


def test_a_file_saved_again_right_after_it_was_read_is_loaded_again(tmp_path, monkeypatch):
    """The stamp a loaded template keeps is the file's before its bytes were read: a save that
    lands between the read and the load shows as a change at the next request."""
    import og.template.store
    from og.template.load import digest_of
    from og.template.load import read_template

    good = (TEMPLATES / "card.svg").read_bytes()
    newer = good.replace(b"A fixture title for og tests", b"The newer title")
    (tmp_path / "card.svg").write_bytes(good)
    saved = []

    def read_then_saved(path, *args):
        data = read_template(path, *args)
        if not saved:  # the designer saves again just after og read the file
            saved.append(True)
            path.write_bytes(newer)
        return data

    monkeypatch.setattr(og.template.store, "read_template", read_then_saved)
    store = TemplateStore(tmp_path, vet=lambda name: digest_of((tmp_path / f"{name}.svg").read_bytes())
                          if saved else digest_of(good))
    assert store.get("card").digest == digest_of(good)
    assert store.get("card").digest == digest_of(newer)
