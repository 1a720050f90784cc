"""The snapshots' field reads back what was stored, exactly as the standard JSON field would."""

import json
import math

import pytest
from django.db import connection

from curriculum.fields import SnapshotField
from curriculum.models import ModuleVersion

pytestmark = pytest.mark.django_db

SNAPSHOT = {
    "slug": "session-1",
    "blocks": [{"key": "b1", "title": {"ar": "القيادة", "hi": "नेतृत्व"}, "body": {"en": "Line\n\u2066x\u2069"}}],
    "number": 3,
    "ratio": 0.5,
    "empty": None,
    "flags": [True, False],
}


def test_a_snapshot_reads_back_as_the_standard_decoder_reads_it(handbook):
    version = ModuleVersion.objects.filter(module__curriculum=handbook).first()
    ModuleVersion.objects.filter(pk=version.pk).update(snapshot=SNAPSHOT)
    assert ModuleVersion.objects.get(pk=version.pk).snapshot == SNAPSHOT
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM curriculum_moduleversion WHERE id = %s", [version.pk])
        stored = cursor.fetchone()[0]
    assert (stored if isinstance(stored, dict) else json.loads(stored)) == SNAPSHOT


def test_what_orjson_cannot_decode_falls_back_to_the_standard_field():
    field = SnapshotField()
    assert math.isnan(field.from_db_value('{"a": NaN}', None, connection)["a"])  # only the standard decoder reads NaN
    assert field.from_db_value("not json", None, connection) == "not json"
    assert field.from_db_value(None, None, connection) is None
