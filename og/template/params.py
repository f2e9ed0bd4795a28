"""A template's parameters, and the checked values of one request."""

from __future__ import annotations

import dataclasses
import typing as t

from ..errors import BadParameter


def json_number(value: float) -> float | int:
    """1200.0 → 1200: sizes read as people write them."""
    return int(value) if float(value).is_integer() else value


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    default: str
    max_length: int
    #: text, image, color, choice or flag (see :mod:`og.template.typed`).
    kind: str = "text"
    #: The values (or, for a free colour, the forms) accepted; empty: any text.
    allowed: tuple[str, ...] = ()
    #: A typed parameter's parser: the value as og will use it, or :class:`BadParameter`.
    check: t.Callable[[str, str], str] | None = dataclasses.field(default=None, compare=False)
    #: A colour's names and what they stand for, ``(("rose", "#be123c"), …)``; empty: any colour.
    palette: tuple[tuple[str, str], ...] = ()
    #: The specimen's value (``{{ title | example("…") }}``): shown only on the card with no values.
    example: str | None = None
    #: ``og:required``: a card with values must give this one, and not blank.
    required: bool = False

    def to_dict(self) -> dict[str, object]:
        described: dict[str, object] = {"name": self.name, "type": self.kind, "default": self.default,
                                        "max_length": self.max_length}
        if self.allowed:
            described["allowed"] = list(self.allowed)
        if self.palette:
            described["palette"] = dict(self.palette)
        if self.example is not None:
            described["example"] = self.example
        if self.required:
            described["required"] = True
        return described


def specimen(params: t.Mapping[str, Param]) -> dict[str, str]:
    """The values of the card with no values: each example, else each default (what the gallery,
    the golden images and a designer trying the template see)."""
    return {name: param.default if param.example is None else param.example for name, param in params.items()}


def require(params: t.Mapping[str, Param], given: t.Mapping[str, str]) -> None:
    """Refuse a real card that leaves out, or blanks, a value its template cannot do without."""
    for name, param in params.items():
        if param.required and not given.get(name, "").strip():
            state = "empty" if name in given else "missing"
            raise BadParameter(f"parameter {name!r} is required and {state}: the card has nothing to show "
                               "without it", parameter=name, required=True)


def checked_values(template_name: str, params: t.Mapping[str, Param],
                   given: t.Mapping[str, str]) -> dict[str, str]:
    """The values to fill in: defaults overridden by ``given``, each one checked.

    No values at all is the template's specimen (its examples). Any value makes a real card, where
    examples never appear: a value left out takes its default (often empty, which hides its element
    and, through ``og:show-if``, its decoration), and a required one left out or blank is a 400.
    """
    unknown = sorted(set(given) - set(params))
    if unknown:
        raise BadParameter(
            f"unknown parameter {unknown[0][:64]!r} for template {template_name!r}; "
            f"it accepts: {', '.join(params) or 'no parameters'}",
            accepted=list(params))
    if not given:
        return specimen(params)
    require(params, given)
    values = {name: param.default for name, param in params.items()}
    for name, value in given.items():
        limit = params[name].max_length
        if len(value) > limit:
            raise BadParameter(
                f"parameter {name!r} is {len(value)} characters long; the most is {limit}",
                parameter=name, max_length=limit)
        check = params[name].check
        values[name] = check(name, value) if check is not None else value
    return values
