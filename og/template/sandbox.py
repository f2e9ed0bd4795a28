"""Jinja for placeholders, sandboxed and bounded: a template's ``{% for %}``, ``*`` or filters cannot
make a load or a render run for minutes or grow to gigabytes.

Jinja's sandbox already refuses unsafe attribute access and mutation. On top of it:

- nothing is evaluated when a template compiles (``optimized=False``): Jinja's optimiser folds
  constant expressions at compile time, outside every bound (``{{ ("a" | indent(10**9))[:3] }}``
  took 17 s and 4.3 GB to *load*);
- everything that builds a string or a list checks the size of what it would build *before*
  building it: ``+``, ``*``, ``**``, ``%``, ``~``, captured blocks and macros (``concat``), every
  ``{{ value }}`` turned into text (``finalize``: a list of 100,000 references to one long string
  prints as gigabytes), and the filters that grow their input (``replace``, ``indent``,
  ``center``, ``format``, ``join``, ``sum``, ``wordwrap``, ``urlize``, ``batch``, ``slice``,
  ``string``, ``pprint``, ``tojson``); ``str`` methods that pad or join are refused (their
  filters are bounded);
- every ``range()`` is capped, ``namespace()`` and ``lipsum()`` are gone, and each text node's
  output is counted while it is produced (with the render's deadline checked), so a runaway loop
  stops at the first bound.

Every refusal is a :class:`jinja2.exceptions.SecurityError`, which :func:`render_text` turns into a
template error: never a ``MemoryError`` half-way through a multi-gigabyte allocation.
"""

from __future__ import annotations

import functools
import operator
import re
import typing as t

import jinja2
import jinja2.compiler
import jinja2.exceptions
import jinja2.nodes
import jinja2.sandbox

from ..deadline import check_deadline
from ..errors import TemplateError

#: The most items one ``range()`` gives, and output characters one text node may produce.
MAX_RANGE = 1_000
MAX_OUTPUT_CHARS = 100_000
#: The longest string or list any operator or filter may build (``*``, ``~``, ``replace``…).
MAX_REPEAT_ITEMS = 100_000
#: The largest exponent ``**`` may take, and the most bits an integer may grow to.
MAX_EXPONENT = 64
MAX_INT_BITS = 4_096
#: The widest ``tojson`` indent.
MAX_JSON_INDENT = 8
#: ``str`` methods that pad, repeat or join: refused (the filters of the same name are bounded).
UNBOUNDED_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs", "replace", "join",
                               "format", "format_map"})
#: A printf conversion's width and precision (``%-10.3s``, ``%(name)*d``).
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")


def refuse(message: str) -> t.NoReturn:
    raise jinja2.exceptions.SecurityError(message)


def check_size(size: int, what: str) -> None:
    if size > MAX_REPEAT_ITEMS:
        refuse(f"{what} would build {size:,} characters or items; the most is {MAX_REPEAT_ITEMS:,}")


def check_printf(text: object) -> None:
    """A ``%`` format string whose widths and precisions are all literal and bounded."""
    if not isinstance(text, str):
        return
    for width, precision in _PRINTF.findall(text):
        if "*" in (width, precision):
            refuse("a '*' width in a % format string")
        for number in (width, precision):
            if number:
                check_size(int(number), f"the % format width {number}")


def text_size(value: object, limit: int = MAX_OUTPUT_CHARS) -> int:
    """How long ``str(value)`` would be, found without building it (a list of 100,000 references
    to one 100,000-character string prints as 10 GB); stops counting past ``limit``."""
    size = 0
    pending = [value]
    while pending and size <= limit:
        item = pending.pop()
        if isinstance(item, str):
            size += len(item) + 2  # a string inside a container prints with quotes
        elif isinstance(item, dict):
            size += 4 * len(item) + 2
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            size += 2 * len(item) + 2
            pending.extend(item)
        else:
            size += len(str(item))  # numbers (bounded by MAX_INT_BITS) and Jinja's small objects
    return size


def check_text(value: object, what: str) -> None:
    if not isinstance(value, str):
        size = text_size(value)
        if size > MAX_OUTPUT_CHARS:
            refuse(f"{what} would print a value of more than {MAX_OUTPUT_CHARS:,} characters")


def _int(value: object, default: int = 0) -> int:
    return value if isinstance(value, int) else default


def _estimate_replace(s: object, old: object, new: object, count: object = None) -> int:
    text, old_text, new_text = str(s), str(old), str(new)
    found = text.count(old_text) if old_text else len(text) + 1
    if isinstance(count, int) and count >= 0:
        found = min(found, count)
    return len(text) + found * max(0, len(new_text) - len(old_text))


def _estimate_indent(s: object, width: object = 4, *_: object, **__: object) -> int:
    text = str(s)
    step = len(width) if isinstance(width, str) else _int(width)
    return len(text) + (text.count("\n") + 1) * step


def _estimate_center(value: object, width: object = 80) -> int:
    return max(len(str(value)), _int(width))


def _estimate_wordwrap(s: object, width: object = 79, break_long_words: object = True,
                       wrapstring: object = None, *_: object, **__: object) -> int:
    return len(str(s)) * (1 + len("\n" if wrapstring is None else str(wrapstring)))


def _estimate_format(value: object, *args: object, **kwargs: object) -> int:
    check_printf(value)
    return text_size(value) + sum(text_size(arg) for arg in (*args, *kwargs.values()))


def _estimate_count(value: object, count: object, *_: object, **__: object) -> int:
    return _int(count)


def _estimate_tojson(value: object, indent: object = None) -> int:
    if _int(indent) > MAX_JSON_INDENT:
        refuse(f"tojson indent {indent}; the most is {MAX_JSON_INDENT}")
    return text_size(value) * 2


def _estimate_printed(value: object, *_: object, **__: object) -> int:
    """``string`` and ``pprint``: the value as text (pprint adds at most the indentation)."""
    return len(value) if isinstance(value, str) else text_size(value) * 2


def _estimate_urlize(value: object, trim_url_limit: object = None, nofollow: object = False,
                     target: object = None, rel: object = None, *_: object, **__: object) -> int:
    """Each word may become a link carrying ``target`` and ``rel``."""
    text = str(value)
    return 3 * len(text) + len(text.split()) * (64 + len(str(target or "")) + len(str(rel or "")))


#: Filter → the size of what it would build, from its arguments (called before the filter).
_ESTIMATES: dict[str, t.Callable[..., int]] = {
    "replace": _estimate_replace, "indent": _estimate_indent, "center": _estimate_center,
    "wordwrap": _estimate_wordwrap, "format": _estimate_format, "batch": _estimate_count,
    "slice": _estimate_count, "tojson": _estimate_tojson, "string": _estimate_printed,
    "pprint": _estimate_printed, "urlize": _estimate_urlize,
}


def _bounded_filter(name: str, original: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    estimate = _ESTIMATES[name]

    passed = 1 if hasattr(original, "jinja_pass_arg") else 0  # the environment or eval context

    @functools.wraps(original)  # keeps Jinja's pass_environment / pass_eval_context mark
    def bounded(*args: t.Any, **kwargs: t.Any) -> t.Any:
        check_size(estimate(*args[passed:], **kwargs), f"the {name!r} filter")
        return original(*args, **kwargs)
    return bounded


@functools.wraps(jinja2.filters.sync_do_join)
def _bounded_join(eval_ctx: t.Any, value: t.Iterable[t.Any], d: str = "", attribute: t.Any = None) -> str:
    items = list(value)
    check_size(sum(text_size(item) for item in items) + len(str(d)) * len(items), "the 'join' filter")
    return jinja2.filters.sync_do_join(eval_ctx, items, d, attribute)


@functools.wraps(jinja2.filters.sync_do_sum)
def _bounded_sum(environment: jinja2.Environment, iterable: t.Iterable[t.Any], attribute: t.Any = None,
                 start: t.Any = 0) -> t.Any:
    """``sum`` of lists or tuples concatenates them: bounded like ``+``."""
    items = list(iterable)
    if isinstance(start, (list, tuple)):
        check_size(len(start) + sum(len(item) for item in items if isinstance(item, (list, tuple))),
                   "the 'sum' filter")
    return jinja2.filters.sync_do_sum(environment, items, attribute, start)


def bounded_finalize(value: t.Any) -> t.Any:
    """Every ``{{ value }}`` before it is turned into text: a container that would print as
    gigabytes is refused first."""
    check_text(value, "'{{ }}'")
    return value


def bounded_concat(parts: t.Iterable[t.Any]) -> str:
    """``~``, and the output of ``{% set %}`` blocks, macros and ``{% filter %}`` blocks."""
    out: list[str] = []
    size = 0
    for part in parts:
        check_text(part, "'~'")
        text = str(part)
        size += len(text)
        if size > MAX_OUTPUT_CHARS:
            refuse(f"joined text grew past {MAX_OUTPUT_CHARS:,} characters")
        out.append(text)
    return "".join(out)


class _BoundedCodeGenerator(jinja2.compiler.CodeGenerator):
    """Jinja's code generator with ``a ~ b`` joined by :func:`bounded_concat`."""

    def visit_Concat(self, node: jinja2.nodes.Concat, frame: jinja2.compiler.Frame) -> None:
        self.write("environment.concat((")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")


class BoundedSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox every template's placeholders run in."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = _BoundedCodeGenerator
    concat = staticmethod(bounded_concat)

    def __init__(self) -> None:
        super().__init__(autoescape=False, keep_trailing_newline=True, optimized=False,
                         finalize=bounded_finalize)
        self.globals.pop("namespace", None)  # an accumulator that survives loop iterations
        self.globals.pop("lipsum", None)  # lipsum(n=10**9)
        self.globals["range"] = bounded_range
        self.filters["example"] = example
        for name in _ESTIMATES:
            self.filters[name] = _bounded_filter(name, self.filters[name])
        self.filters["join"] = _bounded_join
        self.filters["sum"] = _bounded_sum

    def make_globals(self, d: t.MutableMapping[str, t.Any] | None) -> t.MutableMapping[str, t.Any]:
        """A template's globals as one plain dict, not Jinja's ChainMap over the environment's:
        each render copies them into its context, and copying a ChainMap (in Python) was four
        fifths of a placeholder's time. The sandbox's globals are final once it is made."""
        return {**self.globals, **(d or {})}

    def is_safe_attribute(self, obj: t.Any, attr: str, value: t.Any) -> bool:
        if isinstance(obj, (str, bytes)) and attr in UNBOUNDED_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: t.Any) -> None:
        """``str.format`` pads to any width: refused like the other :data:`UNBOUNDED_METHODS`."""
        return None

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: t.Any, right: t.Any) -> t.Any:
        if op == "**" and isinstance(right, (int, float)):
            if abs(right) > MAX_EXPONENT:
                refuse(f"exponent {right!r} is over {MAX_EXPONENT}")
            if isinstance(left, int) and isinstance(right, int) and left.bit_length() * right > MAX_INT_BITS:
                refuse(f"'**' would build a number of {left.bit_length() * right:,} bits")
        if op == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int):
                    check_size(len(sequence) * count, "'*'")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_INT_BITS:
                refuse(f"'*' would build a number of {left.bit_length() + right.bit_length():,} bits")
        if op == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            check_size(len(left) + len(right), "'+'")
        if op == "%" and isinstance(left, str):
            check_printf(left)
            check_size(len(left) + text_size(right), "'%'")
        return _BINOPS[op](left, right)


_BINOPS: dict[str, t.Callable[[t.Any, t.Any], t.Any]] = {
    "*": operator.mul, "**": operator.pow, "+": operator.add, "%": operator.mod}


def bounded_range(*args: int) -> t.Iterator[int]:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        refuse(f"range() of {len(numbers):,} items; the most is {MAX_RANGE:,}")
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


def example(value: t.Any, sample: str = "") -> t.Any:
    """``{{ title | example("How we cut CI times") }}``: the value itself. The sample is read when
    the template loads and shown only on the specimen (the card with no values), never on a real
    card, so a designer's demo text cannot reach a published card or its ``alt``."""
    return value
