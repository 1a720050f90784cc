from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from .throttling import Throttle, client_address

# Per account and address: stops guessing one password; per address: stops trying many accounts.
FAILED_LOGINS_PER_ACCOUNT = Throttle("login-account", limit=5, window_seconds=15 * 60)
FAILED_LOGINS_PER_ADDRESS = Throttle("login-address", limit=30, window_seconds=15 * 60)


class ThrottledLoginView(auth_views.LoginView):
    """The sign-in page, refusing further attempts for a while after repeated failures."""

    def _identities(self):
        address = client_address(self.request)
        username = (self.request.POST.get("username") or "").strip().lower()
        return f"{username}|{address}", address

    def post(self, request, *args, **kwargs):
        account, address = self._identities()
        if FAILED_LOGINS_PER_ACCOUNT.exceeded(account) or FAILED_LOGINS_PER_ADDRESS.exceeded(address):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, _("Too many failed attempts. Wait fifteen minutes and try again."))
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        account, address = self._identities()
        FAILED_LOGINS_PER_ACCOUNT.hit(account)
        FAILED_LOGINS_PER_ADDRESS.hit(address)
        return super().form_invalid(form)

    def form_valid(self, form):
        FAILED_LOGINS_PER_ACCOUNT.reset(self._identities()[0])
        return super().form_valid(form)
