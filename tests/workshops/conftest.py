from datetime import date

import pytest
from django.utils import translation

from curriculum.models import ModuleVersion, PartnerMembership
from tests.factories import UserFactory
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


@pytest.fixture
def cascade(partner, other_partner, affiliate, make_workshop):
    """A regional ToT, a national ToT it trained, and two workshops replicating the national one."""
    regional = make_workshop(partner, kind="regional_tot", start_date=date(2024, 2, 1), end_date=date(2024, 2, 4),
                             participants_women=12, participants_men=0, participants_total=12)  # fmt: skip
    national = make_workshop(other_partner, kind="national_tot", parent_tot=regional, language="sw",
                             start_date=date(2024, 5, 1), end_date=date(2024, 5, 2),
                             participants_women=10, participants_men=0, participants_total=10)  # fmt: skip
    make_workshop(
        other_partner, parent_tot=national, language="sw", start_date=date(2025, 1, 5), end_date=date(2025, 1, 5)
    )
    make_workshop(affiliate, parent_tot=national, place='=HYPERLINK("http://evil")')
    return regional, national


@pytest.fixture
def staff_editor(other_partner):
    """Sauti's editor, given staff status to use the admin for her own records: staff grants her nothing more."""
    user = UserFactory(username="staff-editor", is_staff=True)
    PartnerMembership.objects.create(user=user, partner=other_partner)
    return user


@pytest.fixture(autouse=True)
def english():
    """A request to an /ar/ page leaves Arabic active in the thread; services called directly expect English."""
    with translation.override("en"):
        yield
