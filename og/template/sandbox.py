"""Jinja for placeholders, sandboxed and bounded: a template's ``{% for %}`` or ``*`` cannot make
a render run for minutes or grow to gigabytes.

Jinja's sandbox already refuses unsafe attribute access and mutation; on top of it every
``range()`` is capped, ``*`` and ``**`` may not build huge strings, lists or numbers, the
``namespace()`` accumulator is gone, and each text node's output is counted while it is
produced (with the render's deadline checked), so a runaway loop stops at the first bound.
"""

from __future__ import annotations

import operator
import typing as t

import jinja2
import jinja2.exceptions
import jinja2.sandbox

from ..deadline import check_deadline
from ..errors import TemplateError

#: The most items one ``range()`` gives, and output characters one text node may produce.
MAX_RANGE = 1_000
MAX_OUTPUT_CHARS = 100_000
#: The longest string or list ``*`` may build, and the largest exponent ``**`` may take.
MAX_REPEAT_ITEMS = 100_000
MAX_EXPONENT = 64


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox every template's placeholders run in."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self) -> None:
        super().__init__(autoescape=False, keep_trailing_newline=True)
        self.globals.pop("namespace", None)  # an accumulator that survives loop iterations
        self.globals["range"] = bounded_range
        self.filters["example"] = example


def example(value: t.Any, sample: str = "") -> t.Any:
    """``{{ title | example("How we cut CI times") }}``: the value itself. The sample is read when
    the template loads and shown only on the specimen (the card with no values), never on a real
    card, so a designer's demo text cannot reach a published card or its ``alt``."""
    return value

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: t.Any, right: t.Any) -> t.Any:
        if op == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise jinja2.exceptions.SecurityError(f"exponent {right!r} is over {MAX_EXPONENT}")
        if op == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_REPEAT_ITEMS:
                    raise jinja2.exceptions.SecurityError(f"'*' would build {len(sequence) * count:,} items")
        return {"*": operator.mul, "**": operator.pow}[op](left, right)


def bounded_range(*args: int) -> t.Iterator[int]:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise jinja2.exceptions.SecurityError(f"range() of {len(numbers):,} items; the most is {MAX_RANGE:,}")
    for number in numbers:
        check_deadline()
        yield number


def render_text(template: jinja2.Template, values: t.Mapping[str, str]) -> str:
    """One text node's placeholders filled in, bounded in output and time.

    :raises TemplateError: when the template's own logic goes wrong or over a bound (a value
        never can: values are data, never evaluated).
    """
    out: list[str] = []
    produced = 0
    try:
        for chunk in template.root_render_func(template.new_context(dict(values))):
            produced += len(chunk)
            if produced > MAX_OUTPUT_CHARS:
                raise TemplateError(f"a placeholder's text grew past {MAX_OUTPUT_CHARS:,} characters")
            check_deadline()
            out.append(chunk)
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, MemoryError,
            RecursionError) as error:
        raise TemplateError(f"its placeholders failed: {type(error).__name__}: {str(error)[:120]}") from None
    return "".join(out)
