"""The raster backend, made when the first pixels are asked for.

Importing :mod:`og.raster.backend` imports cairocffi, whose import parses cairo's C declarations
with pycparser and looks for libcairo (≈ 100 ms of a fresh process), and CairoSVG (≈ 25 ms more).
A process that only answers JSON (the layout report), or SVG without effects, never draws, so
:class:`og.render.Renderer` holds this stand-in and the real :class:`CairoBackend` (and its hook
in CairoSVG) is made on first use, once. A server that forks workers calls :meth:`load` before
forking, so they share it.
"""

from __future__ import annotations

import threading
import typing as t

if t.TYPE_CHECKING:
    import numpy as np

    from ..draw.elements import Glyphs
    from ..effects.mesh import MeshData
    from .backend import CairoBackend
    from .glyph_runs import Run
    from .workers import Workers


class LazyBackend:
    """Stands for a :class:`CairoBackend` (the same methods) until one is needed."""

    def __init__(self) -> None:
        self._backend: CairoBackend | None = None
        self._lock = threading.Lock()

    def load(self) -> CairoBackend:
        """The backend, made (and CairoSVG checked and hooked) on the first call."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    from .backend import CairoBackend

                    self._backend = CairoBackend()
        return self._backend

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def rasterize(self, svg: bytes, background: t.Any | None = None, scale: float = 1.0,
                  glyphs: Glyphs | None = None) -> t.Any:
        return self.load().rasterize(svg, background, scale, glyphs)

    def draw_runs(self, background: t.Any, runs: t.Sequence[Run], size: tuple[float, float],
                  scale: float = 1.0, align: int = 1,
                  workers: Workers | None = None) -> tuple[t.Any, tuple[int, int]]:
        return self.load().draw_runs(background, runs, size, scale, align, workers)

    def pixels(self, svg: bytes, glyphs: Glyphs | None = None) -> np.ndarray:
        return self.load().pixels(svg, glyphs)

    def png(self, rgba: np.ndarray) -> bytes:
        return self.load().png(rgba)

    def mesh(self, patches: MeshData, width: int, height: int) -> np.ndarray:
        return self.load().mesh(patches, width, height)
