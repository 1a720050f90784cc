"""Writes of the audit trail beyond the automatic ones: forgetting personal data while keeping the fact."""

from .context import current_actor, current_via
from .models import AuditEvent


def audit_forget(*, label, object_ids, placeholder):
    """Blank what earlier events of these records say about them (names, changed values); the events stay."""
    ids = [str(pk) for pk in object_ids]
    for event in AuditEvent.objects.filter(model=label, object_id__in=ids):
        event.summary = f"{placeholder} #{event.object_id}"
        event.changes = {}
        event.save(update_fields=["summary", "changes"])


def audit_fact(*, label, object_id, summary):
    """Record that something happened (a deletion of personal data) without the data itself."""
    actor = current_actor.get()
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=AuditEvent.Action.DELETED,
        model=label,
        object_id=str(object_id),
        summary=summary[:300],
        changes={},
        via=current_via.get() or "system",
    )
