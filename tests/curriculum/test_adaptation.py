import pytest

from curriculum.adaptation import (
    AdaptationConflict,
    AdaptationError,
    adaptation_acknowledge,
    adaptation_hide,
    adaptation_inherit,
    adaptation_override,
    edition_core_changes,
    edition_get_or_create,
    edition_stale_adaptations,
    local_block_move,
    local_block_save,
)
from curriculum.models import BlockAdaptation
from curriculum.publishing import edition_publish
from curriculum.resolution import edition_resolve
from tests.curriculum.editing import core_edit, resolved_modules

pytestmark = pytest.mark.django_db


def test_an_override_replaces_the_core_text_only_once_published(edition, session):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note",
        title={"en": "Our note"}, body={"en": "Sit on mats.", "ar": "اجلسن على الحصائر."},
    )  # fmt: skip
    assert resolved_modules(edition)["session-1"].blocks[0].body == "Arrange the chairs in a circle."
    draft = resolved_modules(edition, draft=True)["session-1"].blocks[0]
    assert draft.body == "Sit on mats." and draft.adaptation == "override" and draft.source == "partner"
    edition_publish(edition=edition, change_note="First")
    published = resolved_modules(edition, language="ar")["session-1"].blocks[0]
    assert published.body == "اجلسن على الحصائر."
    assert published.source_name == edition.partner.name and published.source_version == 1


def test_hiding_and_local_blocks_shape_the_module(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    local_block_save(edition=edition, module=session, after_key="facilitator-note", kind="scenario",
                     title={"en": "Local"}, body={"en": "A story from Irbid."})  # fmt: skip
    local_block_save(edition=edition, module=session, after_key="", kind="text",
                     title={"en": "Intro"}, body={"en": "Welcome to Irbid."})  # fmt: skip
    edition_publish(edition=edition)
    module = resolved_modules(edition)["session-1"]
    assert [block.body for block in module.blocks] == [
        "Welcome to Irbid.",
        "Arrange the chairs in a circle.",
        "A story from Irbid.",
    ]
    assert [block.key for block in module.hidden] == ["handout"]
    core = edition_resolve(curriculum=edition.curriculum, language="en").modules[1]
    assert [block.key for block in core.blocks] == ["facilitator-note", "handout"]


def test_local_blocks_can_be_reordered(edition, session):
    first = local_block_save(
        edition=edition, module=session, after_key="facilitator-note", kind="text", title={}, body={"en": "one"}
    )
    local_block_save(
        edition=edition, module=session, after_key="facilitator-note", kind="text", title={}, body={"en": "two"}
    )
    local_block_move(local=first, offset=1)
    bodies = [block.body for block in resolved_modules(edition, draft=True)["session-1"].blocks]
    assert bodies == ["Arrange the chairs in a circle.", "two", "one", "- Speak clearly\n- Listen fully"]


def test_inherited_blocks_follow_core_fixes_silently(edition, session):
    edition_publish(edition=edition)
    core_edit(session, "facilitator-note", "Arrange the chairs in a circle, facing each other.")
    assert resolved_modules(edition)["session-1"].blocks[0].body == "Arrange the chairs in a circle, facing each other."
    assert edition_stale_adaptations(edition=edition) == []
    changes = edition_core_changes(edition=edition)
    assert changes[0]["module"] == "session-1" and changes[0]["from"] == 1 and changes[0]["to"] == 2
    assert "<ins>, facing each other</ins>" in changes[0]["blocks"][0].diff_html.replace("<ins>,</ins><ins>", "<ins>,")


def test_a_core_change_to_an_overridden_block_is_flagged_with_a_diff(edition, session):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Sit on mats."}
    )
    edition_publish(edition=edition)
    core_edit(session, "facilitator-note", "Arrange the chairs in a wide circle.")
    [stale] = edition_stale_adaptations(edition=edition)
    assert stale.block_key == "facilitator-note" and stale.own_text == "Sit on mats."
    assert "<ins>wide </ins>" in stale.diff_html
    # The partner's text is kept, marked stale, until the partner decides.
    block = resolved_modules(edition)["session-1"].blocks[0]
    assert block.body == "Sit on mats." and block.upstream_changed and not block.is_stale


def test_keep_mine_acknowledges_and_take_core_returns_to_inheriting(edition, session):
    adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Mats."})
    core_edit(session, "facilitator-note", "Chairs, in a wide circle.")
    adaptation_acknowledge(edition=edition, module=session, block_key="facilitator-note")
    assert edition_stale_adaptations(edition=edition) == []
    assert BlockAdaptation.objects.get().based_on_version == 2
    core_edit(session, "facilitator-note", "Chairs, in a very wide circle.")
    assert len(edition_stale_adaptations(edition=edition)) == 1
    adaptation_inherit(edition=edition, module=session, block_key="facilitator-note")
    edition_publish(edition=edition)
    assert resolved_modules(edition)["session-1"].blocks[0].body == "Chairs, in a very wide circle."


def test_hidden_blocks_become_stale_when_the_core_changes_them(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    core_edit(session, "handout", "- Speak clearly\n- Listen fully\n- Breathe")
    [stale] = edition_stale_adaptations(edition=edition)
    assert stale.action == "hide" and "<ins>" in stale.diff_html


def test_a_save_from_a_stale_form_is_refused_and_keeps_both_texts(edition, session):
    first = adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "A"}, expected_revision=0
    )
    adaptation_override(
        edition=edition,
        module=session,
        block_key="facilitator-note",
        title={},
        body={"en": "B"},
        expected_revision=first.revision,
    )
    with pytest.raises(AdaptationConflict) as conflict:
        adaptation_override(
            edition=edition,
            module=session,
            block_key="facilitator-note",
            title={},
            body={"en": "C"},
            expected_revision=first.revision,
        )
    assert conflict.value.current.body_en == "B"
    assert BlockAdaptation.objects.get().body_en == "B"


def test_two_editors_creating_the_same_override_from_fresh_forms_conflict(edition, session):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "A"}, expected_revision=0
    )
    with pytest.raises(AdaptationConflict):
        adaptation_override(
            edition=edition,
            module=session,
            block_key="facilitator-note",
            title={},
            body={"en": "B"},
            expected_revision=0,
        )


def test_an_empty_override_is_refused(edition, session):
    with pytest.raises(AdaptationError):
        adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "  "})
    assert not BlockAdaptation.objects.exists()


def test_an_affiliate_adapts_its_partners_edition(handbook, partner, affiliate, session):
    parent_edition = edition_get_or_create(curriculum=handbook, partner=partner)
    adaptation_override(
        edition=parent_edition, module=session, block_key="facilitator-note", title={}, body={"en": "Partner text."}
    )
    local = local_block_save(
        edition=parent_edition, module=session, after_key="", kind="text", title={}, body={"en": "Partner local."}
    )
    edition_publish(edition=parent_edition)
    child = edition_get_or_create(curriculum=handbook, partner=affiliate)
    adaptation_override(
        edition=child, module=session, block_key=local.key, title={}, body={"en": "Affiliate version of the local."}
    )
    edition_publish(edition=child)
    blocks = resolved_modules(child)["session-1"].blocks
    assert [(block.body, block.source) for block in blocks] == [
        ("Affiliate version of the local.", "affiliate"),
        ("Partner text.", "partner"),
        ("- Speak clearly\n- Listen fully", "core"),
    ]
    # The partner changes its own text: the affiliate is told, the core is not involved.
    local_block_save(
        edition=parent_edition,
        module=session,
        local=local,
        kind="text",
        title={},
        body={"en": "Partner local, revised."},
    )
    edition_publish(edition=parent_edition)
    [stale] = edition_stale_adaptations(edition=child)
    assert stale.block_key == local.key and stale.diff_html == "Partner local<ins>, revised</ins>."


@pytest.mark.parametrize("language", ["tg", "ar"])
def test_an_affiliate_is_told_when_its_partner_changes_text_only_in_its_own_language(
    handbook, partner, affiliate, session, language
):
    """The partner writes only in Tajik (or Arabic): staleness compares those texts, not the core's English."""
    parent_edition = edition_get_or_create(curriculum=handbook, partner=partner)
    local = local_block_save(
        edition=parent_edition, module=session, after_key="", kind="text", title={}, body={language: "Matn-i avval."}
    )
    adaptation_override(
        edition=parent_edition, module=session, block_key="handout", title={}, body={language: "Varaqa."}
    )
    edition_publish(edition=parent_edition)
    child = edition_get_or_create(curriculum=handbook, partner=affiliate)
    adaptation_override(edition=child, module=session, block_key=local.key, title={}, body={language: "Matn-i mo."})
    adaptation_hide(edition=child, module=session, block_key="handout")
    edition_publish(edition=child)
    assert edition_stale_adaptations(edition=child) == []
    local_block_save(
        edition=parent_edition, module=session, local=local, kind="text", title={}, body={language: "Matn-i nav."}
    )
    adaptation_override(
        edition=parent_edition, module=session, block_key="handout", title={}, body={language: "Varaqa-i nav."}
    )
    edition_publish(edition=parent_edition)
    stale = {item.block_key: item for item in edition_stale_adaptations(edition=child)}
    assert set(stale) == {local.key, "handout"}
    assert stale[local.key].language == language and "<ins>nav</ins>" in stale[local.key].diff_html
    assert stale[local.key].own_text == "Matn-i mo."
    blocks = {block.key: block for block in resolved_modules(child, language=language)["session-1"].blocks}
    assert blocks[local.key].upstream_changed
    adaptation_acknowledge(edition=child, module=session, block_key=local.key)
    assert {item.block_key for item in edition_stale_adaptations(edition=child)} == {"handout"}


def test_adaptations_recorded_before_every_language_was_kept_still_compare_the_source_language(edition, session):
    """Adaptations saved with the earlier `based_on` (the source language's text only) stay readable."""
    adaptation = adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"ar": "اجلسن على الحصائر."}
    )
    BlockAdaptation.objects.filter(pk=adaptation.pk).update(
        based_on={"title": "Before you start", "body": "Arrange the chairs in a circle."}
    )
    assert edition_stale_adaptations(edition=edition) == []
    BlockAdaptation.objects.filter(pk=adaptation.pk).update(
        based_on={"title": "Before you start", "body": "Arrange the chairs in a line."}
    )
    [stale] = edition_stale_adaptations(edition=edition)
    assert stale.language == "en" and "<ins>circle</ins>" in stale.diff_html
