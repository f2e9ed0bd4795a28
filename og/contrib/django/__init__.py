"""og inside a Django project: settings ``OG = {...}`` and the environment → og's card routes
(``path("og/", include("og.contrib.django.urls"))``), ``{% load og %}{% og_meta "article" title=... %}``
and ``manage.py og_build``. Add ``"og.contrib.django"`` to ``INSTALLED_APPS``.

``OG`` takes og's settings without the prefix (``{"SECRET": ..., "TEMPLATES_DIR": ...}``; ``OG_SECRET``
is read the same); what it leaves out comes from the environment.
"""
