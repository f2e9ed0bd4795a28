"""One list of runtime dependencies, said three ways that must agree: ``pyproject.toml`` (ranges,
for ``pip install og-cards``), ``requirements.txt`` (exact pins of those and of everything they
need, for deploys) and the Dockerfile (which installs requirements.txt). A module og imports
that no list names, or a pin outside its range, fails here rather than at a user's ``og --help``.
CI also installs each list alone into a fresh venv (tests/entry_points/)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def pins() -> dict[str, Requirement]:
    found = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def declared(extra: str | None = None) -> dict[str, Requirement]:
    listed = PYPROJECT["dependencies"] if extra is None else PYPROJECT["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(text).name): Requirement(text) for text in listed}


def pinned_version(requirement: Requirement) -> str:
    (specifier,) = requirement.specifier
    assert specifier.operator == "==", f"{requirement} is not an exact pin"
    return specifier.version


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    for name, requirement in declared().items():
        assert name in pinned, f"{name} is in pyproject.toml but not pinned in requirements.txt"
        version = pinned_version(pinned[name])
        assert requirement.specifier.contains(version), \
            f"{name}=={version} is outside {requirement.specifier}"
        assert requirement.extras == pinned[name].extras, f"{name}: extras differ"


def test_requirements_are_complete() -> None:
    """Whatever a pinned package needs (its extras included) is pinned too, so installing
    requirements.txt alone gives a working og and nothing is left to the resolver."""
    pinned = pins()
    for name, requirement in pinned.items():
        for extra in ("", *sorted(requirement.extras)):
            environment = {**default_environment(), "extra": extra}
            for text in importlib.metadata.requires(name) or ():
                needed = Requirement(text)
                if needed.marker and not needed.marker.evaluate(environment):
                    continue
                if not needed.marker and extra:
                    continue
                assert canonicalize_name(needed.name) in pinned, f"{name} needs {needed.name}: pin it"


def _third_party_imports() -> set[str]:
    names = set()
    for path in (ROOT / "og").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {name for name in names
            if name not in sys.stdlib_module_names and name not in ("og", "__future__")}


def test_every_module_og_imports_comes_from_a_declared_distribution() -> None:
    distributions = importlib.metadata.packages_distributions()
    direct = set(declared())
    optional = {name for extra in PYPROJECT.get("optional-dependencies", {}) for name in declared(extra)}
    for module in sorted(_third_party_imports()):
        sources = {canonicalize_name(name) for name in distributions.get(module, [])}
        assert sources, f"og imports {module}, which no installed distribution provides"
        assert sources & (direct | optional), f"og imports {module} ({', '.join(sources)}): declare it"


def test_the_dockerfile_installs_requirements_txt() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    installs = re.findall(r"^RUN .*pip install (.*)$", dockerfile, re.MULTILINE)
    assert installs and all("-r requirements.txt" in line for line in installs), installs
