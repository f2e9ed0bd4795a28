"""HTTP without a web framework: a :class:`Request` value (method, path, query, headers) → an
:class:`Answer` value (status, headers, body or stream), by :class:`HttpCore` over the card
service (:class:`og.Renderer`). Every front end (``og.web`` for Flask, ``og.contrib.django``,
``og.asgi``) is an adapter of a few dozen lines around it, so they cannot drift apart.

``cache`` (ETag and Cache-Control from the plan), ``error_card`` (errors as pictures),
``observe`` (metrics, access log, Server-Timing), ``meta`` (the one ``<meta>`` tag writer),
``studio`` and ``events`` (the studio's API and live reload).
"""

from __future__ import annotations

from .core import HttpCore as HttpCore
from .messages import Answer as Answer
from .messages import Request as Request

__all__ = ["Answer", "HttpCore", "Request"]
