import pytest
from django.core import mail

from audit.models import AuditEvent
from curriculum.adaptation import adaptation_hide, adaptation_override, edition_get_or_create, local_block_save
from curriculum.models import Block, BlockAdaptation, CoreSuggestion, LocalBlock, ModuleVersion
from curriculum.publishing import edition_publish
from curriculum.suggestions import (
    SuggestionDecided,
    SuggestionError,
    SuggestionNeedsConfirmation,
    suggestion_accept,
    suggestion_counts,
    suggestion_decline,
    suggestion_make,
    suggestion_notify,
    suggestion_review,
    suggestions_open,
)
from translations.models import TranslationRecord

from .editing import core_edit, resolved_modules

pytestmark = pytest.mark.django_db


def override(edition, session, text="Sit on mats in a circle, shoes off.", **languages):
    return adaptation_override(
        edition=edition,
        module=session,
        block_key="facilitator-note",
        title={"en": "Mats"},
        body={"en": text, **languages},
    )


def suggest(edition, session, key="facilitator-note", message="Chairs are rare in our centres."):
    return suggestion_make(edition=edition, module=session, block_key=key, message=message)[0]


def test_a_partner_suggests_its_override_with_the_core_text_it_adapted(edition, session, partner_editor):
    override(edition, session)
    suggestion, created = suggestion_make(
        edition=edition, module=session, block_key="facilitator-note", message="Mats work.", user=partner_editor
    )
    assert created
    assert suggestion.kind == CoreSuggestion.Kind.OVERRIDE and suggestion.is_open
    assert (suggestion.title, suggestion.body, suggestion.language) == (
        "Mats",
        "Sit on mats in a circle, shoes off.",
        "en",
    )
    assert suggestion.adapted_core_text() == ("Before you start", "Arrange the chairs in a circle.")
    assert suggestion.based_on_version == 1 and suggestion.suggested_by == partner_editor


def test_a_second_suggestion_on_the_same_block_updates_the_open_one(edition, session):
    adaptation = override(edition, session)
    first = suggest(edition, session)
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Cushions."},
        expected_revision=adaptation.revision,
    )  # fmt: skip
    second, created = suggestion_make(edition=edition, module=session, block_key="facilitator-note", message="Better.")
    assert not created and second.pk == first.pk
    assert CoreSuggestion.objects.get().body == "Cushions." and CoreSuggestion.objects.get().message == "Better."


def test_a_suggestion_needs_a_reason(edition, session):
    override(edition, session)
    with pytest.raises(SuggestionError, match="why the core should change"):
        suggest(edition, session, message="   ")
    assert not CoreSuggestion.objects.exists()


@pytest.mark.parametrize("state", ["inherited", "hidden", "unknown"])
def test_a_block_without_own_text_cannot_be_suggested(edition, session, state):
    if state == "hidden":
        adaptation_hide(edition=edition, module=session, block_key="facilitator-note")
    key = "no-such-block" if state == "unknown" else "facilitator-note"
    with pytest.raises(SuggestionError, match="no own text in your edition"):
        suggest(edition, session, key=key)
    assert not CoreSuggestion.objects.exists()


def test_own_text_only_in_another_language_than_the_cores_is_refused_with_the_language_named(edition, session):
    adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"ar": "نص."})
    with pytest.raises(SuggestionError, match="no English version"):
        suggest(edition, session)


def test_own_text_the_same_as_the_core_is_refused(edition, session):
    override(edition, session, text="Arrange the chairs in a circle.")
    BlockAdaptation.objects.update(title_en="")
    with pytest.raises(SuggestionError, match="same as the core text"):
        suggest(edition, session)


def test_the_review_diffs_against_the_current_core_text(edition, session):
    override(edition, session)
    review = suggestion_review(suggestion=suggest(edition, session))
    assert "<del>chairs</del>" in review.diff_html and "<ins>mats</ins>" in review.diff_html
    assert not review.core_changed and not review.needs_confirmation
    assert review.title_changed and review.core_title == "Before you start"


def test_the_review_warns_when_the_core_changed_since_the_partner_adapted(edition, session):
    override(edition, session)
    suggestion = suggest(edition, session)
    core_edit(session, "facilitator-note", "Arrange the chairs in a wide circle.")
    review = suggestion_review(suggestion=suggestion)
    assert review.core_changed and review.needs_confirmation
    assert "<ins>wide </ins>" in review.adapted_diff_html
    assert "wide" in review.diff_html  # the diff is against the newer core text


def test_the_review_warns_of_unpublished_core_edits_in_the_module(edition, session):
    override(edition, session)
    suggestion = suggest(edition, session)
    Block.objects.filter(module=session, key="handout").update(body_en="- Speak slowly")
    assert suggestion_review(suggestion=suggestion).unpublished_edits


def test_accepting_an_override_makes_it_the_core_text_and_the_partner_inherits_again(
    edition, session, secretariat, django_capture_on_commit_callbacks
):
    override(edition, session)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggestion_accept(suggestion=suggest(edition, session), user=secretariat, reason="Thank you.")
    block = Block.objects.get(module=session, key="facilitator-note")
    assert (block.title_en, block.body_en) == ("Mats", "Sit on mats in a circle, shoes off.")
    assert block.body_ar == "رتّبي الكراسي في دائرة."  # the translations stay, and are stale
    assert suggestion.status == CoreSuggestion.Status.ACCEPTED and suggestion.decided_by == secretariat
    version = ModuleVersion.objects.get(module=session, number=2)
    assert suggestion.core_version == version and version.published_by == secretariat
    assert version.change_note == "Suggested by Tamkeen Women's Forum: Chairs are rare in our centres."
    assert not BlockAdaptation.objects.exists()
    resolved = {block.key: block for block in resolved_modules(edition, draft=True)["session-1"].blocks}
    assert resolved["facilitator-note"].adaptation == "inherited"
    assert resolved["facilitator-note"].body == "Sit on mats in a circle, shoes off."
    assert len(mail.outbox) == 0  # nobody is a member of the partner here: nobody to tell


def test_accepting_makes_the_translations_of_the_old_core_text_stale(edition, session, secretariat):
    override(edition, session)
    suggestion_accept(suggestion=suggest(edition, session), user=secretariat)
    block = Block.objects.get(module=session, key="facilitator-note")
    record = TranslationRecord.objects.get(object_id=block.pk, field="body", language="ar")
    assert record.source_text == "Arrange the chairs in a circle."
    arabic = {item.key: item for item in resolved_modules(edition, language="ar")["session-1"].blocks}
    assert arabic["facilitator-note"].is_stale


def test_accepting_over_a_newer_core_text_must_be_confirmed(edition, session, secretariat):
    override(edition, session)
    suggestion = suggest(edition, session)
    core_edit(session, "facilitator-note", "Arrange the chairs in a wide circle.")
    with pytest.raises(SuggestionNeedsConfirmation):
        suggestion_accept(suggestion=suggestion, user=secretariat)
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Arrange the chairs in a wide circle."
    assert CoreSuggestion.objects.get().is_open and BlockAdaptation.objects.exists()
    suggestion_accept(suggestion=suggestion, user=secretariat, confirmed=True)
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Sit on mats in a circle, shoes off."


def test_a_decision_on_a_decided_suggestion_is_refused_and_changes_nothing(edition, session, secretariat):
    override(edition, session)
    suggestion = suggest(edition, session)
    suggestion_decline(suggestion=suggestion, user=secretariat, reason="We keep chairs.")
    events = AuditEvent.objects.count()
    with pytest.raises(SuggestionDecided, match="declined already"):
        suggestion_accept(suggestion=suggestion, user=secretariat, confirmed=True)
    with pytest.raises(SuggestionDecided):
        suggestion_decline(suggestion=suggestion, user=secretariat, reason="Again.")
    assert AuditEvent.objects.count() == events
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Arrange the chairs in a circle."
    assert CoreSuggestion.objects.get().decision_reason == "We keep chairs."


def test_declining_needs_a_reason_and_keeps_the_partners_text(edition, session, secretariat):
    override(edition, session)
    suggestion = suggest(edition, session)
    with pytest.raises(SuggestionError, match="reason"):
        suggestion_decline(suggestion=suggestion, user=secretariat, reason=" ")
    suggestion_decline(suggestion=suggestion, user=secretariat, reason="We keep chairs.")
    assert CoreSuggestion.objects.get().status == CoreSuggestion.Status.DECLINED
    assert BlockAdaptation.objects.get().body_en == "Sit on mats in a circle, shoes off."
    assert ModuleVersion.objects.filter(module=session).count() == 1


def test_after_a_decision_the_partner_may_suggest_the_block_again(edition, session, secretariat):
    override(edition, session)
    suggestion_decline(suggestion=suggest(edition, session), user=secretariat, reason="Not now.")
    _again, created = suggestion_make(edition=edition, module=session, block_key="facilitator-note", message="Now?")
    assert created and CoreSuggestion.objects.count() == 2


def test_an_override_edited_after_suggesting_is_kept_on_acceptance(edition, session, secretariat):
    adaptation = override(edition, session)
    suggestion = suggest(edition, session)
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Newer own text."},
        expected_revision=adaptation.revision,
    )  # fmt: skip
    suggestion_accept(suggestion=suggestion, user=secretariat)
    assert Block.objects.get(module=session, key="facilitator-note").body_en == "Sit on mats in a circle, shoes off."
    assert BlockAdaptation.objects.get().body_en == "Newer own text."  # nothing the partner wrote is lost


def test_accepting_a_local_block_adds_a_core_block_at_its_place_with_its_key(edition, session, secretariat):
    local = local_block_save(
        edition=edition, module=session, kind="scenario", title={"en": "Irbid"}, body={"en": "A story."},
        after_key="facilitator-note",
    )  # fmt: skip
    later = local_block_save(
        edition=edition, module=session, kind="text", title={}, body={"en": "After it."}, after_key="facilitator-note"
    )
    suggestion = suggest(edition, session, key=local.key)
    assert suggestion.kind == CoreSuggestion.Kind.LOCAL and not suggestion_review(suggestion=suggestion).core_changed
    suggestion_accept(suggestion=suggestion, user=secretariat)
    keys = list(session.blocks.order_by("position", "id").values_list("key", flat=True))
    assert keys == ["facilitator-note", local.key, "handout"]
    block = Block.objects.get(key=local.key)
    assert (block.kind, block.title_en, block.body_en) == ("scenario", "Irbid", "A story.")
    assert list(LocalBlock.objects.values_list("key", "after_key")) == [(later.key, local.key)]
    resolved = resolved_modules(edition, draft=True)["session-1"].blocks
    assert [(item.key, item.adaptation) for item in resolved] == [
        ("facilitator-note", "inherited"), (local.key, "inherited"), (later.key, "local"), ("handout", "inherited"),
    ]  # fmt: skip


def test_an_edition_published_before_its_local_block_was_accepted_shows_it_once(edition, session, secretariat):
    local = local_block_save(edition=edition, module=session, kind="text", title={}, body={"en": "Ours."})
    edition_publish(edition=edition)
    suggestion_accept(suggestion=suggest(edition, session, key=local.key), user=secretariat)
    published = resolved_modules(edition)["session-1"].blocks
    assert [(block.key, block.source) for block in published if block.key == local.key] == [(local.key, "core")]


def test_a_local_block_whose_key_is_taken_in_the_core_gets_a_free_one(edition, session, secretariat, affiliate):
    local = local_block_save(edition=edition, module=session, kind="text", title={}, body={"en": "Ours."})
    Block.objects.create(module=session, key=local.key, position=9, body_en="Someone else's.")
    affiliate_edition = edition_get_or_create(curriculum=edition.curriculum, partner=affiliate)
    BlockAdaptation.objects.create(
        edition=affiliate_edition, module=session, block_key=local.key, action=BlockAdaptation.Action.HIDE
    )
    suggestion_accept(suggestion=suggest(edition, session, key=local.key), user=secretariat, confirmed=True)
    new = Block.objects.get(module=session, body_en="Ours.")
    assert new.key == f"{local.key}-2" and new.position == 1
    assert BlockAdaptation.objects.get(edition=affiliate_edition).block_key == new.key


def test_open_suggestions_are_listed_oldest_first_and_counted(edition, session, handbook, other_partner):
    override(edition, session)
    suggest(edition, session)
    other = edition_get_or_create(curriculum=handbook, partner=other_partner)
    local = local_block_save(edition=other, module=session, kind="text", title={}, body={"en": "Theirs."})
    suggest(other, session, key=local.key)
    assert [review.suggestion.edition for review in suggestions_open()] == [edition, other]
    assert suggestion_counts() == {handbook.pk: 2}


def test_the_partners_members_are_told_in_the_partners_language_after_the_commit(
    edition, session, secretariat, partner_editor, django_capture_on_commit_callbacks
):
    override(edition, session)
    suggestion = suggest(edition, session)
    with django_capture_on_commit_callbacks() as callbacks:
        suggestion_decline(suggestion=suggestion, user=secretariat, reason="We keep chairs.")
    assert len(mail.outbox) == 0  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [message.to for message in mail.outbox] == [[partner_editor.email]]
    assert "/ar/workspace/leading-to-choices/tamkeen/session-1/" in mail.outbox[0].body  # Tamkeen works in Arabic
    assert "We keep chairs." in mail.outbox[0].body


def test_a_failing_mail_server_never_undoes_the_decision(edition, session, secretariat, partner_editor, monkeypatch):
    override(edition, session)
    suggestion = suggest(edition, session)
    suggestion_decline(suggestion=suggestion, user=secretariat, reason="No.")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("curriculum.suggestions.send_mail", refuse)
    assert suggestion_notify(suggestion_id=suggestion.pk) == 0
    assert CoreSuggestion.objects.get().status == CoreSuggestion.Status.DECLINED


def test_decisions_are_in_the_audit_trail(edition, session, secretariat):
    override(edition, session)
    suggestion = suggest(edition, session)
    suggestion_decline(suggestion=suggestion, user=secretariat, reason="No.")
    event = AuditEvent.objects.filter(model="curriculum.CoreSuggestion", action="changed").get()
    assert event.changes["status"] == ["open", "declined"]
