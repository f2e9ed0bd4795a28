"""gunicorn's settings for og when gunicorn is started in the checkout (``gunicorn app:app`` reads
this file by default). The settings themselves live in the package, in :mod:`og.gunicorn_conf`,
which the Procfile, the Dockerfile and ``og serve`` load directly (``-c python:og.gunicorn_conf``).
"""

from og.gunicorn_conf import *  # noqa: F403
