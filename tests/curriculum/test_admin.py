import pytest

pytestmark = pytest.mark.django_db


def test_the_secretariat_edits_modules_in_tabs_with_the_vendored_jquery_ui(client, handbook):
    from tests.factories import UserFactory

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    module = handbook.modules.get(slug="session-1")
    page = client.get(f"/en/admin/curriculum/module/{module.pk}/change/").content.decode()
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in page
    assert "googleapis" not in page and "1.12.1" not in page
    assert "tabbed_translation_fields.js" in page
    assert 'name="title_ar"' in page and 'name="blocks-0-body_fa"' in page


@pytest.mark.parametrize("persona", ["anonymous", "partner_editor", "outsider"])
def test_people_who_are_not_staff_are_refused_the_admin(client, handbook, persona, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    module = handbook.modules.get(slug="session-1")
    response = client.get(f"/en/admin/curriculum/module/{module.pk}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    response = client.post(f"/en/admin/curriculum/module/{module.pk}/change/", {"title_en": "Hijacked"})
    module.refresh_from_db()
    assert module.title_en == "Communicating with purpose"


def test_anonymous_visitors_reach_no_rosetta_page(client):
    response = client.get("/rosetta/files/project/")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "login" in response["Location"]


RECORDS = [
    "exports/exportjob", "exports/renderedpart", "translations/translationrecord", "audit/auditevent",
    "curriculum/coresuggestion",
]  # fmt: skip


@pytest.mark.parametrize("record", RECORDS)
def test_records_the_platform_writes_are_shown_but_never_added_or_edited_in_the_admin(client, record, partner_editor):
    from tests.factories import UserFactory

    client.force_login(partner_editor)
    assert client.get(f"/en/admin/{record}/").status_code == 302  # not staff: sent to the login page
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(f"/en/admin/{record}/").status_code == 200
    # Even a superuser cannot add one by hand.
    assert client.get(f"/en/admin/{record}/add/").status_code == 403
