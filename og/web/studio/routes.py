"""The studio's pages: the gallery and one template's page. Everything they fetch (card URLs and
meta tags, ``og check``, live reload) is answered by og's HTTP core (:mod:`og.http.studio`)."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

from ..routes import core

bp = Blueprint("studio", __name__, template_folder="templates", static_folder="static",
               static_url_path="/studio/static")


@bp.get("/")
def index() -> str:
    return render_template("studio/index.html")


@bp.get("/studio/t/<name>")
def template_page(name: str) -> str:
    core().renderer.templates.path_for(name)  # 404 for a template that is not there
    return render_template("studio/card.html", name=name)


__all__ = ["bp"]
