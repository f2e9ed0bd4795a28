"""The package reads like the pipeline: each folder is a stage with a docstring that says what
goes in and what comes out, and imports only run downwards through the layers below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

OG = Path(__file__).resolve().parent.parent.parent / "og"

#: Bottom to top. A module may import from its own layer and the layers below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("og._version", "og.errors", "og.formats", "og.config", "og.caches", "og.deadline", "og.signing",
     "og.storage", "og.fetch"),
    ("og.text",),
    ("og.svg",),
    ("og.template",),
    ("og.draw",),
    ("og.effects",),
    ("og.raster",),
    ("og.report", "og.plan", "og.stages", "og.cards", "og.render", "og.pool", "og.prefork", "og.check", "og.coverage",
     "og.aio"),
    ("og.rows", "og.build", "og.content_check"),
    ("og.http",),  # HTTP meaning, no web framework (see test_the_http_core_imports_no_web_framework)
    ("og.web", "og.asgi", "og.gunicorn_conf", "og.cli", "og.__main__", "og"),
    ("og.contrib",),
)
#: What the HTTP core must never import: the front ends' frameworks and servers (each adapter
#: imports its own), so every front end gets the same answers from the same code.
WEB_FRAMEWORKS = frozenset({"flask", "werkzeug", "django", "starlette", "fastapi", "uvicorn", "gunicorn",
                            "gevent", "jinja2", "markupsafe", "asgiref"})
STAGE_PACKAGES = ("template", "svg", "text", "draw", "effects", "raster", "http", "web")


def _module_name(path: Path) -> str:
    parts = path.relative_to(OG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> int:
    best = (-1, -1)  # (prefix length, layer): the most specific prefix wins
    for number, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best[0]:
                best = (len(name), number)
    assert best[1] >= 0, f"{module} is in no layer: add it to LAYERS"
    return best[1]


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    return _imports_in(path.read_text(), module, is_package=path.name == "__init__.py")


def _imports_in(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """Every og module ``source`` imports (relative imports resolved), with its line."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            found.extend((node.lineno, name) for name in names if name.split(".")[0] == "og")
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "og")
    return found


MODULES = sorted(OG.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(OG)))
def test_imports_only_run_downwards(path: Path) -> None:
    module = _module_name(path)
    upward = [f"line {line}: {module} imports {target}" for line, target in _imports(path, module)
              if target != "og" and _layer(target) > _layer(module)]
    assert not upward, "\n".join(upward)


@pytest.mark.parametrize("package", STAGE_PACKAGES)
def test_each_stage_says_what_goes_in_and_out(package: str) -> None:
    doc = ast.get_docstring(ast.parse((OG / package / "__init__.py").read_text())) or ""
    first = doc.split("\n\n")[0]
    assert "→" in first, f"og/{package}/__init__.py should open with 'input → output'"


def test_the_checker_sees_an_upward_import() -> None:
    found = _imports_in("def f():\n    from ..raster.backend import CairoBackend\n", "og.text.fonts", False)
    assert found == [(2, "og.raster.backend")]
    assert _layer("og.raster.backend") > _layer("og.text.fonts")


def _top_level_imports(source: str) -> list[tuple[int, str]]:
    """Every absolute import's top-level package, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
    return found


@pytest.mark.parametrize("path", sorted((OG / "http").rglob("*.py")), ids=lambda p: p.name)
def test_the_http_core_imports_no_web_framework(path: Path) -> None:
    framework = [f"line {line}: {name}" for line, name in _top_level_imports(path.read_text())
                 if name in WEB_FRAMEWORKS]
    assert not framework, "\n".join(framework)


def test_the_framework_check_sees_a_framework() -> None:
    found = _top_level_imports("from flask import request\nimport django.http\nfrom . import core\n")
    assert [name for _, name in found if name in WEB_FRAMEWORKS] == ["flask", "django"]


#: Each adapter imports its own framework and og's core, never another front end's.
ADAPTERS = {"asgi.py": {"flask", "werkzeug", "django"}, "contrib/django": {"flask", "werkzeug"}}


@pytest.mark.parametrize("where", sorted(ADAPTERS))
def test_an_adapter_imports_no_other_front_end(where: str) -> None:
    paths = [OG / where] if where.endswith(".py") else sorted((OG / where).rglob("*.py"))
    found = []
    for path in paths:
        module = _module_name(path)
        found += [f"{module} line {line}: {name}" for line, name in _top_level_imports(path.read_text())
                  if name in ADAPTERS[where]]
        found += [f"{module} line {line}: {name}" for line, name in _imports(path, module)
                  if name == "og.web" or name.startswith("og.web.")]
    assert not found, "\n".join(found)
