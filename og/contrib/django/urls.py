"""``path("og/", include("og.contrib.django.urls"))`` serves ``/og/article.png?title=...``."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "og"
urlpatterns = [
    path("templates", views.templates, name="templates"),
    path("<str:name>.<str:fmt>", views.card, name="card"),
]
