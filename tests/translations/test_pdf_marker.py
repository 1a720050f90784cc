"""A stale translation is marked in the PDF and listed in the job's report, like a fallback."""

import pytest

from curriculum.models import Block
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
