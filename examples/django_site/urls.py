from __future__ import annotations

from django.urls import include
from django.urls import path

import views

urlpatterns = [
    path("og/", include("og.contrib.django.urls")),
    path("posts/<slug:slug>", views.post),
]
