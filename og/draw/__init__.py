"""Draw: a :class:`~og.text.layout.TextLayout` → SVG elements CairoSVG draws fast: one
``<path>`` of glyph outlines per run (``elements``, through the pen protocol in ``pens``),
``<image>`` for colour emoji, and paint servers pinned to the whole text (``paint``)."""
