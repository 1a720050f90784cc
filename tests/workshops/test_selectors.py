"""Reach figures aggregated by the database: tables by dimension, the cascade, filters."""

import pytest

from workshops.models import Workshop
from workshops.selectors import ReachFilters, reach_cascade, reach_table

pytestmark = pytest.mark.django_db


def test_tables_group_workshops_and_participants(cascade):
    workshops = Workshop.objects.all()
    by_year = {row.key: (row.workshops, row.participants) for row in reach_table(workshops=workshops, dimension="year")}
    assert by_year == {"2024": (2, 22), "2025": (2, 40)}
    by_language = {row.label: row.participants for row in reach_table(workshops=workshops, dimension="language")}
    assert by_language == {"Arabic": 32, "Swahili": 30}
    by_module = reach_table(workshops=workshops, dimension="module")
    assert [(row.key, row.workshops, row.participants) for row in by_module] == [
        ("facilitation-guide", 4, 62),
        ("session-1", 4, 62),
    ]
    by_partner = {row.key: row.workshops for row in reach_table(workshops=workshops, dimension="partner")}
    assert by_partner == {"tamkeen": 1, "sauti": 2, "tamkeen-irbid": 1}


def test_the_cascade_counts_each_level_and_the_replications(cascade):
    result = reach_cascade(workshops=Workshop.objects.all())
    assert [(level.key, level.workshops, level.participants) for level in result.levels] == [
        ("regional_tot", 1, 12),
        ("national_tot", 1, 10),
        ("workshop", 2, 40),
    ]
    assert result.flows == [("national_tot", "workshop", 2, 40), ("regional_tot", "national_tot", 1, 10)]
    assert [(tot.pk, tot.replication_count, tot.reached) for tot in result.top_tots] == [
        (cascade[1].pk, 2, 40),
        (cascade[0].pk, 1, 10),
    ]


def test_filters_narrow_every_table(cascade, versions):
    only_swahili = ReachFilters(language="sw").apply(Workshop.objects.all())
    assert only_swahili.count() == 2
    assert ReachFilters(year=2024, partner="sauti").apply(Workshop.objects.all()).count() == 1
    Workshop.objects.get(pk=cascade[0].pk).module_versions.set(versions[:1])
    assert ReachFilters(module="session-1").apply(Workshop.objects.all()).count() == 3
