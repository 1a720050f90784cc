from datetime import date

import pytest
from django.utils import translation

from curriculum.models import ModuleVersion
from workshops.models import Workshop


@pytest.fixture
def versions(handbook):
    return list(ModuleVersion.objects.filter(module__curriculum=handbook).order_by("module__position"))


@pytest.fixture
def make_workshop(handbook, versions):
    def make(partner, **fields):
        values = {
            "kind": Workshop.Kind.WORKSHOP,
            "country": partner.country,
            "place": "Irbid youth house",
            "start_date": date(2025, 3, 4),
            "end_date": date(2025, 3, 5),
            "language": "ar",
            "curriculum": handbook,
            "participants_women": 18,
            "participants_men": 2,
            "participants_total": 20,
            **fields,
        }
        workshop = Workshop.objects.create(partner=partner, **values)
        workshop.module_versions.set(versions)
        return workshop

    return make


@pytest.fixture(autouse=True)
def english():
    """A request to an /ar/ page leaves Arabic active in the thread; services called directly expect English."""
    with translation.override("en"):
        yield
