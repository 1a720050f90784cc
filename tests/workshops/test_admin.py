"""The admin's workshop records: scoped by the platform's one rule for who is the secretariat."""

import pytest
from django.contrib.auth.models import Permission

from workshops.models import Person

pytestmark = pytest.mark.django_db


def test_a_staff_editor_sees_only_her_partners_records_in_the_admin(
    client, partner, other_partner, make_workshop, staff_editor
):
    staff_editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_workshop", "view_person"]))
    make_workshop(partner, place="Irbid youth house")
    make_workshop(other_partner, place="Arusha community hall")
    Person.objects.create(partner=partner, name="Rania Haddad")
    Person.objects.create(partner=other_partner, name="Neema Mushi")
    client.force_login(staff_editor)
    workshops = client.get("/en/admin/workshops/workshop/").content.decode()
    assert "Arusha community hall" in workshops and "Irbid youth house" not in workshops
    people = client.get("/en/admin/workshops/person/").content.decode()
    assert "Neema Mushi" in people and "Rania Haddad" not in people
