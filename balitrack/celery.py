"""The Celery app: `celery -A balitrack worker`. Configured from Django settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balitrack.settings")

app = Celery("balitrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
