"""Editions that print approved translations only: the rest falls back along the chain, and the PDF and report say so."""

import pytest
from django.core.files.storage import default_storage

from curriculum.adaptation import adaptation_override, edition_get_or_create
from curriculum.models import Block, Edition, Module
from curriculum.publishing import curriculum_publish, edition_publish, module_publish
from curriculum.resolution import edition_resolve
from exports import documents
from exports.models import ExportJob
from exports.services import export_job_render, export_request
from exports.spec import ExportSpec
from tests.factories import BlockFactory, CurriculumFactory, ModuleFactory
from tests.pdf import pdf_text
from translations.review import translation_approve
from translations.services import text_hash, translation_save

pytestmark = pytest.mark.django_db


def _approve(user, obj, language, field="body"):
    obj.refresh_from_db()
    translation_approve(
        user=user, obj=obj, field=field, language=language, reviewed_hash=text_hash(getattr(obj, f"{field}_{language}"))
    )


def _blocks(edition):
    return {block.key: block for module in edition.modules for block in module.blocks}


@pytest.fixture
def approved_only(handbook):
    handbook.approved_translations_only = True
    handbook.save(update_fields=["approved_translations_only"])
    return handbook


def test_an_edition_that_shows_every_translation_ignores_review(handbook):
    blocks = _blocks(edition_resolve(curriculum=handbook, language="ar"))
    assert blocks["facilitator-note"].language == "ar" and not blocks["facilitator-note"].unapproved_language


def test_unapproved_translations_fall_back_to_the_source_and_approved_ones_are_printed(approved_only, secretariat):
    _approve(secretariat, Block.objects.get(key="welcome"), "ar")
    edition = edition_resolve(curriculum=approved_only, language="ar")
    blocks = _blocks(edition)
    assert (blocks["welcome"].body, blocks["welcome"].language) == ("مرحباً بكِ أيتها الميسّرة. القيادة ممارسة.", "ar")
    assert not blocks["welcome"].unapproved_language
    note = blocks["facilitator-note"]
    assert (note.body, note.language, note.is_fallback) == ("Arrange the chairs in a circle.", "en", True)
    assert note.unapproved_language == "ar"
    # Never translated: a plain fallback, not one waiting for review.
    assert blocks["handout"].is_fallback and not blocks["handout"].unapproved_language
    assert edition.unapproved_blocks == ["session-1/facilitator-note:ar"]
    # Titles too: the curriculum's and the modules' unapproved translations are left out.
    assert edition.title == "Leading to Choices" and edition.modules[0].title == "Facilitation guide"
    # An editor's draft view shows every translation.
    assert (
        _blocks(edition_resolve(curriculum=approved_only, language="ar", draft=True))["facilitator-note"].language
        == "ar"
    )


def test_an_approved_title_is_printed(approved_only, secretariat):
    _approve(secretariat, Module.objects.get(slug="facilitation-guide"), "ar", field="title")
    _approve(secretariat, approved_only, "ar", field="title")
    edition = edition_resolve(curriculum=approved_only, language="ar")
    assert edition.modules[0].title == "دليل الميسّرة" and edition.modules[1].title == "Communicating with purpose"
    assert edition.title == "القيادة نحو الخيارات"


def test_an_approved_language_further_down_the_chain_stands_in(approved_only, secretariat):
    """Tajik reads Russian before English: an approved Russian translation is printed, an unapproved one is not."""
    _approve(secretariat, Block.objects.get(key="facilitator-note"), "ru")
    blocks = _blocks(edition_resolve(curriculum=approved_only, language="tg"))
    assert (blocks["facilitator-note"].language, blocks["facilitator-note"].unapproved_language) == ("ru", "")
    assert (blocks["welcome"].language, blocks["welcome"].unapproved_language) == ("en", "ru")


def test_a_published_version_prints_the_approved_text_while_a_newer_one_waits(
    approved_only, secretariat, translator_ar
):
    block = Block.objects.get(key="welcome")
    _approve(secretariat, block, "ar")
    translation_save(
        user=translator_ar, obj=block, field="body", language="ar", text="نص جديد لم يراجع بعد.",
        base_translation_hash=text_hash(block.body_ar), base_source_hash=text_hash(block.body_en),
    )  # fmt: skip
    assert _blocks(edition_resolve(curriculum=approved_only, language="ar"))["welcome"].language == "ar"
    curriculum_publish(curriculum=approved_only)
    welcome = _blocks(edition_resolve(curriculum=approved_only, language="ar"))["welcome"]
    assert (welcome.language, welcome.unapproved_language) == ("en", "ar")


def test_a_translation_whose_source_changed_is_not_printed_as_approved(approved_only, secretariat):
    block = Block.objects.get(key="facilitator-note")
    _approve(secretariat, block, "ar")
    block.body_en = "Arrange the chairs in a wide circle."
    block.save()
    curriculum_publish(curriculum=approved_only)
    note = _blocks(edition_resolve(curriculum=approved_only, language="ar"))["facilitator-note"]
    assert (note.body, note.unapproved_language) == ("Arrange the chairs in a wide circle.", "ar")


def test_a_partner_edition_asks_for_approved_translations_only_and_its_own_text_is_its_own(handbook, partner):
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    session = Module.objects.get(slug="session-1")
    adaptation_override(
        edition=edition, module=session, block_key="facilitator-note", title={}, body={"en": "Ours.", "ar": "نصنا."}
    )
    edition_publish(edition=edition)
    Edition.objects.filter(pk=edition.pk).update(approved_translations_only=True)
    blocks = _blocks(edition_resolve(curriculum=handbook, partner=partner, language="ar"))
    assert (blocks["facilitator-note"].body, blocks["facilitator-note"].unapproved_language) == ("نصنا.", "")
    assert (blocks["welcome"].language, blocks["welcome"].unapproved_language) == ("en", "ar")
    # The core edition did not ask.
    assert _blocks(edition_resolve(curriculum=handbook, language="ar"))["welcome"].language == "ar"


def test_the_cores_setting_covers_every_partner_edition(approved_only, partner):
    edition_publish(edition=edition_get_or_create(curriculum=approved_only, partner=partner))
    assert (
        _blocks(edition_resolve(curriculum=approved_only, partner=partner, language="ar"))["welcome"].language == "en"
    )


@pytest.mark.parametrize("size", [(2, 3), (30, 10)])
def test_an_approved_only_edition_resolves_in_a_constant_number_of_queries(
    size, secretariat, django_assert_max_num_queries
):
    curriculum = CurriculumFactory(approved_translations_only=True)
    for m in range(size[0]):
        module = ModuleFactory(curriculum=curriculum, position=m)
        for b in range(size[1]):
            block = BlockFactory(module=module, position=b, body_ar=f"نص {b}")
            if b % 2:
                _approve(secretariat, block, "ar")
        module_publish(module=module)
    with django_assert_max_num_queries(4):
        edition = edition_resolve(curriculum=curriculum, language="ar")
    assert sum(block.language == "ar" for block in _blocks(edition).values()) == size[0] * (size[1] // 2)


# --- The PDF, its report and its fingerprint ---------------------------------------------------------


def test_the_pdf_marks_translations_waiting_for_review_and_the_report_lists_them(approved_only, secretariat):
    _approve(secretariat, Block.objects.get(key="welcome"), "ru")
    job = export_request(curriculum=approved_only, language="ru", profile="a4", enqueue=False)
    export_job_render(job_id=job.pk)
    job = ExportJob.objects.get(pk=job.pk)
    assert job.report["approved_only"] is True
    assert job.report["unapproved_blocks"] == ["session-1/facilitator-note:ru"]
    spec = ExportSpec.of_job(job)
    html = documents.build(spec, documents.job_edition(spec)).html
    assert html.count('class="review-marker"') == 1
    text = " ".join(pdf_text(default_storage.path(job.file.name)).split())
    # The marker speaks the manual's language; the languages are named in their own.
    assert "Перевод на язык Русский ожидает проверки; показан текст на языке English." in text
    assert "Arrange the chairs in a circle." in text and "Добро пожаловать. Лидерство — это практика." in text
    assert "Расставьте стулья по кругу." not in text


def test_an_edition_printing_every_translation_has_no_review_facts_in_its_report(handbook):
    job = export_request(curriculum=handbook, language="ru", profile="a4", enqueue=False)
    spec = ExportSpec.of_job(job)
    source = documents.build(spec, documents.job_edition(spec))
    assert "approved_only" not in source.report and 'class="review-marker"' not in source.html


def test_an_approval_makes_a_new_pdf_of_an_approved_only_edition(approved_only, handbook, secretariat):
    before = export_request(curriculum=approved_only, language="ar", profile="a4", enqueue=False)
    assert export_request(curriculum=approved_only, language="ar", profile="a4", enqueue=False) == before
    _approve(secretariat, Block.objects.get(key="facilitator-note"), "ar")
    after = export_request(curriculum=approved_only, language="ar", profile="a4", enqueue=False)
    assert after.fingerprint != before.fingerprint


def test_an_approval_leaves_the_pdf_of_an_edition_printing_every_translation_as_it_was(handbook, secretariat):
    before = export_request(curriculum=handbook, language="ar", profile="a4", enqueue=False)
    _approve(secretariat, Block.objects.get(key="facilitator-note"), "ar")
    assert export_request(curriculum=handbook, language="ar", profile="a4", enqueue=False) == before


def test_the_module_page_of_an_approved_only_edition_says_which_translation_awaits_review(client, approved_only):
    page = client.get(f"/ar/curricula/{approved_only.slug}/session-1/").content.decode()
    assert page.count('class="fallback awaiting-review"') == 1
    assert "Arrange the chairs in a circle." in page and "رتّبي الكراسي في دائرة." not in page
