"""Partners' overrides and local blocks are translated content now: their existing translations are taken as current.

The source language of each is the one the platform gives it (curriculum.models.EditionText): the
edition's (the partner's first site language, else the curriculum's), or, for a block written only in
another of the edition's languages, the first of those it has text in.
"""

import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone

FIELDS = ("title", "body")


def _hash(text):
    normal = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def _source_language(obj, edition):
    codes = settings.LANGUAGE_CODES
    edition_source = next((code for code in edition.partner.languages if code in codes), None)
    edition_source = edition_source or edition.curriculum.source_language
    languages = [edition_source, edition.curriculum.source_language, *edition.partner.languages]
    for code in languages:
        if code in codes and (getattr(obj, f"body_{code}", "") or getattr(obj, f"title_{code}", "")):
            return code
    return edition_source


def record_existing(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Record = apps.get_model("translations", "TranslationRecord")
    now = timezone.now()
    records = []
    for model_name in ("blockadaptation", "localblock"):
        model = apps.get_model("curriculum", model_name)
        content_type, _created = ContentType.objects.get_or_create(app_label="curriculum", model=model_name)
        for obj in model.objects.select_related("edition__partner", "edition__curriculum"):
            source_language = _source_language(obj, obj.edition)
            for field in FIELDS:
                source = getattr(obj, f"{field}_{source_language}", "") or ""
                if not source.strip():
                    continue
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
                    )  # fmt: skip
    Record.objects.bulk_create(records, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("translations", "0005_review_states"),
        ("curriculum", "0002_partner_editions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(record_existing, migrations.RunPython.noop)]
