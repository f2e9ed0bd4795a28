"""og/template/sandbox.py gives each placeholder's template its globals as one plain dict (cheaper to
copy into every render's context than Jinja's ChainMap): the same names as before, the sandbox's
own removals and replacements kept, a template's own globals over the environment's."""

from __future__ import annotations

import pytest

from og.errors import TemplateError
from og.template.sandbox import BoundedSandbox
from og.template.sandbox import bounded_range
from og.template.sandbox import render_text


def test_placeholder_globals_are_the_sandboxes() -> None:
    env = BoundedSandbox()
    template = env.from_string("{{ range(3) | join(',') }}:{{ title }}")
    assert type(template.globals) is dict
    assert template.globals["range"] is bounded_range
    assert "lipsum" not in template.globals and "namespace" not in template.globals
    assert render_text(template, {"title": "T"}) == "0,1,2:T"
    with pytest.raises(TemplateError):
        render_text(env.from_string("{{ lipsum() }}"), {})


def test_a_templates_own_globals_overlay_the_environments() -> None:
    env = BoundedSandbox()
    template = env.from_string("{{ site }}", globals={"site": "own"})
    assert render_text(template, {}) == "own"
    assert render_text(template, {"site": "value"}) == "value"  # a value over a global, as in Jinja
    assert "site" not in env.globals
