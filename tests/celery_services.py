"""What the tests that start a real Celery worker need of the machine (tests/reminders/
test_worker_integration.py, tests/actions/test_review_report_worker.py)."""

import redis
from django.conf import settings
from django.db import connection


def services_missing() -> str:
    """Why a real worker cannot run here, or "" when it can."""
    if connection.vendor != "postgresql":
        return "the worker needs a database it can share: run with DATABASE_URL on PostgreSQL"
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return f"no Redis at {settings.REDIS_URL}"
    return ""
