"""A partner suggests its own text back to the core, the secretariat accepts it, and the partner inherits it again."""

import pytest

from curriculum.models import Block, BlockAdaptation, CoreSuggestion, ModuleVersion

from .test_adaptation_journey import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_suggestion_accepted_by_the_secretariat_turns_the_override_into_inheritance(
    page, live_server, handbook, partner, partner_editor, secretariat, tmp_path
):
    module_page = f"{live_server.url}/en/workspace/{handbook.slug}/{partner.slug}/session-1/"

    # 1. The partner editor writes her own text for the facilitator note and suggests it to the core.
    sign_in(page, live_server, "partner-editor")
    page.goto(module_page)
    page.locator("#block-facilitator-note").get_by_role("link", name="Write own text").click()
    page.fill("#id_body_en", "Sit on mats in a circle, shoes off.")
    page.get_by_role("button", name="Save").click()
    page.get_by_test_id("suggest-facilitator-note").click()
    assert page.locator("#suggestion-preview ins", has_text="mats").first.is_visible()
    page.fill("#id_message", "Most of our centres have no chairs.")
    page.get_by_role("button", name="Send the suggestion").click()
    assert page.get_by_text("Your suggestion was sent to the secretariat.").is_visible()
    assert page.locator("#block-facilitator-note").get_by_test_id("suggested-badge").is_visible()
    assert "Open" in page.get_by_test_id("suggestion-facilitator-note").inner_text()
    sign_out(page)

    # 2. The secretariat sees it counted in the workspace, reads the diff against the core and accepts it.
    sign_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/en/workspace/")
    assert page.get_by_test_id("open-suggestions-count").inner_text().strip() == "1 open"
    page.locator("#core-suggestions").get_by_role("link", name="Suggestions from partners").click()
    item = page.get_by_test_id(f"suggestion-{partner.slug}-facilitator-note")
    assert "Most of our centres have no chairs." in item.inner_text()
    assert item.locator("del", has_text="chairs").first.is_visible()
    item.get_by_role("link", name="Review and decide").click()
    page.fill("#id_reason", "Thank you: mats it is, everywhere.")
    page.locator("#suggestion-accept").click()
    assert page.get_by_text("Accepted: the core is now at version 2 and the partner follows it again.").is_visible()
    assert page.get_by_text("No open suggestions.").is_visible()
    sign_out(page)

    # 3. The partner's module page shows the block inherited, with the new core text, and the decision.
    sign_in(page, live_server, "partner-editor")
    page.goto(module_page)
    block = page.locator("#block-facilitator-note")
    assert block.locator(".badge", has_text="Inherited").is_visible()
    assert "Sit on mats in a circle, shoes off." in block.inner_text()
    assert "version 2" in block.locator(".provenance").inner_text()
    decision = page.get_by_test_id("suggestion-facilitator-note")
    assert "Accepted" in decision.inner_text() and "Thank you: mats it is, everywhere." in decision.inner_text()
    page.screenshot(path=str(tmp_path / "accepted.png"), full_page=True)

    assert not BlockAdaptation.objects.exists()
    assert Block.objects.get(module__slug="session-1", key="facilitator-note").body_en.startswith("Sit on mats")
    assert ModuleVersion.objects.get(module__slug="session-1", number=2).change_note.startswith(
        "Suggested by Tamkeen Women's Forum"
    )
    assert CoreSuggestion.objects.get().status == CoreSuggestion.Status.ACCEPTED
