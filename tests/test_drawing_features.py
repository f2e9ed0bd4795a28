"""Drawing features CairoSVG gets wrong and og fixes behind its backend (issue 20): opacity
on every kind of element, the 16 blend modes, markers, noise filters and mesh gradients.

Each check draws a small document through og's own fixes (``og.svg.cairosvg_fixes``,
``og.effects``) and the real raster backend, and reads the decoded pixels. Whole-card
fidelity against Inkscape is in ``test_inkscape_fidelity.py`` (the ``EXACT_FEATURES`` set).
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from lxml import etree
from PIL import Image

from og.caches import BoundedCache
from og.effects.elements import apply_effects
from og.raster.backend import CairoBackend
from og.svg import cairosvg_fixes


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
