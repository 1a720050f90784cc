import copy

import pytest

from curriculum.models import Block, Curriculum, Module, ModuleVersion
from curriculum.services import (
    CurriculumImportError,
    curriculum_export,
    curriculum_import,
    edition_resolve,
    language_chain,
    module_publish,
)
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory

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


def test_publishing_numbers_versions_and_skips_unchanged_text(handbook):
    module = Module.objects.get(slug="session-1")
    assert module_publish(module=module).number == 1
    block = module.blocks.get(key="handout")
    block.body_en = "- Speak clearly\n- Listen fully\n- Ask one question"
    block.save()
    second = module_publish(module=module, change_note="Added a question")
    assert second.number == 2
    assert second.snapshot["blocks"][1]["body"]["en"].endswith("Ask one question")
    assert module.versions.count() == 2


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


# --- JSON exchange -----------------------------------------------------------------

VALID = {
    "slug": "mini",
    "source_language": "en",
    "title": {"en": "Mini", "ar": "مصغّر"},
    "description": {"en": "Small."},
    "modules": [
        {
            "slug": "session-1",
            "kind": "session",
            "title": {"en": "One"},
            "summary": {"en": "First."},
            "blocks": [
                {
                    "kind": "scenario",
                    "title": {"en": "Story"},
                    "body": {"en": "Amina *speaks*.", "fa": "امینه سخن می‌گوید."},
                }
            ],
        }
    ],
}


def test_import_publishes_so_the_edition_exists_at_once():
    curriculum = curriculum_import(data=VALID)
    assert curriculum.is_published
    edition = edition_resolve(curriculum=curriculum, language="fa")
    assert edition.modules[0].blocks[0].body == "امینه سخن می‌گوید."
    assert edition.modules[0].blocks[0].key == "block-1"


def test_draft_import_stays_unpublished():
    curriculum = curriculum_import(data=VALID, publish=False)
    assert not curriculum.is_published
    assert not ModuleVersion.objects.exists()


def test_export_then_import_into_an_empty_database_reproduces_the_content(handbook):
    exported = curriculum_export(curriculum=handbook)
    Curriculum.objects.all().delete()
    reimported = curriculum_import(data=exported)
    assert curriculum_export(curriculum=reimported) == exported


def test_importing_twice_makes_no_new_versions():
    curriculum_import(data=VALID)
    curriculum_import(data=VALID)
    assert ModuleVersion.objects.count() == 1


def _broken(path, value):
    data = copy.deepcopy(VALID)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ([], "one JSON object"),
        (_broken(["slug"], "Not A Slug!"), "slug:"),
        (_broken(["modules"], []), "modules:"),
        (_broken(["title"], {"xx": "Klingon"}), "title.xx"),
        (_broken(["modules", 0, "kind"], "lecture"), "modules[0].kind"),
        (_broken(["modules", 0, "blocks", 0, "kind"], "video"), "modules[0].blocks[0].kind"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": 42}), "modules[0].blocks[0].body.en"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": "<script>alert(1)</script>"}), "<script>"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": '<a href="file:///etc/passwd">x</a>'}), "file:///etc"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": '<link rel="attachment" href="/etc/passwd">'}), "<link>"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": "<p style='width:99999in'>x</p>"}), "style"),
        (_broken(["modules", 0, "blocks", 0, "body"], {"en": '<img src="http://169.254.169.254/">'}), "<img>"),
        (_broken(["modules", 0, "title"], {"en": "<b>bold</b>"}), "modules[0].title.en"),
    ],
)
def test_a_malformed_or_hostile_file_is_refused_naming_the_problem_and_nothing_is_imported(data, named):
    with pytest.raises(CurriculumImportError) as refused:
        curriculum_import(data=data)
    assert named in str(refused.value)
    assert not Curriculum.objects.exists()
    assert not Module.objects.exists()


def test_a_refused_reimport_leaves_the_existing_curriculum_untouched():
    curriculum_import(data=VALID)
    broken = _broken(["modules", 0, "blocks", 0, "kind"], "video")
    broken["title"] = {"en": "Renamed"}
    with pytest.raises(CurriculumImportError):
        curriculum_import(data=broken)
    assert Curriculum.objects.get(slug="mini").title_en == "Mini"


def test_duplicate_module_slugs_are_refused():
    data = copy.deepcopy(VALID)
    data["modules"].append(copy.deepcopy(data["modules"][0]))
    with pytest.raises(CurriculumImportError, match="appears twice"):
        curriculum_import(data=data)
