"""The 31 payloads through every other way text and files enter, each test one payload × one entry point.

Each payload is refused with a clear message (nothing stored, nothing lost), or stored and shown as
harmless text; pages gain no markup a harmless value would not give them; what reaches a PDF fetches
nothing. The workspace and the JSON import are in test_hostile_content.py.
"""

import csv
import io
import zipfile
from collections import Counter
from html import unescape

import polib
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from lxml import etree

from curriculum.exchange import curriculum_import
from curriculum.models import Block, Module
from curriculum.publishing import module_publish
from exports.models import ExportJob
from exports.services import export_job_render, export_request
from tests.factories import UserFactory
from tests.rosetta import rosetta_save
from tests.security.test_hostile_content import (
    PAYLOADS,
    dangerous_markup,
    hostile_edition_write,
    is_plain_text,
    main_of,
)
from tests.workshops.test_csv_import import GOOD
from translations import catalogs
from translations.exchange import XLIFF_NS, exchange_po, exchange_xliff
from translations.services import text_hash
from workshops.csv_import import IMPORT_COLUMNS
from workshops.models import Resource, Workshop

pytestmark = pytest.mark.django_db
HANDOUT = "block:session-1/handout:body"  # English only in the handbook: every translation of it is new
NOTICE = "Not yet translated; shown in %(language)s."  # a {% blocktranslate %} in pages and PDFs
HARMLESS = "Plain words"


def added_markup(page, baseline):
    """Dangerous markup in a page that the same page with a harmless value does not have (its own forms, charts)."""
    return sorted((Counter(dangerous_markup(page)) - Counter(dangerous_markup(baseline))).elements())


def module_main(client, curriculum, language="en", partner=None):
    query = f"?edition={partner.slug}" if partner else ""
    return main_of(client.get(f"/{language}/curricula/{curriculum.slug}/session-1/{query}").content.decode())


def assert_shown_as_text(html, payload):
    """The payload's markup, if any, reached the page only escaped."""
    assert dangerous_markup(html) == []
    assert "<" not in payload or payload not in html


# --- The admin --------------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def admin_block_data(block, **changes):
    """A block's admin form as the browser posts it: every language's title and body."""
    data = {"module": block.module_id, "key": block.key, "position": block.position, "kind": block.kind}
    for code in settings.LANGUAGE_CODES:
        data[f"title_{code}"] = getattr(block, f"title_{code}") or ""
        data[f"body_{code}"] = getattr(block, f"body_{code}") or ""
    return {**data, **changes}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_admin_stores_hostile_markdown_as_typed_and_every_page_shows_it_harmless(client, handbook, superuser, payload):
    client.force_login(superuser)
    block = Block.objects.get(key="handout")
    url = reverse("admin:curriculum_block_change", args=[block.pk])
    response = client.post(url, admin_block_data(block, body_en=payload))
    assert response.status_code == 302
    # Stored as typed ("Markdown. HTML is removed on output."); the editor sees it again escaped.
    assert Block.objects.get(pk=block.pk).body_en == payload
    assert "<" not in payload or payload not in client.get(url).content.decode()
    module_publish(module=block.module, user=superuser)
    assert_shown_as_text(module_main(client, handbook), payload)


# --- The translation workspace's side-by-side editor ---------------------------------


def editor_save(client, curriculum, text, language="ar"):
    block = Block.objects.get(key="handout")
    return client.post(
        reverse("translations:editor", args=[curriculum.slug, language, "session-1"]),
        {
            f"t:{HANDOUT}": text,
            f"b:{HANDOUT}": text_hash(getattr(block, f"body_{language}") or ""),
            f"s:{HANDOUT}": text_hash(block.body_en),
        },
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_translation_editor_refuses_markup_and_gives_the_text_back(client, handbook, translator_ar, payload):
    client.force_login(translator_ar)
    response = editor_save(client, handbook, payload)
    block = Block.objects.get(key="handout")
    if is_plain_text(payload):
        assert response.status_code == 302 and block.body_ar == payload
        module_publish(module=block.module)
        assert_shown_as_text(module_main(client, handbook, "ar"), payload)
        return
    page = response.content.decode()
    assert response.status_code == 400 and "contains markup that is not allowed" in page
    assert not block.body_ar
    # Nothing lost: her text comes back in the form, escaped, for her to fix.
    assert escape(payload) in page and ("<" not in payload or payload not in page)
    editor_page = client.get(reverse("translations:editor", args=[handbook.slug, "ar", "session-1"]))
    assert added_markup(page, editor_page.content.decode()) == []


# --- PO and XLIFF files -------------------------------------------------------------


def exchange_file(file_format, curriculum, text):
    """The Arabic exchange file of the curriculum, with `text` as the handout's translation."""
    if file_format == "po":
        po = polib.pofile(exchange_po(curriculum=curriculum, language="ar"))
        next(entry for entry in po if entry.msgctxt == HANDOUT).msgstr = text
        return SimpleUploadedFile("ar.po", str(po).encode())
    root = etree.fromstring(exchange_xliff(curriculum=curriculum, language="ar").encode())
    root.find(f".//{{{XLIFF_NS}}}trans-unit[@resname='{HANDOUT}']/{{{XLIFF_NS}}}target").text = text
    return SimpleUploadedFile("ar.xlf", etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def exchange_upload(client, curriculum, upload):
    url = reverse("translations:upload", args=[curriculum.slug, "ar"])
    return client.post(url, {"file": upload}, follow=True).content.decode()


@pytest.mark.parametrize("file_format", ["po", "xliff"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_uploaded_exchange_file_with_markup_imports_nothing_and_says_so(
    client, handbook, translator_ar, payload, file_format
):
    client.force_login(translator_ar)
    page = exchange_upload(client, handbook, exchange_file(file_format, handbook, payload))
    block = Block.objects.get(key="handout")
    if is_plain_text(payload):
        assert "1 translations updated" in page and block.body_ar == payload
        module_publish(module=block.module)
        assert_shown_as_text(module_main(client, handbook, "ar"), payload)
        return
    assert f"Not imported: {HANDOUT}: contains markup that is not allowed" in unescape(page)
    assert not block.body_ar
    assert dangerous_markup(page.split('class="messages"', 1)[1].split("</ul>", 1)[0]) == []


XXE = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY leak SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="leading-to-choices/*" source-language="en" target-language="ar" datatype="plaintext"><body>
<trans-unit id="{key}" resname="{key}"><source>- Speak clearly
- Listen fully</source><target>&leak; &c;</target></trans-unit></body></file></xliff>"""


def test_an_xliff_file_with_external_or_exploding_entities_reads_no_file(client, handbook, translator_ar):
    client.force_login(translator_ar)
    page = exchange_upload(client, handbook, SimpleUploadedFile("ar.xlf", XXE.format(key=HANDOUT).encode()))
    body = Block.objects.get(key="handout").body_ar
    assert "root:" not in body and "root:" not in page and "a" * 100 not in body


# --- Rosetta: interface catalogs -------------------------------------------------------


def fallback_notice(po_path):
    return polib.pofile(str(po_path)).find(NOTICE).msgstr


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rosetta_refuses_markup_and_template_tags_in_an_interface_translation(
    client, handbook, locale_copy, translator_fa, payload
):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    before, mo_before, notice = po_path.read_bytes(), po_path.with_suffix(".mo").read_bytes(), fallback_notice(po_path)
    client.force_login(translator_fa)
    page = rosetta_save(client, "fa", NOTICE, f"{notice} {payload}", po_path).content.decode()
    if payload.startswith("!["):
        # Markdown means nothing in an interface string: published, shown as typed.
        assert "Saved and published" in page
        body = module_main(client, handbook, "fa")
        assert payload in unescape(body) and dangerous_markup(body) == []
        return
    assert "contains markup that the original does not have" in page
    assert po_path.read_bytes() == before and po_path.with_suffix(".mo").read_bytes() == mo_before


@pytest.mark.parametrize(
    "broken",
    ["%(lang)s", "%(language)", "%s", "{{ language }}", "%(language)s %(language)s", "", "{% debug %} %(language)s"],
)
def test_rosetta_refuses_a_broken_placeholder_with_a_message_and_loses_nothing(
    client, handbook, locale_copy, translator_fa, broken
):
    po_path = locale_copy / "fa" / "LC_MESSAGES" / "django.po"
    before, version, notice = po_path.read_bytes(), catalogs.catalog_version("fa"), fallback_notice(po_path)
    client.force_login(translator_fa)
    page = rosetta_save(client, "fa", NOTICE, f"ترجمه نشده؛ {broken}", po_path).content.decode()
    assert "Your changes were not saved" in page
    assert po_path.read_bytes() == before and catalogs.catalog_version("fa") == version
    with translation.override("fa"):
        assert translation.gettext(NOTICE) == notice
    assert "{% debug %}" not in module_main(client, handbook, "fa")


# --- The workshop CSV import ----------------------------------------------------------


def workshops_csv(**cells):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow([{**GOOD, **cells}.get(column, "") for column in IMPORT_COLUMNS])
    return SimpleUploadedFile("workshops.csv", buffer.getvalue().encode())


def workshops_import_pages(client, place):
    """Import one national ToT at `place` through the dry run and the confirmation; the pages that show it."""
    preview = client.post(reverse("workshops:import"), {"file": workshops_csv(type="national_tot", place=place)})
    token = preview.context["token"]
    assert token, preview.context["result"].bad_rows
    assert client.post(reverse("workshops:import"), {"confirm": token}).status_code == 302
    return [
        preview.content.decode(),
        client.get(reverse("workshops:list")).content.decode(),
        client.get(reverse("workshops:reach")).content.decode(),
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_workshop_csv_with_hostile_cells_shows_them_as_text(client, handbook, partner, secretariat, payload):
    client.force_login(secretariat)
    # A bad row: the dry run names the cell's value in its problem.
    bad = client.post(reverse("workshops:import"), {"file": workshops_csv(type=payload)}).content.decode()
    baseline = client.post(reverse("workshops:import"), {"file": workshops_csv(type=HARMLESS)}).content.decode()
    assert "is not one of" in bad and added_markup(bad, baseline) == []
    # A good row: imported as text, shown escaped in the list and in the reach tables and charts.
    baselines = workshops_import_pages(client, HARMLESS)
    Workshop.objects.all().delete()
    pages = workshops_import_pages(client, payload)
    assert Workshop.objects.get().place == payload
    for page, baseline in zip(pages, baselines, strict=True):
        assert added_markup(page, baseline) == []


# --- Resource uploads --------------------------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def resource_post(client, upload=None, **fields):
    data = {"kind": "report", "year": "2024", "language": "ar", "title_en": "Annual report", **fields}
    if upload is not None:
        data["upload"] = upload
    return client.post(reverse("workshops:resource-add"), data)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_resource_with_a_hostile_title_and_description_is_listed_as_text(client, secretariat, payload):
    client.force_login(secretariat)
    for title in (HARMLESS, payload):
        response = resource_post(client, url="https://example.org/r", title_en=title, description_en=title)
        assert response.status_code == 302
    _harmless, hostile = Resource.objects.order_by("pk")
    listing = client.get(reverse("workshops:resources")).content.decode()
    assert payload in unescape(listing)
    hostile.delete()
    assert added_markup(listing, client.get(reverse("workshops:resources")).content.decode()) == []


HOSTILE_NAMES = [
    "../../../etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "<script>alert(1)</script>.pdf",
    '"; filename="evil.html".pdf',
    "%2e%2e%2fsecret.pdf",
    "CON.pdf",
    ".pdf",
    "a" * 300 + ".pdf",
    "تقرير سنوي.pdf",
    "report\u202egnp.pdf",
    "{% debug %}.pdf",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_is_stored_and_served_under_a_safe_one(client, secretariat, name):
    client.force_login(secretariat)
    assert resource_post(client, SimpleUploadedFile(name, PDF)).status_code == 302
    stored = Resource.objects.get().file.name
    directory, filename = stored.rsplit("/", 1)
    assert directory.startswith("resources/") and directory.count("/") == 1 and ".." not in stored
    assert filename.removesuffix(".pdf").replace("-", "").isalnum() and filename.isascii()
    assert default_storage.open(stored).read() == PDF
    download = client.get(reverse("workshops:resource-download", args=[Resource.objects.get().pk]))
    assert download["Content-Disposition"] == f'attachment; filename="{filename}"'


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, compresslevel=9) as archive:
        for name, content in members.items():
            if isinstance(content, int):  # that many zero bytes, written in pieces
                with archive.open(name, "w", force_zip64=True) as member:
                    for _ in range(content // (1024 * 1024)):
                        member.write(bytes(1024 * 1024))
            else:
                archive.writestr(name, content)
    return buffer.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('http://169.254.169.254/')</script></body></html>"
NOT_ACCEPTED = "Ce type de fichier n'est pas accepté"
REFUSED_FILES = {
    "svg with external references": ("logo.svg", lambda: SVG, NOT_ACCEPTED),
    "svg named as a pdf": ("logo.pdf", lambda: SVG, NOT_ACCEPTED),
    "html named as a pdf": ("report.pdf", lambda: HTML, NOT_ACCEPTED),
    "html after a pdf's first bytes, named html": ("report.html", lambda: PDF + HTML, "mais son contenu est PDF"),
    "zip claiming to be a pdf": ("report.pdf", lambda: _zip({"mimetype": "application/pdf"}), NOT_ACCEPTED),
    "word zip bomb": (
        "notes.docx",
        lambda: _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": 40 * 1024 * 1024}),
        "bombe",
    ),
    "opendocument bomb in its mimetype": (
        "notes.odt",
        lambda: _zip({"mimetype": 40 * 1024 * 1024, "content.xml": "<office/>"}),
        "bombe",
    ),
    "oversize": ("big.pdf", lambda: PDF + bytes(2 * 1024 * 1024), "Le fichier dépasse 1 Mo."),
}


@pytest.mark.parametrize("case", REFUSED_FILES)
def test_a_hostile_file_is_refused_with_a_translated_message(client, secretariat, settings, case):
    settings.RESOURCE_MAX_UPLOAD_BYTES = 1024 * 1024
    settings.RESOURCE_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
    name, content, message = REFUSED_FILES[case]
    client.force_login(secretariat)
    data = {"kind": "report", "year": "2024", "language": "ar", "title_en": "x", "title_fr": "x"}
    response = client.post("/fr/resources/add/", {**data, "upload": SimpleUploadedFile(name, content())})
    assert response.status_code == 200
    assert message in unescape(" ".join(response.context["form"].errors.get("upload", [])))
    assert not Resource.objects.exists()
    assert not default_storage.exists("resources") or not default_storage.listdir("resources")[0]


# --- PDFs of what each entry point accepted ------------------------------------------------


def _through_admin(request, client):
    """The secretariat adds every payload as a block of its own through the admin and publishes."""
    handbook, superuser = request.getfixturevalue("handbook"), request.getfixturevalue("superuser")
    client.force_login(superuser)
    module = Module.objects.get(slug="session-1")
    for number, payload in enumerate(PAYLOADS):
        block = Block(module=module, key=f"payload-{number}", position=10 + number, title_en=f"Payload {number}")
        response = client.post(reverse("admin:curriculum_block_add"), admin_block_data(block, body_en=payload))
        assert response.status_code == 302
    module_publish(module=module)
    return handbook, "en", None


def _through_workspace(request, client):
    handbook = request.getfixturevalue("handbook")
    partner, editor = request.getfixturevalue("partner"), request.getfixturevalue("partner_editor")
    return hostile_edition_write(client, curriculum=handbook, partner=partner, editor=editor), "en", partner


def _through_translation_editor(request, client):
    handbook = request.getfixturevalue("handbook")
    client.force_login(request.getfixturevalue("translator_ar"))
    accepted = "\n\n".join(payload for payload in PAYLOADS if is_plain_text(payload))
    assert editor_save(client, handbook, accepted).status_code == 302
    module_publish(module=Module.objects.get(slug="session-1"))
    return handbook, "ar", None


def _through_exchange_file(file_format):
    def write(request, client):
        handbook = request.getfixturevalue("handbook")
        client.force_login(request.getfixturevalue("translator_ar"))
        accepted = "\n\n".join(payload for payload in PAYLOADS if is_plain_text(payload))
        assert "1 translations updated" in exchange_upload(
            client, handbook, exchange_file(file_format, handbook, accepted)
        )
        module_publish(module=Module.objects.get(slug="session-1"))
        return handbook, "ar", None

    return write


def _through_rosetta(request, client):
    """A Persian interface label carrying what rosetta accepted; the Persian PDF prints it beside English blocks."""
    handbook, locale = request.getfixturevalue("handbook"), request.getfixturevalue("locale_copy")
    client.force_login(request.getfixturevalue("translator_fa"))
    po_path = locale / "fa" / "LC_MESSAGES" / "django.po"
    accepted = " ".join(payload for payload in PAYLOADS if payload.startswith("!["))
    page = rosetta_save(client, "fa", NOTICE, f"{fallback_notice(po_path)} {accepted}", po_path).content.decode()
    assert "Saved and published" in page
    return handbook, "fa", None


def _through_json_import(request, client):
    blocks = [
        {"key": f"payload-{number}", "title": {"en": f"Payload {number}"}, "body": {"en": payload}}
        for number, payload in enumerate(PAYLOADS)
        if is_plain_text(payload)
    ]
    curriculum = curriculum_import(
        data={
            "slug": "hostile",
            "title": {"en": "Hostile"},
            "modules": [{"slug": "session-1", "title": {"en": "One"}, "blocks": blocks}],
        }
    )
    return curriculum, "en", None


PDF_ENTRY_POINTS = {
    "admin": _through_admin,
    "workspace": _through_workspace,
    "translation editor": _through_translation_editor,
    "po file": _through_exchange_file("po"),
    "xliff file": _through_exchange_file("xliff"),
    "rosetta": _through_rosetta,
    "json import": _through_json_import,
}


@pytest.mark.parametrize("entry_point", PDF_ENTRY_POINTS)
def test_the_pdf_of_what_an_entry_point_accepted_fetches_nothing_and_renders_in_time(request, client, entry_point):
    curriculum, language, partner = PDF_ENTRY_POINTS[entry_point](request, client)
    job = export_request(curriculum=curriculum, language=language, partner=partner, enqueue=False)
    export_job_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    assert job.report["refused_urls"] == []
    assert job.render_seconds < min(60, settings.PDF_SOFT_TIME_LIMIT)
    assert job.page_count < 60  # huge CSS values never reached the renderer
    pdf = default_storage.open(job.file.name).read()
    for action in (b"/JavaScript", b"/JS ", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"file://"):
        assert action not in pdf, action
