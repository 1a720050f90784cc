"""Who may do what: the personas of DESIGN.md §2 as predicates."""

from .models import PartnerMembership

SECRETARIAT_GROUP = "secretariat"


def is_secretariat(user):
    """The secretariat (superusers and the `secretariat` group) edits the core and sees every partner's records.

    The platform's one answer to "is this the secretariat?". Staff status is not part of it: it only
    opens the Django admin, and a partner editor given admin access for her own content must not see
    other partners' workshop records and people.
    """
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name=SECRETARIAT_GROUP).exists())


def can_edit_edition(user, partner):
    """Only the partner's own editors adapt its edition: not its parent's, not its affiliates', not the secretariat."""
    return user.is_authenticated and PartnerMembership.objects.filter(user=user, partner=partner).exists()
