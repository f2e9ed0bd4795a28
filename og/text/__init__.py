"""Text: a :class:`~og.text.layout.TextBlock` (spans, styles, a box) and a font set → a
:class:`~og.text.layout.TextLayout` (lines of positioned glyphs, and what was shrunk, cut or
missing).

IO-free stages: ``segment`` (graphemes, scripts, break opportunities), ``bidi``, ``fonts``
(matching and per-cluster fallback), ``shape`` (HarfBuzz), ``breaking`` (lines from measured
widths), ``fit`` (shrink-to-fit, line limits, balance) and ``layout`` (placing lines).
``on_path`` bends a laid-out line along a ``path_geometry.TextPath`` (text on a path) and
``vertical`` sets columns (``writing_modes``: vertical writing modes and orientations).
``typography`` refines the break opportunities and shaping per paragraph: ``hyphens`` (soft
hyphens, pyphen syllables), ``phrases`` (BudouX) and ``cjk_spacing`` (adjacent punctuation).
"""
