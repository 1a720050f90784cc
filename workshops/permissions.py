"""Who may do what with workshop records: the rules every view goes through."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from curriculum.models import Partner
from curriculum.roles import is_secretariat


def is_workshop_editor(user):
    """The secretariat, or an editor of at least one partner."""
    return user.is_authenticated and (is_secretariat(user) or user.partner_memberships.exists())


def partners_editable_by(user):
    """The partners whose workshops the user may record: all for the secretariat, else her memberships."""
    if is_secretariat(user):
        return Partner.objects.all()
    return Partner.objects.filter(memberships__user=user)


def _requires(test):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor_required = _requires(is_workshop_editor)
secretariat_required = _requires(is_secretariat)
