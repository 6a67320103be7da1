"""A Redis cache that a page can do without: when Redis is down, paused or slow, reads
miss and writes are dropped, and pages are worked out afresh instead of failing."""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# After a failure, leave Redis alone for this long, so a paused server costs one
# socket timeout per worker every half minute rather than one per request.
RETRY_AFTER_SECONDS = 30.0


class FailSafeRedisCache(RedisCache):
    """Django's RedisCache whose get and set never raise; set short socket timeouts in OPTIONS."""

    _down_until = 0.0

    def _guarded(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except (RedisError, OSError) as error:
            logger.warning("The cache did not answer (%s); carrying on without it.", error)
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guarded(lambda: RedisCache.set(self, key, value, timeout, version), None)
