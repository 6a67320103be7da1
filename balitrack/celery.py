"""The Celery app: `celery -A balitrack worker`. Configured from Django settings."""

import os
import sys

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balitrack.settings")
# A worker or beat started by the `celery` command runs tasks, with their own, longer limit on
# one SQL statement (STATEMENT_TIMEOUT_SECONDS). Every other process imports this module too.
if "celery" in os.path.basename(sys.argv[0]) or sys.argv[0].endswith(os.path.join("celery", "__main__.py")):
    os.environ.setdefault("BALITRACK_PROCESS", "task")

app = Celery("balitrack")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
