"""Raster: a laid-out SVG document → pixels → encoded image bytes.

``backend`` is CairoSVG behind one object (og's fast glyph-path drawer and a surface that
starts from a cached background), ``static`` splits a card into what every request paints
the same and what it does not, ``encode`` writes the pixels as PNG.
"""
