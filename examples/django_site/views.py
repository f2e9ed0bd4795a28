from __future__ import annotations

from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render

POSTS = {
    "ci-times": {"title": "How we cut CI times from 40 minutes to 4", "author": "Jane Doe"},
}


def post(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in POSTS:
        raise Http404(slug)
    return render(request, "post.html", {"post": POSTS[slug]})
