"""og: Open Graph images from Inkscape SVG templates, with real text layout."""

from __future__ import annotations

from ._version import __version__ as __version__
from .aio import render_async as render_async
from .errors import BadParameter as BadParameter
from .errors import BadSignature as BadSignature
from .errors import OgError as OgError
from .errors import TemplateError as TemplateError
from .errors import TemplateNotFound as TemplateNotFound
from .formats import CONTENT_TYPES as CONTENT_TYPES
from .render import Renderer as Renderer
from .render import image_url as image_url
from .render import render as render

__all__ = ["BadParameter", "BadSignature", "CONTENT_TYPES", "OgError", "Renderer", "TemplateError",
           "TemplateNotFound", "__version__", "image_url", "render", "render_async"]
