"""``path("og/", include("og.contrib.django.urls"))`` serves ``/og/article.png?title=...`` and
every other route of og's (``/og/templates``, ``/og/healthz``…), all answered by og's HTTP core.
``reverse("og:card", kwargs={"name": ..., "fmt": ...})`` names a card's path."""

from __future__ import annotations

from django.urls import path
from django.urls import re_path

from . import views

app_name = "og"
urlpatterns = [
    path("<str:name>.<str:fmt>", views.card, name="card"),
    re_path(r"^(?P<path>.*)\Z", views.serve, name="og"),
]
