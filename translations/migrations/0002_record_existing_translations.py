"""Existing translations are taken as current: record the source they translate now."""

import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

FIELDS = {"curriculum": ("title", "description"), "module": ("title", "topic", "summary"), "block": ("title", "body")}


def _hash(text):
    normal = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def record_existing(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Record = apps.get_model("translations", "TranslationRecord")
    now = timezone.now()
    records = []
    for model_name, fields in FIELDS.items():
        model = apps.get_model("curriculum", model_name)
        content_type, _created = ContentType.objects.get_or_create(app_label="curriculum", model=model_name)
        related = {"module": "curriculum", "block": "module__curriculum"}.get(model_name)
        queryset = model.objects.select_related(related) if related else model.objects.all()
        for obj in queryset:
            owner = obj if model_name == "curriculum" else obj.curriculum if model_name == "module" else obj.module.curriculum
            source_language = owner.source_language
            for field in fields:
                source = getattr(obj, f"{field}_{source_language}", "") or ""
                for language in settings.LANGUAGE_CODES:
                    text = getattr(obj, f"{field}_{language}", "") or ""
                    if language == source_language or not text.strip():
                        continue
                    records.append(
                        Record(
                            content_type=content_type, object_id=obj.pk, field=field, language=language,
                            source_hash=_hash(source), source_text=source, translation_hash=_hash(text),
                            translated_at=now,
                        )
                    )
    Record.objects.bulk_create(records, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("translations", "0001_translation_records_and_grants"),
        ("curriculum", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(record_existing, migrations.RunPython.noop)]
