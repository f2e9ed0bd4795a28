"""gunicorn's settings for og, as a module of the package: ``gunicorn -c python:og.gunicorn_conf``.

The Procfile, the Dockerfile, ``og serve`` (from a checkout or from the installed package) and
the checkout's top-level ``gunicorn.conf.py`` all load this one module. Every number follows from
the environment (``WEB_CONCURRENCY``, ``PORT``, ``OG_RENDER_TIMEOUT``, ``OG_MAX_LENGTH``) and og's
own limits; the arithmetic, with its reasons, is in :mod:`og.web.serving`.
"""

from __future__ import annotations

import gc
import os
import tempfile
import typing as t

from .config import Settings
from .config import SettingsError
from .prefork import load_before_fork

# Prometheus multiprocess mode: each worker writes its metrics to files here, /metrics adds
# them up. Set before prometheus_client is imported (og imports it only when the app is made).
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="og-metrics-"))

try:
    _settings = Settings.from_env()
except SettingsError as error:  # one line, not a traceback from inside gunicorn's config loader
    raise SystemExit(f"og: {error}") from None

from .web import serving  # noqa: E402

_render_timeout = _settings.render_timeout

# 0.0.0.0:$PORT where PORT is set (Heroku, Docker), else 127.0.0.1:8000; `og serve` sets its own.
bind = [serving.default_bind()]
workers = serving.web_concurrency()
# gevent: a slow client holds a greenlet, not one of a few threads (see og/web/gunicorn_worker.py).
worker_class = "og.web.gunicorn_worker.OgWorker"
worker_connections = 1000
# Fonts and templates are loaded once in the master and shared by the forked workers.
preload_app = True
# A restart now and then bounds slow growth (font and layout caches); og's worker counts the
# cards it drew, not every request (og/web/gunicorn_worker.py). Jitter keeps the workers from
# restarting together.
max_requests = 2000
max_requests_jitter = 400
timeout = serving.worker_timeout_s(_render_timeout)
graceful_timeout = serving.graceful_timeout_s(_render_timeout)
keepalive = serving.HEAD_TIMEOUT_S
# gunicorn clamps any other value to 8190 bytes, less than the longest legal URL
# (serving.request_line_limit() = 50,048 bytes); og's worker bounds the head itself.
limit_request_line = 0
limit_request_field_size = serving.request_line_limit()
limit_request_fields = 50
# og writes one JSON line per request itself (logger "og.access"): gunicorn's own access
# log would be a second line for the same request.
accesslog = None
logger_class = "og.web.gunicorn_worker.OgLogger"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain",
                            "stream": "ext://sys.stderr"}},
    "root": {"handlers": ["stderr"], "level": "WARNING"},
    "loggers": {
        "og": {"handlers": ["stderr"], "level": (_settings.log_level or "info").upper(), "propagate": False},
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}


def when_ready(server: t.Any) -> None:
    """In the master, after the app is loaded and before the first fork: what every render
    process would otherwise make for itself (:func:`og.prefork.load_before_fork`)."""
    from .web.render_host import worker_renderer  # the app's renderer: the server has the app too

    renderer = worker_renderer(server)
    if renderer is not None:
        load_before_fork(renderer)
    # What gevent's monkey.patch_all imports in each worker as it starts (≈ 15 ms of its ≈ 80):
    # imported, not patched, here. The rest of patch_all is its plugin look-ups (25 scans of
    # every installed package's entry points), which nothing outside gevent can spare.
    import gevent.local
    import gevent.monkey
    import gevent.select
    import gevent.selectors
    import gevent.signal
    import gevent.socket
    import gevent.ssl
    import gevent.subprocess
    import gevent.thread
    import gevent.threading
    import gevent.time  # noqa: F401

    # What the master holds now is never scanned by a forked process's collector: a collection
    # writes to every object it visits, which would copy the pages they share into each process.
    gc.collect()
    gc.freeze()


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined,no-untyped-call]
# og does not use gunicornc; two servers on one machine (tests, bench) would share its path.
control_socket_disable = True
