"""Settings of the example Django project (``OG`` configures og; the rest is Django's minimum)."""

from __future__ import annotations

import os
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = "example-only-not-secret"
DEBUG = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = ["og.contrib.django"]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
}]
USE_TZ = True
# og's settings, without the OG_ prefix; what is not here comes from the environment.
OG = {"SECRET": os.environ.get("OG_SECRET", ""), "MAX_LENGTH": 300}
