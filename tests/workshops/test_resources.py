"""The resource centre: uploads checked by content and size, multilingual search and filters, who may add."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workshops.models import Resource

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _post(client, upload=None, **fields):
    data = {"kind": "report", "year": "2024", "language": "ar", "title_en": "Annual report 2024", **fields}
    if upload is not None:
        data["upload"] = upload
    return client.post(reverse("workshops:resource-add"), data)


def test_a_partner_editor_uploads_a_pdf_through_the_storage(client, partner, partner_editor, storage_backend):
    client.force_login(partner_editor)
    response = _post(client, SimpleUploadedFile("Report 2024.pdf", PDF), partner=partner.pk, tag_names="reports, 2024")
    assert response.status_code == 302, response.context["form"].errors
    resource = Resource.objects.get()
    assert resource.file_type == "application/pdf" and resource.file_size == len(PDF)
    assert resource.file.name.startswith("resources/") and resource.file.name.endswith("/report-2024.pdf")
    assert default_storage.open(resource.file.name).read() == PDF
    if storage_backend:
        assert storage_backend.object_keys() == [resource.file.name]  # no temporary object left behind
    assert sorted(tag.slug for tag in resource.tags.all()) == ["2024", "reports"]
    download = client.get(reverse("workshops:resource-download", args=[resource.pk]))
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content) == PDF


def test_a_library_download_is_served_like_every_stored_file_resumable_and_revalidated(
    client, secretariat, storage_backend
):
    client.force_login(secretariat)
    _post(client, SimpleUploadedFile("Report 2024.pdf", PDF))
    client.logout()
    url = reverse("workshops:resource-download", args=[Resource.objects.get().pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Accept-Ranges"] == "bytes"
    assert first["Content-Disposition"] == 'attachment; filename="report-2024.pdf"'
    assert first["Content-Type"] == "application/pdf"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    resumed = client.get(url, HTTP_RANGE="bytes=10-", HTTP_IF_RANGE=first["ETag"])
    assert resumed.status_code == 206 and resumed["Content-Range"] == f"bytes 10-{len(PDF) - 1}/{len(PDF)}"
    assert b"".join(resumed.streaming_content) == PDF[10:]
    assert resumed["Content-Type"] == "application/pdf"


def test_a_library_entry_that_is_only_a_link_has_no_download(client, secretariat):
    resource = Resource.objects.create(title_en="A film", language="en", url="https://example.org/film")
    assert client.get(reverse("workshops:resource-download", args=[resource.pk])).status_code == 404


def test_the_same_document_uploaded_twice_is_stored_once(client, secretariat, storage_backend):
    client.force_login(secretariat)
    _post(client, SimpleUploadedFile("Report 2024.pdf", PDF))
    _post(client, SimpleUploadedFile("Report 2024.pdf", PDF), title_en="The same report again")
    first, second = Resource.objects.order_by("pk")
    assert first.file.name == second.file.name and default_storage.open(second.file.name).read() == PDF


def test_office_documents_are_recognised_inside_their_zip(client, secretariat):
    client.force_login(secretariat)
    assert _post(client, SimpleUploadedFile("notes.docx", _docx())).status_code == 302
    assert Resource.objects.get().file_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "its content is PNG"),
        ("archive.zip", b"PK\x03\x04" + b"0" * 40, "not accepted"),
        ("tool.exe", b"MZ\x90\x00" + b"0" * 40, "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_it_refuses_files_by_their_content(client, secretariat, name, content, reason):
    client.force_login(secretariat)
    response = _post(client, SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 200
    assert reason in " ".join(response.context["form"].errors.get("upload", []))
    assert not Resource.objects.exists()
    assert not default_storage.exists("resources") or not default_storage.listdir("resources")[0]


def _corrupt_odt():
    """An OpenDocument zip whose `mimetype` member's compressed bytes are garbage."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text" * 50)
    data = bytearray(buffer.getvalue())
    start = data.index(b"mimetype") + len("mimetype")
    data[start : start + 40] = b"\xff" * 40
    return bytes(data)


def test_a_corrupt_office_document_is_refused_not_a_server_error(client, secretariat):
    client.force_login(secretariat)
    response = _post(client, SimpleUploadedFile("minutes.odt", _corrupt_odt()))
    assert response.status_code == 200
    assert "not accepted" in " ".join(response.context["form"].errors["upload"])
    assert not Resource.objects.exists()


def test_it_refuses_files_above_the_size_limit(client, secretariat, settings):
    settings.RESOURCE_MAX_UPLOAD_BYTES = 1024 * 1024
    client.force_login(secretariat)
    response = _post(client, SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024)))
    assert "larger than 1 MB" in " ".join(response.context["form"].errors["upload"])
    assert not Resource.objects.exists()


def test_a_link_or_a_file_but_not_neither(client, secretariat):
    client.force_login(secretariat)
    assert "either a file or an external link" in _post(client).content.decode()
    assert _post(client, url="javascript:alert(1)").status_code == 200
    assert _post(client, kind="film", url="https://films.example.org/voices").status_code == 302
    assert Resource.objects.get().get_absolute_url() == "https://films.example.org/voices"


def test_partner_editors_add_for_their_own_partner_only(client, other_partner, partner_editor):
    client.force_login(partner_editor)
    response = _post(client, SimpleUploadedFile("r.pdf", PDF), partner=other_partner.pk)
    assert "partner" in response.context["form"].errors
    assert "partner" in _post(client, SimpleUploadedFile("r.pdf", PDF)).context["form"].errors  # required for them
    assert not Resource.objects.exists()


def test_it_refuses_people_without_a_partner(client, outsider):
    assert _post(client, SimpleUploadedFile("r.pdf", PDF)).status_code == 302  # anonymous: sign in first
    client.force_login(outsider)
    assert client.get(reverse("workshops:resource-add")).status_code == 403
    assert _post(client, SimpleUploadedFile("r.pdf", PDF)).status_code == 403
    assert not Resource.objects.exists()


@pytest.fixture
def library(partner, other_partner):
    Resource.objects.create(title="Annual report", title_en="Annual report", title_ar="التقرير السنوي",
                            description_en="Figures of the year.", kind="report", year=2024, language="ar",
                            partner=partner, url="https://example.org/report")  # fmt: skip
    Resource.objects.create(title="Voices", title_en="Voices of the delta", kind="film", year=2019, language="sw",
                            partner=other_partner, url="https://example.org/film")  # fmt: skip


def test_anyone_searches_the_library_in_any_language(client, library):
    def titles(**params):
        return [resource.title_en for resource in client.get(reverse("workshops:resources"), params).context["page"]]

    assert titles() == ["Annual report", "Voices of the delta"]
    assert titles(q="السنوي") == ["Annual report"]
    assert titles(q="delta") == ["Voices of the delta"]
    assert titles(kind="film") == ["Voices of the delta"]
    assert titles(language="ar", year="2024", partner="tamkeen") == ["Annual report"]
    assert titles(year="2019", partner="tamkeen") == []
    arabic = client.get("/ar/resources/").content.decode()
    assert "التقرير السنوي" in arabic and '<html lang="ar" dir="rtl">' in arabic
