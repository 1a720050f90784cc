"""Recording and editing workshops through the web, and who is refused."""

import pytest
from django.urls import reverse

from workshops.models import Person, Workshop

pytestmark = pytest.mark.django_db


def _form(partner, handbook, versions, **overrides):
    return {
        "kind": "workshop",
        "partner": partner.pk,
        "country": "jo",
        "place": "مركز الشباب في إربد",
        "start_date": "2025-04-01",
        "end_date": "2025-04-02",
        "language": "ar",
        "curriculum": handbook.pk,
        "module_versions": [version.pk for version in versions],
        "new_facilitators": "Rania Haddad\nLina Odeh",
        "participants_women": "20",
        "participants_men": "3",
        "participants_total": "24",
        "pre_score": "2.5",
        "post_score": "4.1",
        **overrides,
    }


def test_a_partner_editor_records_a_workshop(client, partner, partner_editor, handbook, versions):
    client.force_login(partner_editor)
    response = client.post(reverse("workshops:create"), _form(partner, handbook, versions))
    assert response.status_code == 302, response.context["form"].errors
    workshop = Workshop.objects.get()
    assert workshop.partner == partner and workshop.country == "JO" and workshop.created_by == partner_editor
    assert set(workshop.module_versions.all()) == set(versions)
    assert sorted(person.name for person in workshop.facilitators.all()) == ["Lina Odeh", "Rania Haddad"]
    assert Person.objects.filter(partner=partner).count() == 2
    listing = client.get(reverse("workshops:list"))
    assert "مركز الشباب في إربد" in listing.content.decode()


def test_the_form_explains_an_inconsistent_total(client, partner, partner_editor, handbook, versions):
    client.force_login(partner_editor)
    response = client.post(reverse("workshops:create"), _form(partner, handbook, versions, participants_total="10"))
    assert response.status_code == 200
    assert "smaller than women plus men" in response.content.decode()
    assert not Workshop.objects.exists()


def test_the_form_is_translated_and_right_to_left_in_arabic(client, partner_editor):
    client.force_login(partner_editor)
    response = client.get("/ar/workshops/new/")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_a_partner_editor_cannot_record_for_another_partner(
    client, partner, other_partner, partner_editor, handbook, versions
):
    client.force_login(partner_editor)
    response = client.post(reverse("workshops:create"), _form(other_partner, handbook, versions))
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not Workshop.objects.exists()


def test_a_partner_editor_edits_her_own_workshop(client, partner, partner_editor, handbook, versions, make_workshop):
    workshop = make_workshop(partner)
    client.force_login(partner_editor)
    response = client.post(
        reverse("workshops:edit", args=[workshop.pk]), _form(partner, handbook, versions, place="Mafraq")
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.place == "Mafraq" and workshop.created_by is None  # the recorder does not change


@pytest.mark.parametrize("persona", ["other_editor", "affiliate_editor", "staff_editor"])
def test_it_refuses_other_partners_editors(request, client, partner, handbook, versions, make_workshop, persona):
    workshop = make_workshop(partner)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("workshops:edit", args=[workshop.pk])).status_code == 404
    response = client.post(reverse("workshops:edit", args=[workshop.pk]), _form(partner, handbook, versions, place="X"))
    assert response.status_code == 404
    workshop.refresh_from_db()
    assert workshop.place == "Irbid youth house"
    assert workshop.place not in client.get(reverse("workshops:list")).content.decode()


def test_it_refuses_people_without_a_partner(client, outsider, partner, handbook, versions, make_workshop):
    workshop = make_workshop(partner)
    client.force_login(outsider)
    for name, args in [("workshops:list", []), ("workshops:create", []), ("workshops:edit", [workshop.pk]),
                       ("workshops:import", []), ("workshops:import-template", [])]:  # fmt: skip
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("workshops:create"), _form(partner, handbook, versions)).status_code == 403
    assert Workshop.objects.count() == 1


def test_it_sends_anonymous_visitors_to_sign_in(client, partner, handbook, versions):
    response = client.post(reverse("workshops:create"), _form(partner, handbook, versions))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Workshop.objects.exists()


def test_a_partner_editor_signs_in_with_the_site_form(client, partner_editor):
    response = client.post(reverse("login"), {"username": "partner-editor", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("workshops:list")).status_code == 200


def test_the_secretariat_records_for_any_partner(client, other_partner, secretariat, handbook, versions):
    client.force_login(secretariat)
    response = client.post(reverse("workshops:create"), _form(other_partner, handbook, versions, country="TZ"))
    assert response.status_code == 302
    assert Workshop.objects.get().partner == other_partner


def test_modules_must_belong_to_the_chosen_curriculum(client, partner, partner_editor, handbook, versions):
    from tests.factories import CurriculumFactory

    other = CurriculumFactory(is_published=True)
    client.force_login(partner_editor)
    response = client.post(reverse("workshops:create"), _form(partner, handbook, versions, curriculum=other.pk))
    assert "module_versions" in response.context["form"].errors
    assert not Workshop.objects.exists()


def test_the_form_offers_her_partners_editions_only(client, partner, other_partner, partner_editor, handbook, versions):
    from curriculum.models import Edition, EditionVersion

    own = EditionVersion.objects.create(edition=Edition.objects.create(curriculum=handbook, partner=partner),
                                        number=1, snapshot={})  # fmt: skip
    other = EditionVersion.objects.create(edition=Edition.objects.create(curriculum=handbook, partner=other_partner),
                                          number=1, snapshot={})  # fmt: skip
    client.force_login(partner_editor)
    refused = client.post(reverse("workshops:create"), _form(partner, handbook, versions, edition_version=other.pk))
    assert "edition_version" in refused.context["form"].errors
    accepted = client.post(reverse("workshops:create"), _form(partner, handbook, versions, edition_version=own.pk))
    assert accepted.status_code == 302
    assert Workshop.objects.get().edition_version == own


def test_a_staff_editor_records_for_her_own_partner_only(
    client, partner, other_partner, staff_editor, handbook, versions
):
    client.force_login(staff_editor)
    assert list(client.get(reverse("workshops:create")).context["form"].fields["partner"].queryset) == [other_partner]
    response = client.post(reverse("workshops:create"), _form(partner, handbook, versions))
    assert response.status_code == 200 and "partner" in response.context["form"].errors
    assert not Workshop.objects.exists()
