import copy

import pytest

from curriculum.adaptation import (
    adaptation_hide,
    adaptation_override,
    local_block_save,
)
from curriculum.exchange import CurriculumImportError, curriculum_export, curriculum_import
from curriculum.models import Curriculum, Module, ModuleVersion
from curriculum.publishing import edition_publish
from curriculum.resolution import edition_resolve

pytestmark = pytest.mark.django_db


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


def test_a_private_edition_stays_private_through_the_json(edition, session):
    edition.is_private = True
    edition.save()
    adaptation_hide(edition=edition, module=session, block_key="handout")
    edition_publish(edition=edition)
    exported = curriculum_export(curriculum=edition.curriculum)
    assert exported["editions"][0]["private"] is True
    edition.curriculum.delete()
    curriculum_import(data=exported)
    assert Curriculum.objects.get().editions.get().is_private
    exported["editions"][0]["private"] = False  # an older backup: it does not open the edition to everyone
    curriculum_import(data=exported)
    assert Curriculum.objects.get().editions.get().is_private


def test_importing_adaptations_for_an_unknown_partner_is_refused(edition, session):
    adaptation_hide(edition=edition, module=session, block_key="handout")
    exported = curriculum_export(curriculum=edition.curriculum)
    exported["editions"][0]["partner"] = "no-such-partner"
    from curriculum.exchange import CurriculumImportError

    with pytest.raises(CurriculumImportError, match=r"editions\[0\]\.partner"):
        curriculum_import(data=exported)
