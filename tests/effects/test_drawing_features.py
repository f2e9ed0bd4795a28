"""Drawing features CairoSVG gets wrong and og fixes behind its backend (issue 20): opacity
on every kind of element, the 16 blend modes, markers, noise filters and mesh gradients.

Each check draws a small document through og's own fixes (``og.svg.cairosvg_fixes``,
``og.effects``) and the real raster backend, and reads the decoded pixels. Whole-card
fidelity against Inkscape is in ``tests/project/test_inkscape_fidelity.py`` (the ``EXACT_FEATURES`` set).
"""

from __future__ import annotations

import base64
import dataclasses
import io
import math
import typing as t
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

import og
from og.caches import BoundedCache
from og.effects.elements import apply_effects
from og.effects.filters import FilterSpace
from og.effects.filters import run_filter
from og.effects.mesh import SMOOTH_PIECES
from og.effects.mesh import mesh_patches
from og.effects.noise import Turbulence
from og.effects.noise import turbulence
from og.raster.backend import CairoBackend
from og.svg import cairosvg_fixes
from og.svg.path_data import path_vertices

from ..conftest import settings_for


def _black_png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), "black").save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


PIXEL = _black_png()
HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="40" viewBox="0 0 40 40">')
DEFS = ('<defs><rect id="shape" width="40" height="40" style="fill:#000"/>'
        '<g id="group"><rect width="40" height="40" style="fill:#000"/></g></defs>')


@pytest.fixture(scope="module")
def backend() -> CairoBackend:
    return CairoBackend()


def draw(backend: CairoBackend, body: str) -> np.ndarray:
    """Straight RGBA pixels of ``body`` drawn through og's fixes and effects, 40x40."""
    root = etree.fromstring(f"{HEAD}{DEFS}{body}</svg>")
    cairosvg_fixes.apply(root)
    apply_effects(root, 40, 40, backend, BoundedCache("test_effects", 1 << 20, "test", lambda _: 1))
    return backend.pixels(etree.tostring(root)).astype(int)


#: One element per kind, black at (10, 20), where it is both filled and stroked if it can be.
ELEMENT_KINDS = {
    "rect": '<rect x="8" y="8" width="24" height="24" style="fill:#000;stroke:#000;stroke-width:8;{o}"/>',
    "circle": '<circle cx="20" cy="20" r="10" style="fill:#000;stroke:#000;stroke-width:8;{o}"/>',
    "ellipse": '<ellipse cx="20" cy="20" rx="10" ry="8" style="fill:#000;stroke:#000;stroke-width:8;{o}"/>',
    "line": '<line x1="0" y1="20" x2="40" y2="20" style="stroke:#000;stroke-width:10;{o}"/>',
    "polyline": '<polyline points="8,8 32,8 32,32 8,32" style="fill:#000;stroke:#000;stroke-width:10;{o}"/>',
    "polygon": '<polygon points="8,8 32,8 32,32 8,32" style="fill:#000;stroke:#000;stroke-width:10;{o}"/>',
    "path": '<path d="M 8,8 H 32 V 32 H 8 Z" style="fill:#000;stroke:#000;stroke-width:10;{o}"/>',
    "path stroked by its group": '<g style="stroke:#000;stroke-width:10"><path d="M 8,8 H 32 V 32 H 8 Z" '
                                 'style="fill:#000;{o}"/></g>',
    "image": f'<image x="0" y="0" width="40" height="40" preserveAspectRatio="none" xlink:href="{PIXEL}" '
             'style="{o}"/>',
    "use of a shape": '<use xlink:href="#shape" style="{o}"/>',
    "use of a group": '<use xlink:href="#group" x="0" y="0" style="{o}"/>',
    "g": '<g style="{o}"><rect width="40" height="40" style="fill:#000;stroke:#000;stroke-width:6"/></g>',
    "svg": '<svg width="40" height="40" style="{o}"><rect width="40" height="40" style="fill:#000"/></svg>',
    "a": '<a style="{o}"><rect width="40" height="40" style="fill:#000"/></a>',
    "switch": '<switch style="{o}"><rect width="40" height="40" style="fill:#000"/></switch>',
}


@pytest.mark.parametrize("kind", list(ELEMENT_KINDS))
def test_opacity_is_a_group_opacity_on_every_element_kind(backend: CairoBackend, kind: str) -> None:
    """Where fill and stroke overlap, ``opacity: 0.5`` shows half alpha, not 3/4 (and not 1 on
    a clone): opacity applies to the element drawn as a whole."""
    opaque = draw(backend, ELEMENT_KINDS[kind].format(o=""))
    half = draw(backend, ELEMENT_KINDS[kind].format(o="opacity:0.5"))
    assert opaque[20, 10, 3] == 255
    assert abs(half[20, 10, 3] - 128) <= 1, f"{kind}: alpha {half[20, 10, 3]} under opacity 0.5"


@pytest.mark.parametrize(("data", "expected"), [
    ("M 0 0 L 10 0 L 10 10", [(0, 0, 0), (10, 0, 45), (10, 10, 90)]),
    # a closed subpath: its first and closing vertices bisect the closing and the first segment
    ("M0,0 10,0 10,10z", [(0, 0, -67.5), (10, 0, 45), (10, 10, 157.5), (0, 0, -67.5)]),
    ("m0 0a5 5 0 0110 0", [(0, 0, -90), (10, 0, 90)]),  # arc flags written without separators
    ("M0 0 C 0 0 10 0 10 10 S 20 20 30 20", [(0, 0, 0), (10, 10, 90), (30, 20, 0)]),
    ("M 0 0 H 10 M 20 20 v 5", [(0, 0, 0), (10, 0, 0), (20, 20, 90), (20, 25, 90)]),
])
def test_path_vertices_and_their_directions(data: str, expected: list[tuple[float, float, float]]) -> None:
    found = [(v.x, v.y, round(v.angle(), 3)) for v in path_vertices(data)]
    assert found == [(float(x), float(y), float(a)) for x, y, a in expected]


MARKER = ('<marker id="m" style="overflow:{overflow}" markerWidth="4" markerHeight="4" viewBox="0 0 4 4" '
          'refX="2" refY="2" orient="auto-start-reverse" markerUnits="{units}">'
          '<path d="M 0,0 H 8 V 4 H 0 Z" style="fill:context-stroke"/></marker>')


def marked_line(backend: CairoBackend, overflow: str = "visible", units: str = "strokeWidth",
                shape: str = '<line x1="8" y1="20" x2="32" y2="20" {style}/>') -> np.ndarray:
    style = 'style="stroke:#ff0000;stroke-width:2;marker-start:url(#m);marker-end:url(#m)"'
    return draw(backend, "<defs>" + MARKER.format(overflow=overflow, units=units) + "</defs>"
                + shape.format(style=style))


@pytest.mark.parametrize("shape", [
    '<line x1="8" y1="20" x2="32" y2="20" {style}/>',
    '<polyline points="8,20 20,20 32,20" {style}/>',
    '<path d="M 8,20 H 32" {style}/>',
])
def test_markers_on_every_markable_shape_in_the_line_colour(backend: CairoBackend, shape: str) -> None:
    """The marker's 8x4 box, scaled by the stroke width (16x8 px), oriented along the line and
    reversed at the start, painted with the line's stroke (context-stroke)."""
    pixels = marked_line(backend, shape=shape)
    assert list(pixels[20, 38, :]) == [255, 0, 0, 255]  # the end marker reaches 12 px past the end
    assert list(pixels[20, 2, :]) == [255, 0, 0, 255]  # the start marker, reversed, as far before
    assert pixels[13, 38, 3] == 0  # 4 px tall each side, no more


def test_marker_units_user_space_do_not_scale(backend: CairoBackend) -> None:
    pixels = marked_line(backend, units="userSpaceOnUse")
    assert pixels[20, 38, 3] == 0 and pixels[20, 36, 3] == 255  # 6 px past the end: 8 - refX 2


def test_marker_content_is_clipped_to_its_viewport_unless_overflow_is_visible(backend: CairoBackend) -> None:
    pixels = marked_line(backend, overflow="hidden")
    assert pixels[20, 38, 3] == 0  # the 8-unit box is cut at the 4-unit viewport: 4 px past the end
    assert pixels[20, 35, 3] == 255


def test_turbulence_stitches_tiles_seamlessly() -> None:
    """With stitchTiles, noise repeats with the tile (frequencies rounded to whole cycles)."""
    spec = Turbulence(0.05, 0.05, 2, 3, True, (500.0, 180.0, 80.0, 110.0))
    y = np.linspace(180, 289, 50)
    x = np.full_like(y, 500.0)
    assert np.abs(turbulence(spec, x, y) - turbulence(spec, x + 80, y)).max() == 0
    assert np.abs(turbulence(spec, y + 320, x - 320) - turbulence(spec, y + 320, x - 210)).max() == 0
    unstitched = dataclasses.replace(spec, stitch_tile=None)
    assert np.abs(turbulence(unstitched, x, y) - turbulence(unstitched, x + 80, y)).max() > 0.1


def test_turbulence_is_the_reference_code() -> None:
    """Perlin noise is zero on lattice points (fractal noise there is 0.5), varies between them,
    and depends on the seed only through the reference code's generator."""
    spec = Turbulence(1.0, 1.0, 1, 0, True)
    whole = np.arange(20, dtype=np.float64)
    assert np.allclose(turbulence(spec, whole, whole * 2), 0.5)
    between = turbulence(spec, whole + 0.3, whole + 0.6)
    assert between.std() > 0.02
    assert np.array_equal(between, turbulence(spec, whole + 0.3, whole + 0.6))
    same_seed = turbulence(dataclasses.replace(spec, seed=1), whole + 0.3, whole + 0.6)
    assert np.array_equal(between, same_seed)  # setup_seed makes seed 0 into 1
    assert not np.allclose(between, turbulence(dataclasses.replace(spec, seed=2), whole + 0.3, whole + 0.6))


def test_displacement_map_moves_pixels_by_the_map(backend: CairoBackend) -> None:
    """A flood of (R = 1) under scale 20 takes each pixel from 10 px to its right."""
    body = ('<defs><filter id="d" x="0" y="0" width="1" height="1" style="color-interpolation-filters:sRGB">'
            '<feFlood flood-color="#ff0000" result="map"/>'
            '<feDisplacementMap in="SourceGraphic" in2="map" scale="20" xChannelSelector="R" '
            'yChannelSelector="B"/></filter></defs>'
            '<g style="filter:url(#d)"><rect x="0" y="0" width="40" height="40" style="fill:#ffffff"/>'
            '<rect x="20" y="0" width="20" height="40" style="fill:#0000ff"/></g>')
    pixels = draw(backend, body)
    # y: the blue channel is 0, so each pixel also comes from 10 px above (nothing at the top)
    assert pixels[25, 12, 3] == 255 and pixels[25, 12, 2] == 255 and pixels[25, 12, 0] == 0
    assert pixels[25, 5, 0] == 255  # 10 px to its right is still white
    assert pixels[5, 20, 3] == 0  # taken from 10 px above the region: nothing


MESH = ('<defs><meshgradient id="m" gradientUnits="userSpaceOnUse" x="0" y="0"><meshrow><meshpatch>'
        '<stop path="l 40,0" style="stop-color:#ff0000"/><stop path="l 0,40" style="stop-color:#00ff00"/>'
        '<stop path="c -13,0 -27,0 -40,0" style="stop-color:#0000ff"/>'
        '<stop path="L 0,0" style="stop-color:#ffffff"/>'
        '</meshpatch><meshpatch><stop path="l 40,0" style="stop-color:#ff0000"/>'
        '<stop path="l 0,40" style="stop-color:#000000"/><stop path="l -40,0" style="stop-color:#000000"/>'
        '</meshpatch></meshrow></meshgradient></defs>')


def test_mesh_gradient_corners_take_their_stop_colours(backend: CairoBackend) -> None:
    """Each stop colours the corner where its edge starts; the second patch shares the first
    one's right edge (and its two corners' colours)."""
    pixels = draw(backend, MESH + '<rect width="40" height="40" style="fill:url(#m);stroke:none"/>')
    assert list(pixels[0, 0]) == pytest.approx([255, 6, 6, 255], abs=8)  # red at the top left
    assert pixels[0, 39, 1] > 240 and pixels[0, 39, 0] < 15  # green at the top right
    assert pixels[39, 39, 2] > 240  # blue at the bottom right
    assert pixels[39, 0].min() > 240  # white at the bottom left
    assert list(pixels[20, 20, :3]) == pytest.approx([128, 128, 128], abs=12)  # bilinear in between


def test_mesh_gradient_is_drawn_inside_the_shape_under_its_stroke(backend: CairoBackend) -> None:
    pixels = draw(backend, MESH + '<circle cx="20" cy="20" r="14" style="fill:url(#m);fill-opacity:0.5;'
                                  'stroke:#000000;stroke-width:2"/>')
    assert pixels[1, 1, 3] == 0  # outside the circle: nothing
    assert abs(int(pixels[20, 20, 3]) - 128) <= 2  # fill-opacity applies to the mesh
    assert pixels[20, 34, :3].max() == 0 and pixels[20, 34, 3] > 230  # the stroke is still drawn, on top


def run_primitive(markup: str, image: np.ndarray, space: str = "sRGB") -> np.ndarray:
    node = etree.fromstring(f'<filter xmlns="http://www.w3.org/2000/svg" '
                            f'style="color-interpolation-filters:{space}">{markup}</filter>')
    return run_filter(node, image.astype(np.float32), FilterSpace(1.0))


def test_morphology_dilates_and_erodes_by_the_radius() -> None:
    image = np.zeros((9, 9, 4))
    image[4, 4] = 1.0
    dilated = run_primitive('<feMorphology operator="dilate" radius="2 1"/>', image)
    assert dilated[..., 3].sum() == 5 * 3 and dilated[3:6, 2:7, 3].min() == 1.0
    square = np.zeros((9, 9, 4))
    square[2:7, 2:7] = 1.0
    eroded = run_primitive('<feMorphology operator="erode" radius="1"/>', square)
    assert eroded[..., 3].sum() == 9 and eroded[3:6, 3:6, 3].min() == 1.0


def test_convolve_matrix_turns_the_kernel_half_a_turn() -> None:
    """The spec's convolution uses the kernel rotated 180°: a kernel with a 1 in its last cell
    takes each pixel from its upper left neighbour."""
    image = np.zeros((5, 5, 4))
    image[1, 1] = 1.0
    out = run_primitive('<feConvolveMatrix order="3" kernelMatrix="0 0 0 0 0 0 0 0 1" divisor="1"/>', image)
    assert out[2, 2, 3] == 1.0 and out[1, 1, 3] == 0.0


def test_component_transfer_functions() -> None:
    image = np.full((1, 3, 4), 1.0)
    image[0, :, 0] = [0.0, 0.5, 1.0]
    image[0, :, 1] = [0.0, 0.5, 1.0]
    out = run_primitive('<feComponentTransfer><feFuncR type="discrete" tableValues="0.2 0.8"/>'
                        '<feFuncG type="table" tableValues="1 0"/></feComponentTransfer>', image)
    assert np.allclose(out[0, :, 0], [0.2, 0.8, 0.8], atol=1 / 255)
    assert np.allclose(out[0, :, 1], [1.0, 0.5, 0.0], atol=1 / 255)


def test_lighting_a_flat_surface() -> None:
    """Flat alpha: the normal is (0, 0, 1); a distant light at elevation 30° gives N·L = 0.5, and
    its specular half vector 30° off gives cos(30°)^2."""
    flat = np.ones((6, 6, 4))
    diffuse = run_primitive('<feDiffuseLighting diffuseConstant="1"><feDistantLight elevation="30"/>'
                            '</feDiffuseLighting>', flat)
    assert np.allclose(diffuse[..., :3], 0.5, atol=1 / 255) and np.allclose(diffuse[..., 3], 1)
    specular = run_primitive('<feSpecularLighting specularExponent="2"><feDistantLight elevation="30"/>'
                             '</feSpecularLighting>', flat)
    shine = math.cos(math.radians(30)) ** 2
    assert np.allclose(specular[..., 3], shine, atol=1 / 255)
    assert np.allclose(specular[..., 0], shine * shine, atol=1 / 255)  # straight colour times alpha


def test_a_clone_of_a_marked_path_shows_its_markers(backend: CairoBackend) -> None:
    body = ("<defs>" + MARKER.format(overflow="visible", units="strokeWidth")
            + '<path id="p" d="M 8,20 H 32" style="stroke:#ff0000;stroke-width:2;marker-end:url(#m)"/></defs>'
            '<use xlink:href="#p"/>')
    pixels = draw(backend, body)
    assert list(pixels[20, 38, :]) == [255, 0, 0, 255]


def test_bicubic_mesh_is_smooth_across_patch_edges() -> None:
    """A 2 x 2 mesh, black, white and grey along its top: a bilinear patch ramps straight from
    black to white; a bicubic one eases into the white corner (a local maximum: slope 0)."""
    mesh = etree.fromstring(
        '<meshgradient xmlns="http://www.w3.org/2000/svg" x="0" y="0" type="bicubic">'
        + "".join('<meshrow>' + "".join(
            '<meshpatch>' + "".join(f'<stop path="{path}" style="stop-color:{color}"/>'
                                    for path, color in stops)
            + '</meshpatch>' for stops in row) + '</meshrow>' for row in [
            [[("l 10,0", "#000000"), ("l 0,10", "#ffffff"), ("l -10,0", "#ffffff"), ("l 0,-10", "#000000")],
             [("l 10,0", "#ffffff"), ("l 0,10", "#808080"), ("l -10,0", "#808080")]],
            [[("l 0,10", "#ffffff"), ("l -10,0", "#000000"), ("l 0,-10", "#000000")],
             [("l 0,10", "#808080"), ("l -10,0", "#ffffff")]]]) + '</meshgradient>')
    bicubic = mesh_patches(mesh)
    assert len(bicubic) == 4 * SMOOTH_PIECES * SMOOTH_PIECES
    mesh.set("type", "bilinear")
    assert len(mesh_patches(mesh)) == 4
    # along the top edge, across the first patch: not a straight ramp once smoothed
    first_row = [p.colors[0][0] for p in bicubic[:SMOOTH_PIECES]]
    steps = np.diff(first_row)
    assert steps.min() >= 0 and steps.max() - steps.min() > 0.01


HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
 width="240" height="120" viewBox="0 0 240 120">
<defs><filter id="f" x="-1" y="-1" width="3" height="3">
<feTurbulence baseFrequency="1e9 -5" numOctaves="1000000000" seed="-99999999999" stitchTiles="stitch"/>
<feMorphology radius="1e9" operator="dilate"/>
<feConvolveMatrix order="1000" kernelMatrix="1 2 3"/>
<feConvolveMatrix order="3" kernelMatrix="1 1 1 1 1 1 1 1 1" divisor="0" targetX="7"/>
<feDisplacementMap scale="1e12" in2="SourceGraphic"/>
<feDiffuseLighting surfaceScale="1e30"><fePointLight x="1e300" y="nan" z="-inf"/></feDiffuseLighting>
<feSpecularLighting specularExponent="1e9"><feSpotLight limitingConeAngle="abc" specularExponent="-1e9"/>
</feSpecularLighting>
<feComponentTransfer><feFuncR type="gamma" exponent="-1e9"/><feFuncG type="table" tableValues=""/>
</feComponentTransfer></filter>
<meshgradient id="m" x="0" y="0" type="bicubic"><meshrow><meshpatch><stop path="c"/>
<stop path="l 1e308,1e308"/></meshpatch></meshrow></meshgradient>
<marker id="mk" markerWidth="1e9" markerHeight="-5" viewBox="0 0 0 0" refX="inf" orient="auto-start-reverse">
<circle r="1e9"/></marker></defs>
<rect width="240" height="120" style="fill:#334455;filter:url(#f)"/>
<rect width="100" height="100" style="fill:url(#m);stroke:url(#m)"/>
<path d="M 0 0 L 1e308 1e308 A 1e-300 1e300 1e9 1 1 nan 5" style="stroke:#000;marker:url(#mk)"/>
<polyline points="1 2 3" style="stroke:#000;marker-end:url(#mk)"/>
</svg>"""


def test_hostile_numbers_in_drawing_features_still_give_a_card(tmp_path: Path, fonts: t.Any) -> None:
    """Huge, negative, infinite and malformed values in noise, morphology, convolution,
    displacement, lighting, transfer functions, meshes and markers: a card, not an exception."""
    (tmp_path / "hostile.svg").write_text(HOSTILE, encoding="utf-8")
    renderer = og.Renderer(settings_for(tmp_path), fonts=fonts)
    image = Image.open(io.BytesIO(renderer.render("hostile")))
    assert image.size == (240, 120)


def test_a_mesh_that_links_to_itself_is_refused_at_load(tmp_path: Path, fonts: t.Any) -> None:
    """A reference cycle is found when the template loads (a template error naming it), so no
    drawing stage ever follows it."""
    looped = HOSTILE.replace("</defs>", '<meshgradient id="loop" xlink:href="#loop"/></defs>').replace(
        "stroke:url(#m)", "stroke:url(#loop)")
    (tmp_path / "looped.svg").write_text(looped, encoding="utf-8")
    renderer = og.Renderer(settings_for(tmp_path), fonts=fonts)
    with pytest.raises(og.TemplateError, match="points at itself: #loop"):
        renderer.render("looped")


def test_opacity_on_stroked_text_is_a_group_opacity(tmp_path: Path, fonts: t.Any) -> None:
    """Text is laid out and drawn by og (glyph paths in a group): opacity stays on the group."""
    (tmp_path / "text.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">'
        '<rect width="300" height="100" style="fill:#ffffff"/><text x="10" y="80" style="font-family:Inter;'
        'font-size:80px;font-weight:900;fill:#000000;stroke:#000000;stroke-width:8;opacity:0.5">HHH</text>'
        '</svg>', encoding="utf-8")
    renderer = og.Renderer(settings_for(tmp_path), fonts=fonts)
    pixels = np.asarray(Image.open(io.BytesIO(renderer.render("text"))).convert("RGB")).astype(int)
    inked = pixels[..., 0] < 250
    assert inked.sum() > 1000
    assert abs(int(np.median(pixels[..., 0][inked])) - 128) <= 2  # fill and stroke: one half, not 3/4


def test_filters_work_in_linear_rgb_unless_told_srgb() -> None:
    """color-interpolation-filters: linearRGB (the initial value) blends in linear light: a 50%
    mix of black and white is sRGB 0.735 there, 0.5 in sRGB; the result is always sRGB."""
    image = np.zeros((1, 2, 4))
    image[0, 0] = 1.0  # white
    image[0, 1, 3] = 1.0  # black
    markup = '<feConvolveMatrix order="2 1" kernelMatrix="1 1" divisor="2" targetX="0" edgeMode="none"/>'
    linear = run_primitive(markup, image, "linearRGB")
    plain = run_primitive(markup, image, "sRGB")
    assert abs(plain[0, 0, 0] - 0.5) < 0.01
    assert abs(linear[0, 0, 0] - 0.735) < 0.01
