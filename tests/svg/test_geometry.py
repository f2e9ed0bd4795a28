"""og.svg.geometry.view_box (the one reader of ``viewBox``) and og.svg.bounds' ancestor matrices."""

from __future__ import annotations

import pytest
from lxml import etree

from og.svg.bounds import own_matrix
from og.svg.bounds import parent_matrix
from og.svg.geometry import view_box
from og.svg.geometry import view_matrix
from og.svg.markers import expand_markers

SVG = "http://www.w3.org/2000/svg"


def element(markup: str) -> etree._Element:
    return etree.fromstring(markup)


@pytest.mark.parametrize("written, box", [
    ("0 0 1200 630", (0, 0, 1200, 630)),
    ("-10,-20,100,50", (-10, -20, 100, 50)),
    ("  0, 0   1e3  5e2 ", (0, 0, 1000, 500)),
    ("0 0 100", None),  # three numbers
    ("0 0 100 50 7", None),  # five
    ("0 0 0 50", None),  # no width: SVG draws nothing through it
    ("0 0 100 -50", None),
    ("0 0 100px 50", None),  # not a number
    ("0 0 1e999 50", None),
    ("", None),
])
def test_view_box_is_four_numbers_with_a_positive_size(written: str, box: tuple[float, ...] | None) -> None:
    assert view_box(element(f'<svg viewBox="{written}"/>')) == box


def test_view_matrix_fits_the_view_box_into_the_canvas() -> None:
    root = element('<svg viewBox="100 0 600 315"/>')
    assert view_matrix(root, 1200, 630) == (2.0, 0.0, 0.0, 2.0, -200.0, 0.0)
    assert view_matrix(element('<svg viewBox="0 0 0 0"/>'), 1200, 630) == (1, 0, 0, 1, 0, 0)


def test_a_markers_view_box_scales_its_content_to_its_viewport() -> None:
    root = element(f'<svg xmlns="{SVG}"><defs><marker id="m" markerWidth="10" markerHeight="10" '
                   'viewBox="0 0 5 5" orient="0" markerUnits="userSpaceOnUse" overflow="visible">'
                   '<rect width="5" height="5"/></marker></defs>'
                   '<path d="M0 0 L100 0" marker-end="url(#m)" stroke="black"/></svg>')
    assert expand_markers(root) == 1
    inner = root.find(f".//{{{SVG}}}g/{{{SVG}}}g/{{{SVG}}}g")
    assert inner is not None and inner.get("transform") == "matrix(2 0 0 2 0 0)"


def test_ancestor_matrices_leave_the_roots_transform_to_the_caller() -> None:
    root = element(f'<svg xmlns="{SVG}" transform="scale(10)"><g transform="translate(5 0)">'
                   '<g transform="scale(2)"><rect id="r" transform="translate(1 1)"/></g></g></svg>')
    rect = root.find(f".//{{{SVG}}}rect")
    assert rect is not None
    assert parent_matrix(rect) == (2.0, 0.0, 0.0, 2.0, 5.0, 0.0)
    assert own_matrix(rect) == (2.0, 0.0, 0.0, 2.0, 7.0, 2.0)
    # what draws on the canvas passes the root's user space → pixels (here the root's own scale)
    assert parent_matrix(rect, (10.0, 0.0, 0.0, 10.0, 0.0, 0.0)) == (20.0, 0.0, 0.0, 20.0, 50.0, 0.0)
