"""Effects: a laid-out document → the same document with every filter, luminance mask and
blend mode that CairoSVG cannot draw replaced by an ``<image>`` of its result.

``elements`` decides which elements need og and replaces them; ``filters`` runs SVG filter
primitives on pixels; ``compositing`` holds masks and blend modes. Pixels are drawn through
the raster backend the caller passes in: this package never imports :mod:`og.raster`.
"""
