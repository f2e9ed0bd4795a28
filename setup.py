"""The wheel's contents, which pyproject.toml cannot say alone: og's packages as found, plus the
repository's top-level ``fonts/`` and ``svg_templates/`` (they stay there for designers and the
font tools) carried inside the package as ``og/_data/fonts`` and ``og/_data/svg_templates``,
where ``og.config`` finds them with importlib.resources once installed."""

from __future__ import annotations

from setuptools import find_packages
from setuptools import setup

DATA = {"og._data.fonts": "fonts", "og._data.svg_templates": "svg_templates"}

setup(
    packages=[*find_packages(include=["og", "og.*"]), *DATA],
    package_dir={"": ".", **DATA},
    package_data={
        "og": ["py.typed", "**/*.svg", "**/*.html", "**/*.css", "**/*.js", "**/*.txt"],
        "og._data.fonts": ["**/*.ttf", "**/*.otf", "**/*.txt", "README.md", "SHA256SUMS"],
        "og._data.svg_templates": ["*.svg"],
    },
)
