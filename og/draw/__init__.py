"""Draw: a :class:`~og.text.layout.TextLayout` → SVG elements CairoSVG draws fast: one
``<path>`` of glyph outlines per run (``elements``, through the pen protocol in ``pens``),
``<image>`` for colour emoji, and paint servers pinned to the whole text (``paint``).

The stage's entry point is :func:`og.draw.texts.draw_texts`: a document's laid-out texts → drawn
in place, and the glyph paths it made (:class:`~og.draw.elements.Glyphs`) for the raster stage."""
