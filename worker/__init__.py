"""Celery: the app built from ``create_app()`` and thin tasks that call service functions.

Run it with ``celery -A worker.main worker -B`` (``make run`` does).
"""
from .app import make_celery  # noqa: F401
