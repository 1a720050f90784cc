"""Record every save and delete of the tracked models, whichever way the change came in (pages, admin, imports)."""

from django.apps import apps
from django.db.models.signals import post_delete, post_save, pre_save

from .context import current_actor, current_via
from .models import AuditEvent

TRACKED = [
    "curriculum.Curriculum",
    "curriculum.Module",
    "curriculum.Block",
    "curriculum.ModuleVersion",
    "curriculum.Partner",
    "curriculum.PartnerMembership",
    "curriculum.BlockAdaptation",
    "curriculum.LocalBlock",
    "curriculum.EditionVersion",
    "curriculum.CoreSuggestion",
]
# Added by the apps that own them, when installed.
OPTIONAL = [
    "workshops.Workshop",
    "workshops.Person",
    "translations.TranslationRecord",
    "workshops.Resource",
    "glossary.Term",
    "glossary.Rendering",
]
SKIPPED_FIELDS = {"updated_at", "created_at", "revision", "lineage_ids"}


def _values(instance):
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS
    }


def _before(sender, instance, **kwargs):
    if instance.pk is not None:
        previous = sender._default_manager.filter(pk=instance.pk).first()
        instance._audit_before = _values(previous) if previous is not None else None


def _record(instance, action, changes):
    actor = current_actor.get()
    AuditEvent.objects.create(
        actor=actor,
        actor_name=actor.get_username() if actor else "",
        action=action,
        model=instance._meta.label,
        object_id=str(instance.pk),
        summary=str(instance)[:300],
        changes=changes,
        via=current_via.get() or "system",
    )


def _short(value):
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        _record(instance, AuditEvent.Action.CREATED, {})
        return
    before = getattr(instance, "_audit_before", None) or {}
    after = _values(instance)
    changes = {
        name: [_short(before.get(name)), _short(value)] for name, value in after.items() if before.get(name) != value
    }
    if changes:
        _record(instance, AuditEvent.Action.CHANGED, changes)


def _deleted(sender, instance, **kwargs):
    _record(instance, AuditEvent.Action.DELETED, {})


def connect_tracked_models():
    for label in TRACKED + OPTIONAL:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"audit-{label}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_saved, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid + "-delete")
