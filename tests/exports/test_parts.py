"""A manual printed in parts: the joined PDF reads page for page like one laid out whole, and an edit lays out only its module."""

import re
from datetime import timedelta
from unittest import mock

import pikepdf
import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from curriculum.adaptation import adaptation_override, edition_get_or_create
from curriculum.publishing import edition_publish, module_publish
from curriculum.resolution import edition_resolve
from exports import parts, rendering, services, structure_tree
from exports.models import ExportJob, RenderedPart
from exports.parts import FRONT_MATTER
from tests.pdf import pdf_fonts, pdf_info, pdf_text, stored_pdf
from tests.processes import wait_for

from .test_print_profiles import qpdf_check

# Each test runs on the disk and on the S3 server: the parts are read back through the storage to be joined.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storage_backend")]
# The A4 page between its running header and its footer (points, from the top).
BODY = (0, 62, 595, 718)
FOOTER = (0, 790, 595, 52)


def _render(curriculum, directory, language="en", partner=None):
    job = services.export_request(curriculum=curriculum, language=language, partner=partner, enqueue=False)
    services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    return job, stored_pdf(job.file.name, directory)


def _whole_pages(curriculum, language, directory):
    """The manual laid out whole, in one go, page by page: what the joined parts must read like."""
    whole = directory / f"whole-{language}.pdf"
    edition = edition_resolve(curriculum=curriculum, language=language)
    whole.write_bytes(rendering.html_to_pdf(rendering.edition_html(edition), title=edition.title).pdf)
    return _pages(whole, BODY), edition


def _pages(path, crop):
    count = int(pdf_info(path)["Pages"])
    return [pdf_text(path, first=page, last=page, crop=crop).split() for page in range(1, count + 1)]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_manual_in_parts_prints_page_for_page_like_the_manual_laid_out_whole(six_modules, language, tmp_path):
    job, path = _render(six_modules, tmp_path, language)
    assert job.report["parts"] == 6 and job.report["parts_rendered"] == 6
    whole_pages, edition = _whole_pages(six_modules, language, tmp_path)

    parts_pages = _pages(path, BODY)
    assert len(parts_pages) == len(whole_pages) > 8  # some of the six modules run over a page
    # Same words on the same pages; the contents' page numbers included.
    assert parts_pages == whole_pages
    qpdf_check(path)
    info = pdf_info(path)
    assert info["Tagged"] == "yes" and info["Title"] == edition.title
    # Each face's program once, as in the whole layout, though every part embedded its own subset of it.
    fonts = pdf_fonts(path)
    assert {font["name"] for font in fonts} == {font["name"] for font in pdf_fonts(tmp_path / f"whole-{language}.pdf")}
    assert all(font["embedded"] and font["subset"] for font in fonts)
    manual = pikepdf.open(path)
    programs = {
        descriptor.FontFile2.objgen
        for descriptor in manual.objects
        if isinstance(descriptor, pikepdf.Dictionary) and descriptor.get("/Type") == pikepdf.Name.FontDescriptor
    }
    assert len(programs) == len({font["name"] for font in fonts})


def test_the_contents_the_footers_and_the_bookmarks_agree_on_every_page(six_modules, tmp_path):
    job, path = _render(six_modules, tmp_path)
    starts = job.report["module_starts"]
    pages = _pages(path, BODY)
    for number in range(6):
        # The page the contents give is the page whose first line is the module's title.
        assert pages[starts[f"session-{number}"] - 1][:2] == ["Session", f"{number}:"]
    contents = " ".join(pages[1])
    for slug, page in starts.items():
        assert re.search(rf"Session {slug[-1]}: Speaking up \.*\s*{page}\b", contents)

    footers = _pages(path, FOOTER)
    edition_code = f"edition {edition_resolve(curriculum=six_modules, language='en').content_digest()[:8]}"
    for index, footer in enumerate(footers):
        line = " ".join(footer)
        assert edition_code in line and "printed" in line
        # Every page but the cover ends its footer with its number, counted across the whole manual.
        assert (footer[-1] == str(index + 1)) == (index > 0), (index, line)

    reader = PdfReader(path)
    bookmarks = {
        item.title: reader.get_destination_page_number(item) + 1
        for item in reader.outline
        if not isinstance(item, list)
    }
    for number in range(6):
        assert bookmarks[f"Session {number}: Speaking up"] == starts[f"session-{number}"]
    # The contents' entries are links to the module's first page.
    links = [annotation.get_object() for annotation in reader.pages[1]["/Annots"]]
    targets = {
        str(link["/Dest"]): reader.get_destination_page_number(reader.named_destinations[str(link["/Dest"])]) + 1
        for link in links
    }
    assert targets == {f"module-{slug}": page for slug, page in starts.items()}
    # Header on the module pages, none on the cover and the contents.
    headers = _pages(path, (0, 0, 595, 60))
    assert headers[0] == [] and headers[1] == []
    assert headers[starts["session-3"] - 1][:3] == ["Session", "3:", "Speaking"]


def test_the_joined_structure_tree_covers_every_page_once(six_modules, tmp_path):
    _job, path = _render(six_modules, tmp_path, "ar")
    reader = PdfReader(path)
    root = reader.trailer["/Root"]
    tree = root["/StructTreeRoot"]
    numbers = tree["/ParentTree"]["/Nums"]
    keys = [numbers[index] for index in range(0, len(numbers), 2)]
    page_keys = [page["/StructParents"] for page in reader.pages]
    assert len(set(page_keys)) == len(page_keys) and set(page_keys) <= set(keys)
    assert tree["/ParentTreeNextKey"] > max(keys)
    document = list.__getitem__(tree["/K"], 0)  # the reference, not the resolved element
    assert document.get_object()["/S"] == "/Document"
    # Every part's elements hang under the one Document element.
    parents = {kid.get_object().raw_get("/P").idnum for kid in document.get_object()["/K"]}
    assert parents == {document.idnum} and len(document.get_object()["/K"]) > 6
    assert root["/Lang"] == "ar" and root["/MarkInfo"]["/Marked"]
    # Slim: the parts' and the front matter's bare spans and groups were folded into their parents.
    with pikepdf.open(path) as joined:
        elements = [element for element, _kids in structure_tree.structure_elements(joined.Root.StructTreeRoot)]
        assert {"/P", "/H2", "/Document"} <= {str(element.S) for element in elements}
        assert [element for element in elements if structure_tree.foldable(element)] == []


def test_an_edit_lays_out_only_its_module_again_and_partners_share_unchanged_modules(six_modules, partner, tmp_path):
    first, _path = _render(six_modules, tmp_path)
    block = six_modules.modules.get(slug="session-4").blocks.get(key="b0")
    block.body_en = "A new opening: the circle speaks first."
    block.save()
    with transaction.atomic():
        module_publish(module=block.module)
    second, path = _render(six_modules, tmp_path)
    assert second.pk != first.pk
    assert (second.report["parts_rendered"], second.report["parts_reused"]) == (1, 5)
    assert "the circle speaks first" in pdf_text(path)
    assert not first.report["front_kept"]

    # A partner that adapted one module shares the core's other five parts.
    module = six_modules.modules.get(slug="session-1")
    edition = edition_get_or_create(curriculum=six_modules, partner=partner)
    adaptation_override(edition=edition, module=module, block_key="b1", title={}, body={"en": "Our own step."})
    edition_publish(edition=edition)
    adapted, adapted_path = _render(six_modules, tmp_path, partner=partner)
    assert (adapted.report["parts_rendered"], adapted.report["parts_reused"]) == (1, 5)
    assert "Our own step." in pdf_text(adapted_path) and "Tamkeen" in pdf_text(adapted_path, first=3, last=3)
    assert RenderedPart.objects.exclude(module=FRONT_MATTER).count() == 8


def _one_more_word(curriculum):
    """An edit of session 4 that moves no module: a word more in its first block, published."""
    block = curriculum.modules.get(slug="session-4").blocks.get(key="b0")
    block.body_en += " One more word."
    block.save()
    with transaction.atomic():
        module_publish(module=block.module)


def test_an_edit_that_moves_no_module_keeps_the_front_matter(six_modules, tmp_path):
    first, _path = _render(six_modules, tmp_path)
    _one_more_word(six_modules)
    second, path = _render(six_modules, tmp_path)
    assert second.report["module_starts"] == first.report["module_starts"]
    assert (first.report["front_kept"], second.report["front_kept"]) == (False, True)
    assert second.report["parts_rendered"] == 1
    assert RenderedPart.objects.filter(module=FRONT_MATTER).count() == 1
    # The kept cover and contents are the manual's first pages, their links still lead to each module.
    assert "Six Sessions" in pdf_text(path, first=1, last=1)
    contents = pdf_text(path, first=2, last=2)
    assert all(title in contents for title in six_modules.modules.values_list("title_en", flat=True))


def test_the_join_reads_back_only_the_parts_another_worker_laid_out(six_modules, tmp_path):
    read = []
    storage_read = parts.storage.read

    def counted(name):
        if "/parts/" in name:  # not the finished manual, which the test reads to check it
            read.append(name)
        return storage_read(name)

    with mock.patch("exports.parts.storage.read", side_effect=counted):
        _render(six_modules, tmp_path)
        # This process laid out every part: the join took them from memory.
        assert read == []
        # After an edit, with the other parts laid out elsewhere (another host): those five and the kept
        # front matter come from the storage, the edited part from memory.
        parts.LAID_OUT.clear()
        _one_more_word(six_modules)
        job, path = _render(six_modules, tmp_path)
    assert len(read) == 6 and job.report["parts_rendered"] == 1
    assert int(pdf_info(path)["Pages"]) == job.page_count and "One more word." in pdf_text(path)


def test_parts_no_render_used_for_a_month_are_deleted_with_their_files(six_modules, tmp_path):
    _render(six_modules, tmp_path)
    old = RenderedPart.objects.order_by("pk").first()
    RenderedPart.objects.filter(pk=old.pk).update(used_at=timezone.now() - timedelta(days=31))
    assert services.export_jobs_recover()["parts_pruned"] == 1
    assert not default_storage.exists(old.file.name)
    assert RenderedPart.objects.exclude(module=FRONT_MATTER).count() == 5


def test_a_short_manual_or_one_module_is_laid_out_whole(six_modules, settings, tmp_path):
    settings.PDF_PARTS_MIN_MODULES = 7
    job, _path = _render(six_modules, tmp_path)
    assert "parts" not in job.report and not RenderedPart.objects.exists()
    module_job = services.export_request(
        curriculum=six_modules, language="en", kind=ExportJob.Kind.MODULE, params={"module": "session-2"}, enqueue=False
    )
    assert not services.in_parts(module_job)


@pytest.mark.parametrize(("helpers", "sent"), [(8, 5), (3, 3), (0, 0)])
def test_the_worker_that_starts_a_manual_sends_helpers_and_alone_lays_out_every_part(
    six_modules, settings, helpers, sent
):
    settings.PDF_PART_HELPERS = helpers
    job = services.export_request(curriculum=six_modules, language="en", enqueue=False)
    messages = []
    with mock.patch("exports.queue.task_send", side_effect=lambda name, args: messages.append(args)):
        services.export_job_render(job_id=job.pk, dispatch=True)
    job.refresh_from_db()
    # One helper for each part but the first, at most PDF_PART_HELPERS; no worker took one, so this one did it all.
    assert messages == [[str(job.pk)]] * sent
    assert job.status == ExportJob.Status.DONE and job.report["parts_rendered"] == 6
    # The helpers come after the job is done: they find nothing to claim and lay out nothing.
    with mock.patch("exports.parts._part_render") as render:
        services.export_part_render(job_id=job.pk)
    assert not render.called


def test_a_helper_claims_the_parts_the_first_worker_has_not_and_the_last_to_store_one_joins(six_modules, tmp_path):
    job = services.export_request(curriculum=six_modules, language="en", enqueue=False)
    laid_out_by = []
    render = parts._part_render

    def first_part(**kwargs):
        # While the first worker lays out its first part, a helper takes every other part: the first joins.
        laid_out_by.append("first")
        if len(laid_out_by) == 1:
            with mock.patch("exports.parts._part_render", side_effect=helper_part):
                assert services.export_part_render(job_id=job.pk) is None
        render(**kwargs)

    def helper_part(**kwargs):
        laid_out_by.append("helper")
        render(**kwargs)

    with mock.patch("exports.parts._part_render", side_effect=first_part):
        services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert laid_out_by == ["first"] + ["helper"] * 5
    assert job.status == ExportJob.Status.DONE and job.report["parts_rendered"] == 6
    assert int(pdf_info(stored_pdf(job.file.name, tmp_path))["Pages"]) == job.page_count


def test_a_helper_from_an_older_worker_with_a_share_of_parts_helps_like_the_others(six_modules, settings, tmp_path):
    settings.PDF_PART_HELPERS = 0
    job = services.export_request(curriculum=six_modules, language="en", enqueue=False)
    with mock.patch("exports.parts._parts_lay_out", return_value=0):
        services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.stage == ExportJob.Stage.PARTS and not RenderedPart.objects.exists()
    services.export_part_render(job_id=job.pk, fingerprint=job.parts[2], more=job.parts[3:4])
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.report["parts_rendered"] == 6


def test_a_helper_whose_part_html_changed_since_the_job_began_fails_it_with_a_message(six_modules):
    job = services.export_request(curriculum=six_modules, language="en", enqueue=False)
    with mock.patch("exports.parts._parts_lay_out", return_value=0):
        services.export_job_render(job_id=job.pk)
    with mock.patch("exports.parts.part_fingerprint", return_value="another"):
        services.export_part_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and "changed while its PDF was being made" in job.error
    assert not RenderedPart.objects.exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_workers_lay_out_the_parts_and_the_last_one_joins_them(six_modules, pdf_worker, tmp_path):
    job = services.export_request(curriculum=six_modules, language="ar")
    job = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), timeout=120)
    assert job.status == ExportJob.Status.DONE, job.error or pdf_worker.log()[-3000:]
    assert job.report["parts_rendered"] == 6
    # The one worker process laid them all out in the task that started the manual; its five helpers, taken
    # afterwards, found nothing left to claim and ended.
    assert pdf_worker.log().count(" laid out: ") == 6
    helpers_ended = re.compile(r"Task exports\.tasks\.render_export_part\[[^\]]+\] succeeded")
    wait_for(lambda: len(helpers_ended.findall(pdf_worker.log())) == 5, timeout=30)
    assert pdf_worker.log().count(" laid out: ") == 6
    assert int(pdf_info(stored_pdf(job.file.name, tmp_path))["Pages"]) == job.page_count


def test_the_running_layer_adds_a_form_per_module_not_per_page(six_modules, tmp_path):
    _job, path = _render(six_modules, tmp_path)
    pdf = pikepdf.open(path)
    forms = {
        xobject.objgen
        for page in pdf.pages
        for xobject in page.obj.Resources.get("/XObject", {}).values()
        if xobject.get("/Subtype") == pikepdf.Name.Form
    }
    # The edition line and each module's header are forms drawn on many pages; a page number is inline.
    assert len(forms) == 1 + 6 < len(pdf.pages)
    fonts = {font.objgen for page in pdf.pages for font in page.obj.Resources.Font.values()}
    assert len(fonts) == len({str(font.BaseFont) for page in pdf.pages for font in page.obj.Resources.Font.values()})


def test_the_page_numbers_draw_with_the_running_layers_own_fonts(six_modules, monkeypatch, tmp_path):
    # Without the merge every subset stays apart: a number drawn with a part's subset of the face would lose its digits.
    monkeypatch.setattr("exports.assembly.font_subsets.fonts_merge", lambda pdf: 0)
    _job, path = _render(six_modules, tmp_path)
    footers = _pages(path, FOOTER)
    assert [footer[-1] for footer in footers[1:]] == [str(number) for number in range(2, len(footers) + 1)]
