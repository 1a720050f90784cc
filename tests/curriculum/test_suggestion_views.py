import pytest
from django.core import mail
from django.urls import reverse

from curriculum.adaptation import adaptation_override, local_block_save
from curriculum.models import Block, BlockAdaptation, CoreSuggestion
from curriculum.suggestions import suggestion_decline, suggestion_make

from .editing import core_edit

pytestmark = pytest.mark.django_db


def suggest_url(handbook, partner, key="facilitator-note"):
    return reverse(
        "workspace:suggest",
        kwargs={
            "curriculum_slug": handbook.slug,
            "partner_slug": partner.slug,
            "module_slug": "session-1",
            "block_key": key,
        },
    )


def module_url(handbook, partner):
    return reverse(
        "workspace:module",
        kwargs={"curriculum_slug": handbook.slug, "partner_slug": partner.slug, "module_slug": "session-1"},
    )


def decide_url(suggestion, decision):
    return reverse("workspace:suggestion-decide", kwargs={"pk": suggestion.pk, "decision": decision})


@pytest.fixture
def own_text(edition, session):
    return adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Sit on mats."}
    )


@pytest.fixture
def suggestion(edition, session, own_text):
    return suggestion_make(edition=edition, module=session, block_key="facilitator-note", message="Mats work.")[0]


def test_the_module_page_offers_to_suggest_only_the_editions_own_text(
    client, handbook, partner, partner_editor, own_text
):
    client.force_login(partner_editor)
    page = client.get(module_url(handbook, partner)).content.decode()
    assert suggest_url(handbook, partner) in page
    assert suggest_url(handbook, partner, key="handout") not in page  # inherited: nothing of its own to suggest


def test_a_partner_editor_previews_and_sends_a_suggestion(client, handbook, partner, partner_editor, own_text):
    client.force_login(partner_editor)
    form = client.get(suggest_url(handbook, partner)).content.decode()
    assert "<del>chairs in a circle</del><ins>mats</ins>" in form
    response = client.post(suggest_url(handbook, partner), {"message": "Chairs are rare."})
    assert response.status_code == 302 and response["Location"] == module_url(handbook, partner)
    suggestion = CoreSuggestion.objects.get()
    assert suggestion.suggested_by == partner_editor and suggestion.message == "Chairs are rare."
    page = client.get(module_url(handbook, partner)).content.decode()
    assert "Your suggestion was sent to the secretariat." in page
    assert f'id="suggestion-{suggestion.pk}"' in page and "Suggested to the core" in page


def test_sending_again_updates_the_open_suggestion_and_says_so(client, handbook, partner, partner_editor, suggestion):
    client.force_login(partner_editor)
    client.post(suggest_url(handbook, partner), {"message": "Even better."})
    assert CoreSuggestion.objects.get().message == "Even better."
    assert (
        "Your open suggestion for this block was updated." in client.get(module_url(handbook, partner)).content.decode()
    )


def test_a_suggestion_without_a_reason_is_shown_again_with_an_error(
    client, handbook, partner, partner_editor, own_text
):
    client.force_login(partner_editor)
    response = client.post(suggest_url(handbook, partner), {"message": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not CoreSuggestion.objects.exists()


def test_a_suggestion_on_a_block_without_own_text_is_refused_with_the_text_typed_kept(
    client, handbook, partner, partner_editor, edition, own_text
):
    client.force_login(partner_editor)
    BlockAdaptation.objects.all().delete()  # another editor took the core text meanwhile
    response = client.post(suggest_url(handbook, partner), {"message": "My careful reason."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This block has no own text in your edition any more" in page and "My careful reason." in page
    assert not CoreSuggestion.objects.exists()
    follow = client.get(suggest_url(handbook, partner), follow=True).content.decode()
    assert "This block has no own text in your edition any more" in follow


def test_another_partners_editor_cannot_suggest_on_this_edition(client, handbook, partner, other_editor, own_text):
    client.force_login(other_editor)
    assert client.post(suggest_url(handbook, partner), {"message": "Theirs."}).status_code == 403
    assert not CoreSuggestion.objects.exists()


def test_the_workspace_index_counts_open_suggestions_for_the_secretariat(client, secretariat, suggestion):
    client.force_login(secretariat)
    page = client.get(reverse("workspace:index")).content.decode()
    assert reverse("workspace:suggestions") in page and "1 open suggestion from partners" in page


def test_the_secretariat_sees_open_suggestions_with_the_partner_reason_and_diff(client, secretariat, suggestion):
    client.force_login(secretariat)
    page = client.get(reverse("workspace:suggestions")).content.decode()
    assert "Tamkeen Women&#x27;s Forum" in page and "Mats work." in page
    assert "<del>chairs in a circle</del><ins>mats</ins>" in page and 'data-testid="warning-core-changed"' not in page


def test_a_suggestion_on_a_block_the_core_changed_is_flagged_and_needs_confirming(
    client, secretariat, suggestion, session
):
    core_edit(session, "facilitator-note", "Arrange the chairs in a wide circle.")
    client.force_login(secretariat)
    assert 'data-testid="warning-core-changed"' in client.get(reverse("workspace:suggestions")).content.decode()
    review = client.get(reverse("workspace:suggestion", kwargs={"pk": suggestion.pk})).content.decode()
    assert 'name="confirm"' in review
    response = client.post(decide_url(suggestion, "accept"), {"reason": "Thanks."})
    page = response.content.decode()
    assert response.status_code == 200 and "confirm to replace the core text" in page and "Thanks." in page
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Arrange the chairs in a wide circle."
    response = client.post(decide_url(suggestion, "accept"), {"reason": "Thanks.", "confirm": "on"})
    assert response.status_code == 302
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Sit on mats."


def test_the_secretariat_accepts_and_the_partner_is_told_and_inherits(
    client, handbook, partner, secretariat, partner_editor, suggestion, session, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(suggestion, "accept"), {"reason": "Lovely."}, follow=True)
    assert "Accepted: the core is now at version 2" in response.content.decode()
    assert mail.outbox[0].to == [partner_editor.email] and "Lovely." in mail.outbox[0].body
    client.force_login(partner_editor)
    page = client.get(module_url(handbook, partner)).content.decode()
    assert "Accepted on" in page and "since version 2" in page and "Lovely." in page
    assert not BlockAdaptation.objects.exists()


def test_declining_without_a_reason_is_refused_and_a_reason_is_shown_to_the_partner(
    client, handbook, partner, secretariat, partner_editor, suggestion
):
    client.force_login(secretariat)
    response = client.post(decide_url(suggestion, "decline"), {"reason": ""})
    assert response.status_code == 200 and "Give the partner a reason for declining." in response.content.decode()
    assert CoreSuggestion.objects.get().is_open
    client.post(decide_url(suggestion, "decline"), {"reason": "We keep chairs for accessibility."})
    client.force_login(partner_editor)
    page = client.get(module_url(handbook, partner)).content.decode()
    assert "Declined on" in page and "We keep chairs for accessibility." in page


def test_a_second_click_on_a_decided_suggestion_says_so_and_changes_nothing(client, secretariat, suggestion, session):
    client.force_login(secretariat)
    suggestion_decline(suggestion=suggestion, user=secretariat, reason="No.")
    response = client.post(decide_url(suggestion, "accept"), {"confirm": "on"}, follow=True)
    assert "This suggestion was declined already: nothing was changed." in response.content.decode()
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Arrange the chairs in a circle."


@pytest.mark.parametrize("persona", ["partner_editor", "translator_ar", "other_editor"])
def test_only_the_secretariat_decides(client, persona, request, suggestion, session):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("workspace:suggestions")).status_code == 403
    assert client.post(decide_url(suggestion, "accept"), {"confirm": "on"}).status_code == 403
    assert CoreSuggestion.objects.get().is_open
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Arrange the chairs in a circle."


def test_anonymous_visitors_are_sent_to_sign_in(client, handbook, partner, suggestion):
    assert "/accounts/login/" in client.post(decide_url(suggestion, "decline"), {"reason": "x"})["Location"]
    assert "/accounts/login/" in client.post(suggest_url(handbook, partner), {"message": "x"})["Location"]
    assert CoreSuggestion.objects.get().is_open


def test_a_local_block_is_suggested_from_the_module_page(client, handbook, partner, partner_editor, edition, session):
    local = local_block_save(edition=edition, module=session, kind="scenario", title={}, body={"en": "A story."})
    client.force_login(partner_editor)
    assert suggest_url(handbook, partner, key=local.key) in client.get(module_url(handbook, partner)).content.decode()
    client.post(suggest_url(handbook, partner, key=local.key), {"message": "Every partner needs this."})
    assert CoreSuggestion.objects.get().kind == CoreSuggestion.Kind.LOCAL


def test_pages_in_arabic_are_right_to_left(client, secretariat, suggestion):
    client.force_login(secretariat)
    page = client.get("/ar/workspace/core/suggestions/").content.decode()
    assert 'dir="rtl"' in page.split(">", 2)[1]
    assert 'lang="en" dir="ltr"' in page  # the English texts keep their own direction
