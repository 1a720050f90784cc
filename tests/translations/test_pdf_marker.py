"""A stale translation is marked in the PDF and listed in the job's report, like a fallback."""

import pytest

from curriculum.models import Block, LocalBlock
from curriculum.publishing import curriculum_publish
from curriculum.resolution import edition_resolve
from exports import documents
from exports.models import ExportJob
from exports.services import export_job_render, export_request
from exports.spec import ExportSpec
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

MARKER = "The original text changed after this translation; it may be out of date."


def _html(job):
    spec = ExportSpec.of_job(job)
    return documents.build(spec, documents.job_edition(spec)).html


def _blocks(edition):
    return {block.key: block for module in edition.modules for block in module.blocks}


def test_publishing_freezes_which_translations_are_stale(handbook):
    assert not any(block.is_stale for block in _blocks(edition_resolve(curriculum=handbook, language="ar")).values())
    block = Block.objects.get(key="facilitator-note")
    block.body_en = "Arrange the chairs in a wide circle."
    block.save()
    curriculum_publish(curriculum=handbook)
    blocks = _blocks(edition_resolve(curriculum=handbook, language="ar"))
    assert blocks["facilitator-note"].is_stale and not blocks["welcome"].is_stale
    # English is the source: never stale. A fallback to English is not stale either.
    english = _blocks(edition_resolve(curriculum=handbook, language="en"))
    assert not english["facilitator-note"].is_stale
    assert not _blocks(edition_resolve(curriculum=handbook, language="fa"))["handout"].is_stale


def test_publishing_unchanged_content_makes_no_new_version(handbook):
    module = handbook.modules.get(slug="session-1")
    versions = module.versions.count()
    curriculum_publish(curriculum=handbook)
    assert module.versions.count() == versions


def test_the_pdf_marks_stale_blocks_and_the_report_lists_them(handbook):
    block = Block.objects.get(key="facilitator-note")
    block.body_en = "Arrange the chairs in a wide circle."
    block.save()
    curriculum_publish(curriculum=handbook)
    job = export_request(curriculum=handbook, language="en", profile="a4", enqueue=False)
    assert "stale-marker" not in _html(job)
    job = export_request(curriculum=handbook, language="ru", profile="a4", enqueue=False)
    export_job_render(job_id=job.pk)
    job = ExportJob.objects.get(pk=job.pk)
    assert job.report["stale_blocks"] == ["session-1/facilitator-note:ru"]
    from django.core.files.storage import default_storage
    from django.utils import translation

    with translation.override("ru"):
        marker = translation.gettext(MARKER)
    text = " ".join(pdf_text(default_storage.path(job.file.name)).split())
    assert "Расставьте стулья по кругу." in text
    assert text.count(marker) == 1
    assert _html(job).count('class="stale-marker"') == 1


def test_the_module_page_marks_a_stale_translation_too(client, handbook):
    block = Block.objects.get(key="facilitator-note")
    block.body_en = "Arrange the chairs in a wide circle."
    block.save()
    assert "fallback stale" not in client.get(f"/ar/curricula/{handbook.slug}/session-1/").content.decode()
    curriculum_publish(curriculum=handbook)
    page = client.get(f"/ar/curricula/{handbook.slug}/session-1/").content.decode()
    assert page.count('class="fallback stale"') == 1


def _stale_tajik_source(edition):
    from curriculum.adaptation import adaptation_override

    adaptation_override(
        edition=edition, module=edition.curriculum.modules.get(slug="session-1"), block_key="facilitator-note",
        title={"tg": "Пеш аз оғоз"},
        body={"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в круг."},
    )  # fmt: skip


def test_an_editions_published_layer_freezes_which_partner_translations_are_stale(tajik_edition, tajik_partner):
    from curriculum.publishing import edition_publish

    edition_publish(edition=tajik_edition)
    blocks = _blocks(edition_resolve(curriculum=tajik_edition.curriculum, partner=tajik_partner, language="ru"))
    note = blocks["facilitator-note"]
    assert (note.body, note.language, note.adaptation, note.is_stale) == (
        "Поставьте стулья в круг.",
        "ru",
        "override",
        False,
    )
    _stale_tajik_source(tajik_edition)
    # Published text is what trainers get: not stale until the partner publishes the edited source.
    assert not _blocks(edition_resolve(curriculum=tajik_edition.curriculum, partner=tajik_partner, language="ru"))[
        "facilitator-note"
    ].is_stale
    edition_publish(edition=tajik_edition)
    blocks = _blocks(edition_resolve(curriculum=tajik_edition.curriculum, partner=tajik_partner, language="ru"))
    assert blocks["facilitator-note"].is_stale and blocks["facilitator-note"].body == "Поставьте стулья в круг."
    local = next(block for block in blocks.values() if block.adaptation == "local")
    assert (local.language, local.is_fallback, local.is_stale) == ("tg", True, False)  # untranslated: a fallback
    tajik = _blocks(edition_resolve(curriculum=tajik_edition.curriculum, partner=tajik_partner, language="tg"))
    assert tajik["facilitator-note"].body == "Курсиҳоро дар доираи калон гузоред."
    assert not tajik["facilitator-note"].is_stale  # the partner's source is never stale


def test_the_edition_pdf_marks_a_stale_partner_translation_and_the_report_lists_it(tajik_edition, tajik_partner):
    from curriculum.publishing import edition_publish

    _stale_tajik_source(tajik_edition)
    edition_publish(edition=tajik_edition)
    job = export_request(curriculum=tajik_edition.curriculum, language="ru", partner=tajik_partner, enqueue=False)
    export_job_render(job_id=job.pk)
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.report["stale_blocks"] == ["session-1/facilitator-note:ru"]
    local_key = LocalBlock.objects.get(edition=tajik_edition).key
    assert f"session-1/{local_key}:tg" in job.report["fallback_blocks"]
    html = _html(job)
    assert html.count('class="stale-marker"') == 1 and "Поставьте стулья в круг." in html
