"""The data migration that takes partners' existing translations as current, with the source the platform gives them."""

import importlib

import pytest
from django.apps import apps

from curriculum.adaptation import adaptation_override, edition_get_or_create
from translations.models import TranslationRecord
from translations.services import text_hash
from translations.units import scope_units

pytestmark = pytest.mark.django_db

migration = importlib.import_module("translations.migrations.0006_record_existing_partner_translations")


def _partner_records():
    return TranslationRecord.objects.filter(content_type__model__in=["blockadaptation", "localblock"])


def test_existing_partner_translations_are_recorded_as_current_against_their_source(tajik_edition, handbook, partner):
    arabic_first = edition_get_or_create(curriculum=handbook, partner=partner)  # Tamkeen writes Arabic first
    adaptation_override(
        edition=arabic_first, module=handbook.modules.get(slug="session-1"), block_key="handout",
        title={}, body={"en": "Ours.", "ar": "لنا."},
    )  # fmt: skip
    expected = set(_partner_records().values_list("object_id", "field", "language", "source_hash"))
    _partner_records().delete()  # as before partner text was tracked
    migration.record_existing(apps, None)
    assert set(_partner_records().values_list("object_id", "field", "language", "source_hash")) == expected
    record = _partner_records().get(language="ru", field="body")
    assert record.source_hash == text_hash("Курсиҳоро дар доира гузоред.")
    units = scope_units(curriculum=handbook, edition=tajik_edition, languages=["ru"])["ru"]
    assert {unit.status for unit in units if unit.translation} == {"current"}
    arabic = _partner_records().get(object_id=arabic_first.adaptations.get().pk)
    assert (arabic.language, arabic.source_hash) == ("en", text_hash("لنا."))
