"""A small Flask blog whose pages point crawlers at og cards served by the same app."""

from __future__ import annotations

import typing as t
from pathlib import Path

from flask import Flask
from flask import abort
from flask import render_template

from og.contrib.flask import OG

POSTS = {
    "ci-times": {"title": "How we cut CI times from 40 minutes to 4", "author": "Jane Doe"},
    "quotes": {"title": 'Why "fast" & <simple> beat clever', "author": "Bob"},
}

og_ext = OG()


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__, root_path=str(Path(__file__).resolve().parent))
    app.config["OG_URL_PREFIX"] = "/og"
    app.config.update(config or {})
    og_ext.init_app(app)

    @app.get("/posts/<slug>")
    def post(slug: str) -> str:
        if slug not in POSTS:
            abort(404)
        return render_template("post.html", post=POSTS[slug])

    return app


app = create_app()
