import pytest

from curriculum.models import Block, BlockAdaptation, EditionVersion, Module
from curriculum.services import (
    AdaptationConflict,
    AdaptationError,
    adaptation_acknowledge,
    adaptation_hide,
    adaptation_inherit,
    adaptation_override,
    curriculum_export,
    curriculum_import,
    edition_core_changes,
    edition_get_or_create,
    edition_publish,
    edition_resolve,
    edition_stale_adaptations,
    local_block_move,
    local_block_save,
    module_publish,
    word_diff,
)
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(handbook, partner):
    return edition_get_or_create(curriculum=handbook, partner=partner)


@pytest.fixture
def session(handbook):
    return Module.objects.get(curriculum=handbook, slug="session-1")


def _blocks(edition_, language="en", draft=False, partner=None):
    resolved = edition_resolve(
        curriculum=edition_.curriculum, partner=partner or edition_.partner, language=language, draft=draft
    )
    return {module.slug: module for module in resolved.modules}


def _core_edit(module, key, text):
    block = Block.objects.get(module=module, key=key)
    block.body_en = text
    block.save()
    return module_publish(module=module, change_note="Core fix")


def test_an_override_replaces_the_core_text_only_once_published(edition, session):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note",
        title={"en": "Our note"}, body={"en": "Sit on mats.", "ar": "اجلسن على الحصائر."},
    )  # fmt: skip
    assert _blocks(edition)["session-1"].blocks[0].body == "Arrange the chairs in a circle."
    draft = _blocks(edition, draft=True)["session-1"].blocks[0]
    assert draft.body == "Sit on mats." and draft.adaptation == "override" and draft.source == "partner"
    edition_publish(edition=edition, change_note="First")
    published = _blocks(edition, language="ar")["session-1"].blocks[0]
    assert published.body == "اجلسن على الحصائر."
    assert published.source_name == edition.partner.name and published.source_version == 1


def test_hiding_and_local_blocks_shape_the_module(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    local_block_save(edition=edition, module=session, after_key="facilitator-note", kind="scenario",
                     title={"en": "Local"}, body={"en": "A story from Irbid."})  # fmt: skip
    local_block_save(edition=edition, module=session, after_key="", kind="text",
                     title={"en": "Intro"}, body={"en": "Welcome to Irbid."})  # fmt: skip
    edition_publish(edition=edition)
    module = _blocks(edition)["session-1"]
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
    bodies = [block.body for block in _blocks(edition, draft=True)["session-1"].blocks]
    assert bodies == ["Arrange the chairs in a circle.", "two", "one", "- Speak clearly\n- Listen fully"]


def test_inherited_blocks_follow_core_fixes_silently(edition, session):
    edition_publish(edition=edition)
    _core_edit(session, "facilitator-note", "Arrange the chairs in a circle, facing each other.")
    assert _blocks(edition)["session-1"].blocks[0].body == "Arrange the chairs in a circle, facing each other."
    assert edition_stale_adaptations(edition=edition) == []
    changes = edition_core_changes(edition=edition)
    assert changes[0]["module"] == "session-1" and changes[0]["from"] == 1 and changes[0]["to"] == 2
    assert "<ins>, facing each other</ins>" in changes[0]["blocks"][0]["diff_html"].replace(
        "<ins>,</ins><ins>", "<ins>,"
    )


def test_a_core_change_to_an_overridden_block_is_flagged_with_a_diff(edition, session):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Sit on mats."}
    )
    edition_publish(edition=edition)
    _core_edit(session, "facilitator-note", "Arrange the chairs in a wide circle.")
    [stale] = edition_stale_adaptations(edition=edition)
    assert stale.block_key == "facilitator-note" and stale.own_text == "Sit on mats."
    assert "<ins>wide </ins>" in stale.diff_html
    # The partner's text is kept, marked stale, until the partner decides.
    block = _blocks(edition)["session-1"].blocks[0]
    assert block.body == "Sit on mats." and block.upstream_changed and not block.is_stale


def test_keep_mine_acknowledges_and_take_core_returns_to_inheriting(edition, session):
    adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Mats."})
    _core_edit(session, "facilitator-note", "Chairs, in a wide circle.")
    adaptation_acknowledge(edition=edition, module=session, block_key="facilitator-note")
    assert edition_stale_adaptations(edition=edition) == []
    assert BlockAdaptation.objects.get().based_on_version == 2
    _core_edit(session, "facilitator-note", "Chairs, in a very wide circle.")
    assert len(edition_stale_adaptations(edition=edition)) == 1
    adaptation_inherit(edition=edition, module=session, block_key="facilitator-note")
    edition_publish(edition=edition)
    assert _blocks(edition)["session-1"].blocks[0].body == "Chairs, in a very wide circle."


def test_hidden_blocks_become_stale_when_the_core_changes_them(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    _core_edit(session, "handout", "- Speak clearly\n- Listen fully\n- Breathe")
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
    blocks = _blocks(child)["session-1"].blocks
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


def test_publishing_an_unchanged_edition_makes_no_new_version(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    assert edition_publish(edition=edition).number == 1
    assert edition_publish(edition=edition).number == 1
    assert EditionVersion.objects.count() == 1


def test_pinned_edition_versions_reproduce_an_old_partner_edition(edition, session):
    adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "v1"})
    edition_publish(edition=edition)
    old = edition_resolve(curriculum=edition.curriculum, partner=edition.partner, language="en")
    adaptation_override(edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "v2"})
    edition_publish(edition=edition)
    again = edition_resolve(
        curriculum=edition.curriculum, partner=edition.partner, language="en",
        version_ids=old.version_ids, edition_version_ids=old.edition_version_ids,
    )  # fmt: skip
    assert again.content_digest() == old.content_digest()
    assert again.modules[1].blocks[0].body == "v1"


def test_word_diff_escapes_markup():
    assert word_diff("a <b>", "a <i>") == "a &lt;<del>b</del><ins>i</ins>&gt;"


def test_resolving_a_large_edition_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    """30 modules × 10 blocks, 20 partners, each with an affiliate chain three levels deep."""
    curriculum = CurriculumFactory()
    modules = []
    for m in range(30):
        module = ModuleFactory(curriculum=curriculum, position=m)
        for b in range(10):
            BlockFactory(module=module, key=f"b{b}", position=b, body_ar=f"نص {b}")
        module_publish(module=module)
        modules.append(module)
    deepest = None
    for p in range(20):
        parent = None
        for level in range(3):
            partner = PartnerFactory(parent=parent, slug=f"p{p}-l{level}")
            edition = edition_get_or_create(curriculum=curriculum, partner=partner)
            for module in modules[::3]:
                adaptation_override(
                    edition=edition, module=module, block_key="b1", title={}, body={"en": f"{partner.slug}"}
                )
                local_block_save(
                    edition=edition, module=module, after_key="b2", kind="text", title={}, body={"en": "local"}
                )
            if level == 0:
                adaptation_hide(edition=edition, module=modules[1], block_key="b5")
            edition_publish(edition=edition)
            parent = partner
        deepest = parent
    deepest.refresh_from_db()
    with django_assert_max_num_queries(2):
        resolved = edition_resolve(curriculum=curriculum, partner=deepest, language="ar")
    assert resolved.block_count == 30 * 10 + 10 * 3 - 1
    assert resolved.modules[0].blocks[1].body == deepest.slug
    with django_assert_max_num_queries(4):
        edition_resolve(curriculum=curriculum, partner=deepest, language="ar", draft=True)


def test_adaptations_travel_in_the_curriculum_json(edition, session, partner):
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={"en": "T"}, body={"en": "Own."}
    )
    adaptation_hide(edition=edition, module=session, block_key="handout")
    local_block_save(
        edition=edition, module=session, after_key="facilitator-note", kind="scenario", title={}, body={"en": "Local."}
    )
    edition_publish(edition=edition)
    exported = curriculum_export(curriculum=edition.curriculum)
    assert exported["editions"][0]["partner"] == partner.slug
    edition.curriculum.delete()
    curriculum_import(data=exported)
    restored = edition_resolve(curriculum=edition.curriculum.__class__.objects.get(), partner=partner, language="en")
    assert [block.body for block in restored.modules[1].blocks] == ["Own.", "Local."]
    assert curriculum_export(curriculum=restored.curriculum) == exported


def test_importing_adaptations_for_an_unknown_partner_is_refused(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    exported = curriculum_export(curriculum=edition.curriculum)
    exported["editions"][0]["partner"] = "no-such-partner"
    from curriculum.services import CurriculumImportError

    with pytest.raises(CurriculumImportError, match=r"editions\[0\]\.partner"):
        curriculum_import(data=exported)
