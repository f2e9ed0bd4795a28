"""Typed parameters as a template declares them: what og accepts, what it refuses at load, and
what it writes into the filled document (always og's own serialisation, never the value)."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image
from PIL import ImageColor

import og
from og.errors import BadParameter
from og.errors import TemplateError
from og.template.fill import fill
from og.template.load import create_jinja_environment
from og.template.load import load_template
from og.template.params import checked_values
from og.template.typed import parse_hex

from ..conftest import BUNDLED_TEMPLATES
from ..conftest import settings_for

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:og="https://og.example.com/ns" width="600" height="315" viewBox="0 0 600 315">')
PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYPj/HwADAgH/"


def load(tmp_path: Path, body: str):
    path = tmp_path / "t.svg"
    path.write_text(HEAD + body + "</svg>")
    return load_template("t", path, create_jinja_environment(), 500)


@pytest.mark.parametrize(("value", "expected"), [
    ("#abc", "#aabbcc"), ("ABC", "#aabbcc"), ("#A1b2C3", "#a1b2c3"), ("a1b2c3", "#a1b2c3"),
    ("red", None), ("#abcd", None), ("#a1b2c3d4", None), ("#abc;", None), (" #abc", None), ("", None),
    ("#abc\n", None), ("ＡＢＣ", None), ("#١٢٣", None),
])
def test_hex_colours_are_parsed_into_three_bytes(value, expected):
    assert parse_hex(value) == expected


@pytest.mark.parametrize(("body", "message"), [
    ('<rect og:image="photo" width="10" height="10"/>', "put it on an <image>"),
    (f'<image og:image="photo" xlink:href="{PIXEL}"/>', "needs a width and a height"),
    (f'<image og:image="photo" og:fit="stretch" width="9" height="9" xlink:href="{PIXEL}"/>',
     "cover or contain"),
    (f'<image og:image="p" og:image-fallback="none" width="9" height="9" xlink:href="{PIXEL}"/>',
     "placeholder or error"),
    ('<rect og:color="c" og:choices="red" width="9" height="9"/>', "name:#rrggbb"),
    ('<rect og:color="c" og:choices="red:url(#x)" width="9" height="9"/>', "name:#rrggbb"),
    ('<rect og:color="c" og:color-property="filter" width="9" height="9"/>', "fill or stroke"),
    ('<rect og:color="c" og:choices="a:#000" width="9" height="9"/>'
     '<rect og:color="c" og:choices="b:#000" width="9" height="9"/>', "different og:choices"),
    ('<linearGradient og:color="c"><stop style="stop-color:#000"/></linearGradient>', "<stop> elements"),
    ('<image og:color="c" width="9" height="9"/>', "would colour nothing"),
    ('<linearGradient><stop og:color="c" og:color-property="fill"/></linearGradient>', "use stop-color"),
    ('<rect og:color="c" style="fill:none;stroke:#000" width="9" height="9"/>', "not a colour"),
    ('<rect og:color="c" og:default="red" width="9" height="9"/>', "not #rgb or #rrggbb"),
    ('<rect og:color="c" og:choices="a:#000" og:default="b" width="9" height="9"/>', "none of a"),
    ('<rect og:color="c" width="9" height="9"/><g og:choice="c" og:value="x"/>', "another kind"),
    ('<rect og:color="title" width="9" height="9"/><text>{{ title }}</text>', "another kind"),
    ('<rect og:color="a b" width="9" height="9"/>', "not a name"),
    ('<g og:choice="theme" og:value="dark" og:default="blue"/><g og:choice="theme" og:value="light"/>',
     "none of dark, light"),
    ('<g og:show-if="{{ x }}"/>', "placeholders may only stand in text"),
    ('<rect og:color="c" style="fill:{{ c }}" width="9" height="9"/>', "placeholders may only stand in text"),
])
def test_bad_declarations_are_template_errors(tmp_path, body, message):
    with pytest.raises(TemplateError, match=message):
        load(tmp_path, body)


def test_an_image_slot_knows_its_device_size_through_transforms(tmp_path):
    template = load(tmp_path, f'<g transform="scale(2)"><image og:image="photo" transform="translate(5 5)" '
                              f'x="0" y="0" width="50" height="25" xlink:href="{PIXEL}"/></g>')
    (slot,) = template.typed.images
    assert (slot.size, slot.fit, slot.fallback) == ((100, 50), "cover", "placeholder")


def test_show_if_on_a_text_parameter_keeps_it_text(tmp_path):
    template = load(tmp_path, '<g og:show-if="initials" id="g"><text id="t">{{ initials }}</text></g>')
    assert template.params["initials"].kind == "text"
    assert fill(template, {"initials": ""}).root.find(".//*[@id='g']") is None
    assert fill(template, {"initials": "JD"}).root.find(".//*[@id='g']") is not None


@pytest.mark.parametrize(("given", "shown"), [
    ("1", True), ("true", True), ("YES", True), ("on", True), ("0", False), ("false", False), ("no", False),
    ("off", False), ("", False),
])
def test_flags_read_the_usual_spellings(tmp_path, given, shown):
    template = load(tmp_path, '<g og:show-if="badge" id="g"/>')
    values = checked_values("t", template.params, {"badge": given})
    assert (fill(template, values).root.find(".//*[@id='g']") is not None) is shown


def test_a_flag_default_can_be_on(tmp_path):
    template = load(tmp_path, '<g og:show-if="badge" og:default="1" id="g"/>')
    assert template.params["badge"].default == "1"
    assert fill(template, checked_values("t", template.params, {})).root.find(".//{*}g") is not None


def test_the_chosen_layer_alone_stays_and_later_paths_still_resolve(tmp_path):
    template = load(tmp_path, '<g og:choice="theme" og:value="dark" id="dark"/>'
                              '<g og:choice="theme" og:value="light" og:default="light" id="light"/>'
                              '<rect og:color="c" style="fill:#000;stroke:#111" width="9" height="9" id="r"/>'
                              '<text id="t">{{ title }}</text>')
    assert template.params["theme"].default == "light"
    values = checked_values("t", template.params, {"theme": "dark", "c": "#0f0", "title": "Hi"})
    root = fill(template, values).root
    assert [n.get("id") for n in root] == ["dark", "r", "t"]
    assert root[1].get("style") == "stroke:#111;fill:#00ff00"
    assert root[2].text == "Hi"


SHADED = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:og-cards:template:1" width="400" height="200"
  viewBox="0 0 400 200"><rect width="400" height="200" fill="#ffffff"/>
  <rect x="0" y="0" width="60" height="60" fill="#ff0000" og:show-if="badge" og:default="0"/>
  <rect x="100" y="0" width="100" height="60" fill="#000000" fill-opacity="0.5"/>
  <text x="20" y="150" style="font-size:40px;font-family:Inter;fill:#000000">{{ title }}</text></svg>"""


@pytest.mark.parametrize("first", ["0", "1"])
def test_what_a_card_hides_has_its_own_cached_background(tmp_path, fonts, first):
    """The background ends at the first element that holds a value; a shown-if element a card hides
    changes where the background ends, and so which background the card is drawn on: each set of
    hidden elements has its own (one shared background painted the half-transparent shade after
    the badge twice: 63 instead of 127)."""
    (tmp_path / "shaded.svg").write_text(SHADED)
    warm = og.Renderer(settings_for(tmp_path), fonts=fonts)
    warm.render("shaded", {"title": "a", "badge": first})
    other = "1" if first == "0" else "0"
    png = warm.render("shaded", {"title": "b", "badge": other})
    fresh = og.Renderer(settings_for(tmp_path), fonts=fonts).render("shaded", {"title": "b", "badge": other})
    pixels = [np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=np.int16) for p in (png, fresh)]
    assert np.abs(pixels[0] - pixels[1]).max() <= 1
    assert _near(pixels[0][30, 150], "#7f7f7f", 2)


#: A palette colour and a mirrored shape before the title: both join the cached background.
VARIED = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:og="urn:og-cards:template:1" width="300"
  height="200" viewBox="0 0 300 200"><rect width="300" height="200" fill="#ffffff"/>
  <rect og:color="accent" og:choices="red:#ff0000,blue:#0000ff" style="fill:#ff0000" width="30" height="200" id="edge"/>
  <rect og:mirror="move" style="fill:#00aa00" x="250" y="10" width="40" height="40" id="mark"/>
  <text og:mirror="true" x="60" y="150" style="font-size:40px;font-family:Inter;fill:#000000">{{ title }}</text></svg>"""


@pytest.mark.parametrize("order", [("red", "blue", "red"), ("blue", "red", "blue")])
def test_each_choice_of_palette_colour_and_direction_has_its_own_background(tmp_path, fonts, order):
    """A palette colour or a mirrored layout depends on the values only through a few choices:
    such elements join the cached background, one background per choice (the card drawn over
    another choice's background would show the other colour, or the mark on the other side)."""
    (tmp_path / "varied.svg").write_text(VARIED)
    warm = og.Renderer(settings_for(tmp_path), fonts=fonts)
    cards = [({"title": f"Card {i}", "accent": accent}, warm) for i, accent in enumerate(order)]
    cards += [({"title": "שלום עולם", "accent": order[0]}, warm), ({"title": "Back", "accent": order[0]}, warm)]
    for values, renderer in cards:
        png = renderer.render("varied", values)
        fresh = og.Renderer(settings_for(tmp_path), fonts=fonts).render("varied", values)
        pixels = [np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=np.int16) for p in (png, fresh)]
        assert np.abs(pixels[0] - pixels[1]).max() == 0, values
        assert _near(pixels[0][100, 15], "#ff0000" if values["accent"] == "red" else "#0000ff", 2)
        rtl = values["title"].startswith("ש")
        assert _near(pixels[0][30, 30 if rtl else 270], "#00aa00", 2), "the mark on the side the text starts"
    assert warm.caches.backgrounds.stats().misses == 3  # one per colour, and the right-to-left one


def test_a_card_with_a_picture_and_one_without_each_have_their_own_background(fonts, monkeypatch):
    """Without a picture, the template's own stands in the same on every such card and joins the
    background; with one, the background ends before it. Cards of both kinds in turn: each the
    pixels of a card drawn by a fresh renderer."""
    red = io.BytesIO()
    Image.new("RGB", (300, 300), "#ff0000").save(red, "PNG")

    def renderer() -> og.Renderer:
        settings = dataclasses.replace(settings_for(BUNDLED_TEMPLATES), image_hosts="example.org")
        made = og.Renderer(settings, fonts=fonts)
        monkeypatch.setattr(made.tools.images, "png", lambda *args, **kwargs: red.getvalue())
        return made

    warm = renderer()
    for values in ({"name": "Ada"}, {"name": "Bo", "avatar": "https://example.org/a.png"}, {"name": "Cy"},
                   {"name": "Di", "avatar": "https://example.org/b.png"}):
        pixels = [np.asarray(Image.open(io.BytesIO(r.render("profile", values))).convert("RGB"), dtype=np.int16)
                  for r in (warm, renderer())]
        assert np.abs(pixels[0] - pixels[1]).max() == 0, values
        assert _near(pixels[0][315, 330], "#ff0000") == ("avatar" in values)


@pytest.mark.parametrize("value", ['red;filter:url(#x)', '"/><script>alert(1)</script>', "#fff;x:y",
                                   "#fff\" onload=\"x", "url(javascript:x)"])
def test_injection_attempts_never_reach_the_document(tmp_path, value):
    template = load(tmp_path, '<rect og:color="c" style="fill:#000" width="9" height="9" id="r"/>'
                              '<g og:choice="theme" og:value="a"/><g og:choice="theme" og:value="b"/>')
    for name in ("c", "theme"):
        with pytest.raises(BadParameter):
            checked_values("t", template.params, {name: value})
    written = etree.tostring(fill(template, checked_values("t", template.params, {})).root).decode()
    assert "script" not in written and "filter" not in written


def test_a_given_picture_is_never_part_of_the_cached_background(tmp_path):
    template = load(tmp_path, f'<rect width="600" height="315" id="bg"/>'
                              f'<image og:image="p" width="9" height="9" xlink:href="{PIXEL}" id="i"/>')
    (image,) = template.typed.images
    given = fill(template, {"p": "https://example.org/a.png"}, {image.path: b"\x89PNG fetched"})
    assert given.root.find(".//{*}image") in given.dynamic
    assert given.root.find(".//{*}rect") not in given.dynamic
    none = fill(template, {})
    assert none.root.find(".//{*}image") not in none.dynamic, "the template's own picture is the same each time"
    assert none.dynamic.variant != given.dynamic.variant, "and has a background of its own"


def test_og_check_describes_typed_parameters_and_knows_their_attributes(fonts):
    from og.check import check_file

    root = Path(__file__).resolve().parent.parent.parent
    lines = [str(finding) for name in ("profile", "quote")
             for finding in check_file(root / "svg_templates" / f"{name}.svg", fonts)]
    assert not [line for line in lines if "unknown og attribute" in line]
    assert ("info: image parameter 'avatar': default the template's placeholder picture; slot 300x300 px, "
            "cover, fallback placeholder") in lines
    assert ("info: flag parameter 'verified': default off, one of: 1, true, yes, on, 0, false, no, "
            "off") in lines
    assert ("info: color parameter 'accent': default 'orange', one of: orange (#c2410c), rose (#be123c), "
            "indigo (#4338ca), emerald (#047857), slate (#334155); sets the fill of 4 elements") in lines


def test_pictures_are_asked_for_at_the_card_scale(tmp_path):
    from og.template.typed import fetched_images

    template = load(tmp_path, f'<image og:image="p" og:fit="contain" width="50" height="25" '
                              f'xlink:href="{PIXEL}"/>')
    asked = []
    fetched_images(template.typed, {"p": "@a.png"}, lambda v, size, fit, p: asked.append((size, fit)) or b"",
                   scale=2.0)
    assert asked == [((100, 50), "contain")]


# ---------------------------------------------------------------- colours, as the guide promises

SHARED = ('<rect og:color="accent" style="fill:#c2410c" x="0" y="0" width="300" height="315" id="a"/>'
          '<rect og:color="accent" og:color-property="stroke" style="fill:#ffffff;stroke:#000000;'
          'stroke-width:40" x="340" y="40" width="220" height="235" id="b"/>')
GRADIENT = ('<linearGradient id="g" x1="0" y1="0" x2="1" y2="0">'
            '<stop offset="0" og:color="start" style="stop-color:#ff0000" id="s0"/>'
            '<stop offset="1" stop-color="#0000ff" id="s1"/></linearGradient>')


def _render(tmp_path: Path, fonts, body: str, **values: str) -> np.ndarray:
    """The card's decoded pixels (RGB, int16)."""
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "t.svg").write_text(HEAD + body + "</svg>")
    png = og.Renderer(settings_for(folder), fonts=fonts).render("t", values)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def _near(pixel: np.ndarray, colour: str, tolerance: int = 3) -> bool:
    return bool(np.abs(pixel - np.array(ImageColor.getrgb(colour))).max() <= tolerance)


def test_one_free_colour_on_two_shapes_fill_and_stroke(tmp_path, fonts):
    template = load(tmp_path, SHARED)
    assert template.params["accent"].default == "#c2410c"  # the first shape's own colour
    assert [slot.prop for slot in template.typed.colors] == ["fill", "stroke"]
    pixels = _render(tmp_path, fonts, SHARED, accent="0284c7")
    assert _near(pixels[150, 150], "#0284c7") and _near(pixels[150, 345], "#0284c7")  # fill, stroke
    assert _near(pixels[150, 450], "#ffffff")  # the second shape's own fill stays


def test_a_palette_given_on_one_shape_is_every_shapes(tmp_path, fonts):
    palette = 'og:choices="sky:#0284c7,rust:#c2410c" '
    body = SHARED.replace('og:color="accent" style', f'og:color="accent" {palette}style', 1)
    template = load(tmp_path, body)
    assert (template.params["accent"].default, template.params["accent"].allowed) == ("rust", ("sky", "rust"))
    assert template.params["accent"].to_dict()["palette"] == {"sky": "#0284c7", "rust": "#c2410c"}
    pixels = _render(tmp_path, fonts, body, accent="sky")
    assert _near(pixels[150, 150], "#0284c7") and _near(pixels[150, 345], "#0284c7")
    with pytest.raises(BadParameter, match="sky, rust"):
        checked_values("t", template.params, {"accent": "#0284c7"})


@pytest.mark.parametrize("order", ["defs shape text", "shape defs text", "shape text defs"])
def test_a_colour_on_a_gradient_stop_sets_its_stop_color(tmp_path, fonts, order):
    """Wherever the gradient is defined (before its shape, or after it, where the shape would
    otherwise be drawn into the cached static background), the stop takes the colour."""
    parts = {"defs": f"<defs>{GRADIENT}</defs>", "text": '<text x="9" y="300">{{ t }}</text>',
             "shape": '<rect width="600" height="315" style="fill:url(#g)" id="bg"/>'}
    body = "".join(parts[part] for part in order.split())
    template = load(tmp_path, body)
    assert template.params["start"].default == "#ff0000"
    assert [slot.prop for slot in template.typed.colors] == ["stop-color"]
    for value, colour in (("", "#ff0000"), ("00ff00", "#00ff00"), ("#fff", "#ffffff")):
        pixels = _render(tmp_path, fonts, body, **({"start": value} if value else {}), t=value or "x")
        assert _near(pixels[150, 0], colour, 8), (value, pixels[150, 0])
        assert _near(pixels[150, 599], "#0000ff", 8)


def test_a_template_colour_may_be_any_css_colour(tmp_path):
    template = load(tmp_path, '<rect og:color="c" fill="white" width="9" height="9"/>'
                              '<g style="fill:rgb(255,0,0)"><rect og:color="d" width="9" height="9"/></g>')
    assert (template.params["c"].default, template.params["d"].default) == ("#ffffff", "#ff0000")


@pytest.mark.parametrize(("body", "message"), [
    (f"<defs>{GRADIENT}</defs>", "no shape is painted with this stop's gradient"),
    ('<g og:color="c" style="fill:#000"><rect style="fill:#111" width="9" height="9"/></g>',
     "every shape or text inside sets its own fill"),
    ('<text og:color="c" style="fill:#000" x="1" y="9"><tspan style="fill:#222">{{ t }}</tspan></text>',
     "every shape or text inside sets its own fill"),
    ('<line og:color="c" style="stroke:#000" x1="0" y1="0" x2="9" y2="9"/>', "og:color-property"),
    ('<clipPath id="k"><rect og:color="c" width="9" height="9"/></clipPath>', "<clipPath>"),
])
def test_og_check_warns_of_a_colour_seen_nowhere(tmp_path, fonts, body, message):
    from og.check import check_file

    path = tmp_path / "t.svg"
    path.write_text(HEAD + body + "</svg>")
    warnings = [str(f) for f in check_file(path, fonts) if f.level == "warning" and "og:color" in f.message]
    assert len(warnings) == 1 and message in warnings[0], warnings


@pytest.mark.parametrize("body", [
    SHARED, f"<defs>{GRADIENT}</defs><rect style='fill:url(#g)' width='9' height='9'/>",
    '<g og:color="c" style="fill:#000"><rect style="fill:#111" width="9" height="9"/>'
    '<rect width="9" height="9"/></g>',
    '<text og:color="c" style="fill:#000" x="1" y="9">{{ t }}</text>',
])
def test_og_check_is_quiet_about_colours_that_show(tmp_path, fonts, body):
    from og.check import check_file

    path = tmp_path / "t.svg"
    path.write_text(HEAD + body + "</svg>")
    assert not [f for f in check_file(path, fonts) if "og:color" in f.message and f.level != "info"]
