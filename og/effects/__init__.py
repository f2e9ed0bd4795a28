"""Effects: a laid-out document → the same document with every filter, luminance mask, blend
mode and mesh gradient that CairoSVG cannot draw replaced by an ``<image>`` of its result.

``elements`` decides which elements need og and replaces them; ``filters`` runs SVG filter
primitives on pixels (``noise``: feTurbulence); ``compositing`` holds masks and the 16 blend
modes; ``mesh`` reads mesh gradients into Coons patches. Pixels are drawn through
the raster backend the caller passes in: this package never imports :mod:`og.raster`.
"""
