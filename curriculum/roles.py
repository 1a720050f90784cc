"""Who may do what: the personas of DESIGN.md §2 as predicates."""

from .models import PartnerMembership


def is_secretariat(user):
    """Secretariat editors edit and publish the core curriculum."""
    return user.is_authenticated and (user.is_superuser or user.groups.filter(name="secretariat").exists())


def can_edit_edition(user, partner):
    """Only the partner's own editors adapt its edition: not its parent's, not its affiliates', not the secretariat."""
    return user.is_authenticated and PartnerMembership.objects.filter(user=user, partner=partner).exists()
