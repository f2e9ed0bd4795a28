"""What a piece of CSS would load: ``@import`` and every ``url()`` that does not point into the
document, read from tinycss2's tokens, so CSS escapes (``@\\69mport``, ``u\\72l(``) are decoded
before anything is decided.

Templates load nothing (a template's CSS that would is refused when it loads, see
:mod:`og.template.limits`), and a served ``.svg`` keeps nothing that would (see
:mod:`og.svg.sanitise`).
"""

from __future__ import annotations

import typing as t

import tinycss2
import tinycss2.ast

#: Functions whose arguments are URLs (CSS Values 4 ``src()``, CSS Images ``image()``…).
URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "element"})
#: At-rules that fetch by themselves.
LOADING_AT_RULES = frozenset({"import"})


def _internal(link: str) -> bool:
    return link.strip().startswith("#")


def loads_in_tokens(tokens: t.Iterable[tinycss2.ast.Node]) -> t.Iterator[str]:
    """Each thing ``tokens`` would load, as written once escapes are decoded."""
    for token in tokens:
        kind = token.type
        if kind == "url" and not _internal(token.value):
            yield f"url({token.value})"
        elif kind == "bad-url":
            yield "a malformed url("
        elif kind == "at-keyword" and token.lower_value in LOADING_AT_RULES:
            yield f"@{token.lower_value}"
        elif kind == "at-rule" and token.lower_at_keyword in LOADING_AT_RULES:
            yield f"@{token.lower_at_keyword}"
        elif kind == "function" and token.lower_name in URL_FUNCTIONS:
            links = [arg.value for arg in token.arguments if arg.type in ("string", "url")]
            if not links or not all(_internal(link) for link in links):
                yield f"{token.lower_name}({', '.join(links)[:80]})"
        if kind in ("function",):
            yield from loads_in_tokens(token.arguments)
        if kind in ("() block", "[] block", "{} block"):
            yield from loads_in_tokens(token.content)
        if kind in ("at-rule", "qualified-rule"):
            yield from loads_in_tokens(token.prelude)
            yield from loads_in_tokens(token.content or [])
        if kind == "declaration":
            yield from loads_in_tokens(token.value)


#: What CSS that loads must contain, escaped or not (``\\`` starts an escape).
_HINTS = ("@", "\\", "url", *sorted(URL_FUNCTIONS - {"url"}))


def might_load(text: str) -> bool:
    """A cheap test before tokenising (a ``transform`` or ``d`` attribute never needs it)."""
    lowered = text.lower()
    return any(hint in lowered for hint in _HINTS)


def loads(text: str) -> list[str]:
    """What a stylesheet, a ``style`` attribute or a property value would load.

    >>> loads('@\\\\69mport "http://e.example/a.css"; a { fill: u\\\\72l(http://e.example/p) }')
    ['@import', 'url(http://e.example/p)']
    >>> loads("fill:url(#g); stroke: url('#h')")
    []
    """
    if not might_load(text):
        return []
    return list(loads_in_tokens(tinycss2.parse_component_value_list(text)))
