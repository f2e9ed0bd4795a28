from __future__ import annotations

import views
from django.urls import include
from django.urls import path

urlpatterns = [
    path("og/", include("og.contrib.django.urls")),
    path("posts/<slug:slug>", views.post),
]
