"""Entry point for ``celery -A worker.main``."""
from referral import create_app

from .app import make_celery

flask_app = create_app()
celery_app = make_celery(flask_app)
app = celery_app
