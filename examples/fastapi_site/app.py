"""A small FastAPI blog whose pages point crawlers at og cards, served by og's ASGI app mounted
under ``/og`` of the same site: ``uvicorn --app-dir examples/fastapi_site app:app``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi import HTTPException
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

import og.asgi
from og.contrib.jinja import install

HERE = Path(__file__).resolve().parent
POSTS = {
    "ci-times": {"title": "How we cut CI times from 40 minutes to 4", "author": "Jane Doe"},
    "quotes": {"title": 'Why "fast" & <simple> beat clever', "author": "Bob"},
}

og_app = og.asgi.create_app()  # settings from OG_* (OG_SECRET, OG_TEMPLATES_DIR…), read on first use
app = FastAPI()
app.mount("/og", og_app)
templates = Jinja2Templates(directory=HERE / "templates")
install(templates.env, og_app, mount="/og")


@app.get("/posts/{slug}", response_class=HTMLResponse)
def post(request: Request, slug: str) -> HTMLResponse:
    if slug not in POSTS:
        raise HTTPException(status_code=404)
    return templates.TemplateResponse(request, "post.html", {"post": POSTS[slug]})


@app.get("/card-bytes/{slug}")
async def card_bytes(slug: str) -> dict[str, int]:
    """The async API: a card rendered off the event loop, e.g. to attach it to an email."""
    if slug not in POSTS:
        raise HTTPException(status_code=404)
    png = await og.render_async("article", {"title": POSTS[slug]["title"]}, renderer=og_app.core().renderer)
    return {"bytes": len(png)}
