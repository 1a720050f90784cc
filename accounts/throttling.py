"""Fixed-window counters in the cache: enough to stop password guessing and request floods."""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _now():
    """The clock the windows are counted on (a test holds it inside one window)."""
    return time.time()


class Throttle:
    def __init__(self, name, limit, window_seconds):
        self.name, self.limit, self.window = name, limit, window_seconds

    def _key(self, identity):
        bucket = int(_now() // self.window)
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

    def retry_after(self):
        """Seconds until this window ends and the counters start again."""
        return self.window - int(_now()) % self.window

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


class AnonymousRenders:
    """Whether an anonymous request may start a render: a few per client, and a site-wide budget per hour.

    A crawler walking every partner × language × document of the download centre
    would otherwise queue thousands of renders. Signed-in people are not counted;
    a document already rendered (or being rendered) costs nothing. Called by
    `export_request(admit=...)` just before a render would start: None to go on,
    else the seconds to wait; `refused_by` says which limit refused.
    """

    WINDOW = 3600

    def __init__(self, request):
        self.request = request
        self.refused_by = None

    def __call__(self):
        if self.request.user.is_authenticated:
            return None
        everyone = Throttle("anonymous-renders", settings.ANONYMOUS_RENDERS_PER_HOUR, self.WINDOW)
        client = Throttle("anonymous-renders-client", settings.ANONYMOUS_RENDERS_PER_CLIENT_PER_HOUR, self.WINDOW)
        if everyone.exceeded("site"):
            self.refused_by = "site"
            return everyone.retry_after()
        if not client.hit(client_address(self.request)):
            self.refused_by = "client"
            return client.retry_after()
        if not everyone.hit("site"):
            self.refused_by = "site"
            return everyone.retry_after()
        return None
