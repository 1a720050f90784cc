"""Who is acting, for the current request or task: set by the middleware, read when a tracked row changes."""

from contextvars import ContextVar

current_actor = ContextVar("current_actor", default=None)
current_via = ContextVar("current_via", default="")


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        actor_token = current_actor.set(user if user is not None and user.is_authenticated else None)
        via_token = current_via.set(f"{request.method} {request.path}"[:200])
        try:
            return self.get_response(request)
        finally:
            current_actor.reset(actor_token)
            current_via.reset(via_token)
