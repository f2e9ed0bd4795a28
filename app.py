"""WSGI entry point: ``gunicorn app:app``."""

from og.web import create_app

app = create_app()
