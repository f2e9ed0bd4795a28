"""Errors og reports to its callers; each knows its HTTP status and is safe to show."""

from __future__ import annotations


class OgError(Exception):
    """Base class: ``message`` is written for a person and never holds a stack trace."""

    status = 500
    code = "error"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None) -> None:
        super().__init_subclass__()
        cls.status = status if status is not None else cls.status
        cls.code = code or cls.code

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, **self.details}


class TemplateNotFound(OgError, status=404, code="template_not_found"):
    pass


class UnknownFormat(OgError, status=404, code="unknown_format"):
    pass


class BadParameter(OgError, status=400, code="bad_parameter"):
    pass


class TemplateError(OgError, status=500, code="template_error"):
    """The template file itself is broken: the operator's problem, not the client's."""


class RenderTimeout(OgError, status=503, code="render_timeout"):
    """A render ran past ``OG_RENDER_TIMEOUT`` and was stopped; the worker keeps serving."""


class Overloaded(OgError, status=503, code="overloaded"):
    """More renders are waiting than the process takes: answered at once, not queued."""


class BadSignature(OgError, status=403, code="bad_signature"):
    """A signed deployment refuses URLs it did not sign (see :mod:`og.signing`)."""


class SignatureExpired(BadSignature, code="expired"):
    """A signed URL past its ``exp``."""


class ImageUnavailable(OgError, status=422, code="image_unavailable"):
    """An image parameter named something og could not use: not found, too slow, too big, not
    an image, or at an address og refuses. The request's fault (4xx), never a 500."""
