"""Errors og reports to its callers; each knows its HTTP status and is safe to show."""

from __future__ import annotations


class OgError(Exception):
    """Base class: ``message`` is written for a person and never holds a stack trace."""

    status = 500
    code = "error"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, **self.details}


class TemplateNotFound(OgError):
    status = 404
    code = "template_not_found"


class UnknownFormat(OgError):
    status = 404
    code = "unknown_format"


class BadParameter(OgError):
    status = 400
    code = "bad_parameter"


class TemplateError(OgError):
    """The template file itself is broken: the operator's problem, not the client's."""

    status = 500
    code = "template_error"


class BadSignature(OgError):
    """A signed deployment refuses URLs it did not sign (see :mod:`og.signing`)."""

    status = 403
    code = "bad_signature"


class SignatureExpired(BadSignature):
    code = "expired"
