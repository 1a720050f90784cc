"""People in workshop records: seen by the partner and the secretariat, named in reports only with consent,
exported and deleted by the partner, the audit trail keeping the fact and not the data."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from workshops.models import Person, Workshop
from workshops.review import review_figures, review_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(partner, make_workshop):
    workshop = make_workshop(partner)
    named = Person.objects.create(partner=partner, name="Rania Haddad", publish_consent=True)
    private = Person.objects.create(partner=partner, name="Huda Saleh")
    workshop.facilitators.set([named, private])
    return named, private


def test_the_review_names_only_those_who_agreed(people, partner):
    html = review_html(figures=review_figures(year=2025), language="en")
    assert "Rania Haddad" in html and "Huda Saleh" not in html
    assert "1 not named" in html


def test_the_reach_page_names_nobody(client, secretariat, people):
    client.force_login(secretariat)
    page = client.get(reverse("workshops:reach")).content.decode()
    assert "Rania Haddad" not in page and "Huda Saleh" not in page


def test_consent_is_recorded_with_its_date_and_can_be_withdrawn(client, people, partner_editor):
    named, private = people
    assert named.consent_recorded_at is not None and private.consent_recorded_at is None
    client.force_login(partner_editor)
    client.post(reverse("workshops:person", args=[private.pk, "consent"]))
    private.refresh_from_db()
    assert private.publish_consent and private.consent_recorded_at
    client.post(reverse("workshops:person", args=[private.pk, "withdraw"]))
    private.refresh_from_db()
    assert not private.publish_consent and private.consent_recorded_at is None


def test_the_partner_sees_and_exports_its_people_and_others_do_not(
    client, people, partner, partner_editor, other_editor, affiliate_editor
):
    client.force_login(partner_editor)
    page = client.get(reverse("workshops:people")).content.decode()
    assert "Rania Haddad" in page and "Huda Saleh" in page
    exported = client.get(reverse("workshops:people-export", args=[partner.slug]))
    assert exported["Content-Disposition"].startswith("attachment")
    data = json.loads(exported.content)
    assert {person["name"] for person in data["people"]} == {"Rania Haddad", "Huda Saleh"}
    assert data["people"][0]["facilitated"]
    for refused in (other_editor, affiliate_editor):
        client.force_login(refused)
        assert "Rania Haddad" not in client.get(reverse("workshops:people")).content.decode()
        assert client.get(reverse("workshops:people-export", args=[partner.slug])).status_code == 404
        assert (
            client.post(reverse("workshops:people-delete", args=[partner.slug]), {"confirm": partner.slug}).status_code
            == 404
        )
        assert client.post(reverse("workshops:person", args=[people[0].pk, "delete"])).status_code == 404
    assert Person.objects.count() == 2


def test_deleting_keeps_the_fact_and_not_the_data(client, people, partner, partner_editor):
    named, _private = people
    named.name = "Rania H. Haddad"
    named.save()  # an audit event with the old and new names
    assert AuditEvent.objects.filter(model="workshops.Person", summary__contains="Haddad").exists()
    client.force_login(partner_editor)
    response = client.post(reverse("workshops:people-delete", args=[partner.slug]), {"confirm": "wrong"})
    assert Person.objects.count() == 2 and response.status_code == 302
    client.post(reverse("workshops:people-delete", args=[partner.slug]), {"confirm": partner.slug})
    assert not Person.objects.exists()
    assert Workshop.objects.get().participants_total == 20  # the counts stay
    events = AuditEvent.objects.filter(model="workshops.Person")
    text = json.dumps(list(events.values("summary", "changes")), ensure_ascii=False)
    assert "Haddad" not in text and "Huda" not in text
    assert events.filter(summary__contains="personal data of 2 people").exists()


def test_the_command_exports_then_deletes(people, partner, tmp_path):
    path = tmp_path / "people.json"
    call_command("personal_data", partner.slug, "--export", str(path), "--delete")
    assert {person["name"] for person in json.loads(path.read_text())["people"]} == {"Rania Haddad", "Huda Saleh"}
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(summary__contains="Huda").exists()
