"""A partner adapts a block, the secretariat changes it in the core, the partner resolves it with the diff in view."""

import pytest

from curriculum.models import BlockAdaptation, EditionVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_a_partner_resolves_a_core_change_with_the_diff_in_view(
    page, live_server, handbook, partner, partner_editor, secretariat, tmp_path
):
    secretariat.is_superuser = True
    secretariat.save()

    # 1. The partner editor writes her own text for the facilitator note and publishes the edition.
    sign_in(page, live_server, "partner-editor")
    page.goto(f"{live_server.url}/en/workspace/{handbook.slug}/{partner.slug}/session-1/")
    page.locator("#block-facilitator-note").get_by_role("link", name="Write own text").click()
    page.fill("#id_body_en", "Sit on mats in a circle, shoes off.")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#block-facilitator-note .badge.override").is_visible()
    page.goto(f"{live_server.url}/en/workspace/{handbook.slug}/{partner.slug}/")
    page.fill("#id_change_note", "Our first edition")
    page.get_by_role("button", name="Publish", exact=True).click()
    assert page.get_by_text("Edition published as version 1.").is_visible()
    sign_out(page)

    # 2. The secretariat edits the core block in the admin and publishes the module with a note.
    sign_in(page, live_server, "secretariat")
    module = handbook.modules.get(slug="session-1")
    page.goto(f"{live_server.url}/en/admin/curriculum/module/{module.pk}/change/")
    page.fill("#id_blocks-0-body_en", "Arrange the chairs in a wide circle so everyone sees every face.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.goto(f"{live_server.url}/en/workspace/core/{handbook.slug}/session-1/publish/")
    assert page.locator("ins", has_text="wide").first.is_visible()
    page.fill("#id_change_note", "A wider circle")
    page.get_by_role("button", name="Publish a new version").click()
    assert page.get_by_text("Published as version 2.").is_visible()
    sign_out(page)

    # 3. The partner sees the change beside her own text and keeps hers.
    sign_in(page, live_server, "partner-editor")
    page.goto(f"{live_server.url}/en/workspace/{handbook.slug}/{partner.slug}/")
    stale = page.locator("#stale-session-1-facilitator-note")
    assert stale.is_visible()
    assert stale.locator("ins").first.inner_text().strip().startswith("wide")
    assert "Sit on mats in a circle, shoes off." in stale.inner_text()
    page.screenshot(path=str(tmp_path / "stale.png"), full_page=True)
    stale.get_by_role("button", name="Keep mine").click()
    assert page.get_by_text("Nothing: every block you adapted is based on the current upstream text.").is_visible()
    assert BlockAdaptation.objects.get().based_on_version == 2
    assert EditionVersion.objects.count() == 1
