"""Fixed-window counters in the cache: enough to stop password guessing and request floods."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


class Throttle:
    def __init__(self, name, limit, window_seconds):
        self.name, self.limit, self.window = name, limit, window_seconds

    def _key(self, identity):
        bucket = int(time.time() // self.window)
        digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{digest}:{bucket}"

    def count(self, identity):
        try:
            return cache.get(self._key(identity), 0)
        except Exception:  # the cache (Redis) is down: do not lock everyone out
            logger.warning("throttle %s: cache unavailable", self.name)
            return 0

    def exceeded(self, identity):
        return self.count(identity) >= self.limit

    def hit(self, identity):
        """Count one attempt; True while still within the limit."""
        key = self._key(identity)
        try:
            count = 1 if cache.add(key, 1, self.window + 5) else cache.incr(key)
        except Exception:
            logger.warning("throttle %s: cache unavailable", self.name)
            return True
        return count <= self.limit

    def reset(self, identity):
        try:
            cache.delete(self._key(identity))
        except Exception:
            logger.warning("throttle %s: cache unavailable", self.name)


def client_address(request):
    """The client's address; behind the bundled nginx, the one it forwarded."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
