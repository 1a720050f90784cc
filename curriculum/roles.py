"""Who may do what: the personas of DESIGN.md §2 as predicates."""

from .models import Edition, PartnerMembership

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


def can_view_edition(user, edition):
    """A private edition is seen by its partner's members, the affiliates it chose and the secretariat; others see none.

    `edition` may be None (the core) or an Edition; the answer for the public is the same as for a stranger.
    """
    if edition is None or not edition.is_private:
        return True
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    allowed = [edition.partner_id, *(partner.pk for partner in edition.shared_with.all())]
    return PartnerMembership.objects.filter(user=user, partner_id__in=allowed).exists()


def private_editions_hidden_from(user, curriculum):
    """The partners whose private edition of this curriculum this person may not see (ids)."""
    private = Edition.objects.filter(curriculum=curriculum, is_private=True).prefetch_related("shared_with")
    return {edition.partner_id for edition in private if not can_view_edition(user, edition)}


def can_view_partner_edition(user, curriculum, partner):
    """Whether this person may see a partner's edition (None: the core), on pages, in PDFs and downloads.

    An affiliate's edition is built on its parent's layers: it is hidden with a private parent
    edition too, or it would print the parent's text.
    """
    if partner is None:
        return True
    hidden = private_editions_hidden_from(user, curriculum)
    return not hidden.intersection(partner.lineage_ids or [partner.pk])
