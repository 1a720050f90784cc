import pytest

from curriculum.adaptation import (
    adaptation_hide,
    adaptation_override,
    edition_get_or_create,
    local_block_save,
)
from curriculum.models import Block
from curriculum.publishing import edition_publish, module_publish
from curriculum.resolution import edition_resolve
from curriculum.translated import language_chain
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_central_asian_languages_fall_back_to_russian_then_english():
    assert language_chain("tg") == ["tg", "ru", "en"]
    assert language_chain("ky") == ["ky", "ru", "en"]
    assert language_chain("ar") == ["ar", "en"]
    assert language_chain("en") == ["en"]


def test_it_resolves_blocks_in_the_asked_language_and_marks_fallbacks(handbook):
    edition = edition_resolve(curriculum=handbook, language="ar")
    assert edition.title == "القيادة نحو الخيارات"
    assert edition.direction == "rtl"
    assert [module.slug for module in edition.modules] == ["facilitation-guide", "session-1"]
    welcome, note, handout = edition.modules[0].blocks + edition.modules[1].blocks
    assert welcome.language == "ar" and not welcome.is_fallback and welcome.direction == "rtl"
    assert note.body == "رتّبي الكراسي في دائرة."
    assert handout.language == "en" and handout.is_fallback and handout.direction == "ltr"
    assert edition.fallback_languages == ["en"]


def test_tajik_reads_russian_before_english(handbook):
    edition = edition_resolve(curriculum=handbook, language="tg")
    assert edition.modules[0].blocks[0].body == "Добро пожаловать. Лидерство — это практика."
    assert edition.modules[0].blocks[0].language == "ru"
    assert edition.modules[1].blocks[1].language == "en"


def test_trainers_see_published_text_not_drafts(handbook):
    block = Block.objects.get(key="welcome")
    block.body_en = "A draft sentence nobody has published."
    block.save()
    published = edition_resolve(curriculum=handbook, language="en")
    assert published.modules[0].blocks[0].body == "Welcome, facilitator. Leadership is a practice."
    draft = edition_resolve(curriculum=handbook, language="en", draft=True)
    assert draft.modules[0].blocks[0].body == "A draft sentence nobody has published."


def test_unpublished_modules_are_left_out(handbook):
    ModuleFactory(curriculum=handbook, slug="session-2", position=3)
    edition = edition_resolve(curriculum=handbook, language="en")
    assert "session-2" not in [module.slug for module in edition.modules]


def test_pinned_versions_reproduce_an_old_edition(handbook):
    old = edition_resolve(curriculum=handbook, language="en")
    block = Block.objects.get(key="welcome")
    block.body_en = "New welcome."
    block.save()
    module_publish(module=block.module)
    assert edition_resolve(curriculum=handbook, language="en").modules[0].blocks[0].body == "New welcome."
    pinned = edition_resolve(curriculum=handbook, language="en", version_ids=old.version_ids)
    assert pinned.modules[0].blocks[0].body == "Welcome, facilitator. Leadership is a practice."
    assert pinned.content_digest() == old.content_digest()


def test_content_digest_changes_with_text_and_language(handbook):
    english = edition_resolve(curriculum=handbook, language="en")
    assert english.content_digest() == edition_resolve(curriculum=handbook, language="en").content_digest()
    assert english.content_digest() != edition_resolve(curriculum=handbook, language="ar").content_digest()


def _big_curriculum(modules, blocks):
    curriculum = CurriculumFactory()
    for m in range(modules):
        module = ModuleFactory(curriculum=curriculum, position=m)
        for b in range(blocks):
            BlockFactory(module=module, position=b, body_ar=f"نص {b}")
        module_publish(module=module)
    return curriculum


@pytest.mark.parametrize("size", [(2, 3), (30, 10)])
def test_resolving_takes_a_constant_number_of_queries(size, django_assert_max_num_queries):
    curriculum = _big_curriculum(*size)
    with django_assert_max_num_queries(1):
        edition = edition_resolve(curriculum=curriculum, language="ar")
    assert edition.block_count == size[0] * size[1]
    with django_assert_max_num_queries(2):
        edition_resolve(curriculum=curriculum, language="ar", draft=True)


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
