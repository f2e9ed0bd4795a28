"""og/svg/cairosvg_fixes.py finds what it fixes without reading every element of the card: what a
served ``.svg`` never carries is dropped in any namespace (nested ones too), and paint servers'
links are still flattened when the document has some (and nothing is touched when it has none)."""

from __future__ import annotations

from lxml import etree

from og.svg import cairosvg_fixes

SVG = "http://www.w3.org/2000/svg"


def test_dropped_elements_in_any_namespace_and_nested() -> None:
    root = etree.fromstring(f"""<svg xmlns="{SVG}" xmlns:x="urn:x">
      <script id="s1"/><g id="g"><x:set id="s2"/><animate xmlns="" id="s3"/><!-- kept -->
      <foreignObject id="fo"><script id="inner"/></foreignObject><rect id="kept"/></g>
      <metadata id="meta"/></svg>""")
    assert cairosvg_fixes.drop_foreign(root) == 5  # the inner script is counted, as it was
    left = [node.get("id") for node in root.iter(etree.Element)]
    assert left == [None, "g", "kept", "meta"]
    assert any(isinstance(node, etree._Comment) for node in root.iter())


def test_gradient_links_flattened_and_documents_without_any_untouched() -> None:
    root = etree.fromstring(f"""<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink">
      <defs><linearGradient id="stops"><stop offset="0"/></linearGradient>
      <linearGradient id="used" xlink:href="#stops" x2="0.5"/></defs></svg>""")
    cairosvg_fixes.flatten_gradient_links(root)
    used = root.find(f".//{{{SVG}}}linearGradient[@id='used']")
    assert used is not None and len(used) == 1 and used.get("{http://www.w3.org/1999/xlink}href") is None
    plain = etree.fromstring(f'<svg xmlns="{SVG}"><rect id="a" style="fill:url(#none)"/></svg>')
    before = etree.tostring(plain)
    cairosvg_fixes.flatten_gradient_links(plain)
    cairosvg_fixes.sharpen_scaled_patterns(plain)
    assert etree.tostring(plain) == before
