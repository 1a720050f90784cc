"""Keep staleness records in step with every save of translated content.

A signal, not calls in each save path: translations are written by the admin,
the JSON import, the translation workspace, exchange files and partner
adaptations (overrides and local blocks), and a path that forgot the call would make translations silently
current or stale. Bulk `QuerySet.update()` bypasses it: use `translation_records_sync`
after one.
"""

from django.db.models.signals import post_delete, post_save


def _synced(sender, instance, raw=False, **kwargs):
    from .services import translation_records_sync

    if not raw:
        translation_records_sync(obj=instance)


def _deleted(sender, instance, **kwargs):
    from .services import translation_records_delete

    translation_records_delete(obj=instance)


def connect():
    from .services import TRANSLATED_FIELDS

    for model in TRANSLATED_FIELDS:
        post_save.connect(_synced, sender=model, dispatch_uid=f"translations-sync-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"translations-delete-{model._meta.label}")
