import pytest
from django.urls import reverse

from audit.models import AuditEvent
from curriculum.models import Block, BlockAdaptation

pytestmark = pytest.mark.django_db


def test_a_partner_editors_change_is_recorded_with_who_and_where(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    url = reverse(
        "workspace:override",
        kwargs={"curriculum_slug": handbook.slug, "partner_slug": partner.slug, "module_slug": "session-1",
                "block_key": "facilitator-note"},
    )  # fmt: skip
    client.post(url, {"revision": 0, "body_en": "Sit on mats."})
    event = AuditEvent.objects.filter(model="curriculum.BlockAdaptation").get()
    assert event.actor == partner_editor and event.action == "created"
    assert event.via == f"POST {url}"
    client.post(url, {"revision": 1, "body_en": "Sit on mats, please."})
    change = AuditEvent.objects.filter(model="curriculum.BlockAdaptation", action="changed").get()
    assert change.changes["body_en"] == ["Sit on mats.", "Sit on mats, please."]


def test_admin_edits_of_core_content_are_recorded(client, handbook, secretariat):
    secretariat.is_superuser = True
    secretariat.save()
    client.force_login(secretariat)
    block = Block.objects.get(key="welcome")
    client.post(
        f"/en/admin/curriculum/block/{block.pk}/change/",
        {"key": "welcome", "position": 1, "kind": "text", "module": block.module_id, "title_en": "Welcome",
         "body_en": "Changed in the admin."},
    )  # fmt: skip
    event = AuditEvent.objects.filter(model="curriculum.Block", action="changed").get()
    assert event.actor_name == "secretariat" and event.changes["body_en"][1] == "Changed in the admin."


def test_changes_without_a_request_are_recorded_as_system(handbook):
    BlockAdaptation.objects.all().delete()
    block = Block.objects.get(key="welcome")
    block.delete()
    event = AuditEvent.objects.filter(model="curriculum.Block", action="deleted").get()
    assert event.actor is None and event.via == "system"


def test_saving_without_changes_records_nothing(handbook):
    before = AuditEvent.objects.count()
    Block.objects.get(key="welcome").save()
    assert AuditEvent.objects.count() == before


def test_the_secretariat_reads_the_trail(client, handbook, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("audit:trail") + "?model=curriculum.Block")
    assert page.status_code == 200 and "curriculum.Block" in page.content.decode()


@pytest.mark.parametrize("persona", ["partner_editor", "outsider"])
def test_others_are_refused_the_trail(client, handbook, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("audit:trail")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("audit:trail"))
    assert response.status_code == 302 and "login" in response["Location"]
