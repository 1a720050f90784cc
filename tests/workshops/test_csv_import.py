"""CSV bulk import: the template, a dry run naming every bad row, all-or-nothing commit, file checks."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workshops.csv_import import IMPORT_COLUMNS, ImportFileError, workshops_import
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

GOOD = {
    "type": "workshop", "partner": "tamkeen", "country": "JO", "place": "Zarqa", "start_date": "2025-03-04",
    "end_date": "2025-03-05", "language": "ar", "curriculum": "leading-to-choices",
    "modules": "facilitation-guide;session-1@1", "women": "18", "men": "2", "total": "21", "pre_score": "2.8",
    "post_score": "4.1", "replication_of": "", "facilitators": "Rania Haddad;Lina Odeh",
}  # fmt: skip


def _csv(*rows, header=IMPORT_COLUMNS):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([{**GOOD, **row}.get(column, "") for column in header])
    return buffer.getvalue().encode()


def test_the_template_downloads_with_the_documented_columns(client, partner_editor):
    client.force_login(partner_editor)
    response = client.get(reverse("workshops:import-template"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(text))) == IMPORT_COLUMNS
    page = client.get(reverse("workshops:import")).content.decode()
    assert all(column in page for column in ["replication_of", "facilitators", "pre_score"])


def test_a_good_file_imports_every_row(partner, partner_editor, handbook):
    result = workshops_import(
        user=partner_editor, raw=_csv({}, {"place": "Mafraq", "type": "national_tot"}), commit=True
    )
    assert result.created == 2
    mafraq = Workshop.objects.get(place="Mafraq")
    assert mafraq.kind == "national_tot" and mafraq.created_by == partner_editor
    zarqa = Workshop.objects.get(place="Zarqa")
    assert sorted(v.module.slug for v in zarqa.module_versions.all()) == ["facilitation-guide", "session-1"]
    assert zarqa.facilitators.count() == 2


def test_a_replication_links_back_to_its_tot_and_its_new_facilitators_were_trained_there(
    partner, partner_editor, handbook, make_workshop
):
    from datetime import date

    tot = make_workshop(partner, kind="national_tot", start_date=date(2025, 1, 5), end_date=date(2025, 1, 7))
    result = workshops_import(user=partner_editor, raw=_csv({"replication_of": str(tot.pk)}), commit=True)
    assert result.created == 1
    replication = tot.replications.get()
    assert {person.trained_at for person in replication.facilitators.all()} == {tot}


def test_the_dry_run_lists_every_bad_row_with_its_reason_and_saves_nothing(
    partner, other_partner, partner_editor, handbook
):
    raw = _csv(
        {},
        {"total": "5"},
        {"partner": "sauti"},
        {"start_date": "04/03/2025"},
        {"modules": "session-9"},
        {"type": "webinar"},
        {"replication_of": "999"},
        {"pre_score": "7"},
    )
    result = workshops_import(user=partner_editor, raw=raw, commit=True)
    assert result.created == 0 and not Workshop.objects.exists()
    reasons = {row.line: " ".join(row.errors) for row in result.bad_rows}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "smaller than women plus men" in reasons[3]
    assert "not yours" in reasons[4]
    assert "not a date" in reasons[5]
    assert "session-9" in reasons[6]
    assert "webinar" in reasons[7]
    assert "999" in reasons[8]
    assert "1 to 5" in reasons[9]


def test_hostile_cells_are_refused(partner, partner_editor, handbook):
    result = workshops_import(
        user=partner_editor, raw=_csv({"place": "=cmd|' /C calc'!A0"}, {"facilitators": "@SUM(1+1)"})
    )
    assert [row.line for row in result.bad_rows] == [2, 3]
    assert "formula" in result.bad_rows[0].errors[0]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"type;partner\n", "header"),
        (_csv(header=[*IMPORT_COLUMNS[:-1], "notes"]), "Missing: facilitators. Unknown: notes"),
        ("\ufeff".encode() + b"\xff\xfe" + "é".encode("latin-1"), "UTF-8"),
        (b"type,partner\x00", "not a CSV"),
    ],
)
def test_it_refuses_unreadable_files(partner_editor, raw, message):
    with pytest.raises(ImportFileError, match=message):
        workshops_import(user=partner_editor, raw=raw)


def test_it_refuses_files_above_the_size_limit(settings, partner_editor):
    settings.WORKSHOP_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="larger than"):
        workshops_import(user=partner_editor, raw=_csv({}, {}))


def test_the_web_import_previews_then_commits(client, partner, partner_editor, handbook):
    client.force_login(partner_editor)
    upload = SimpleUploadedFile("w.csv", _csv({}, {"place": "Mafraq"}), content_type="text/csv")
    preview = client.post(reverse("workshops:import"), {"file": upload})
    assert preview.status_code == 200 and not Workshop.objects.exists()
    token = preview.context["token"]
    assert "Mafraq" in preview.content.decode()
    done = client.post(reverse("workshops:import"), {"confirm": token})
    assert done.status_code == 302
    assert Workshop.objects.count() == 2


def test_the_web_import_shows_bad_rows_and_offers_no_confirmation(client, partner, partner_editor, handbook):
    client.force_login(partner_editor)
    upload = SimpleUploadedFile("w.csv", _csv({}, {"total": "1"}), content_type="text/csv")
    response = client.post(reverse("workshops:import"), {"file": upload})
    page = response.content.decode()
    assert 'id="import-errors"' in page and 'name="confirm"' not in page
    assert client.post(reverse("workshops:import"), {"confirm": "forged"}).status_code == 302
    assert not Workshop.objects.exists()


def test_an_outsider_cannot_import(client, outsider, partner, handbook):
    client.force_login(outsider)
    upload = SimpleUploadedFile("w.csv", _csv({}), content_type="text/csv")
    assert client.post(reverse("workshops:import"), {"file": upload}).status_code == 403
    assert not Workshop.objects.exists()


def test_a_file_without_the_optional_edition_column_still_imports(partner, partner_editor, handbook):
    header = [column for column in IMPORT_COLUMNS if column != "edition"]
    assert workshops_import(user=partner_editor, raw=_csv({}, header=header), commit=True).created == 1
    assert Workshop.objects.get().edition_version is None


def test_the_edition_column_names_a_published_version_of_the_partners_edition(
    partner, affiliate, partner_editor, handbook
):
    from curriculum.models import Edition, EditionVersion, PartnerMembership

    version = EditionVersion.objects.create(edition=Edition.objects.create(curriculum=handbook, partner=partner),
                                            number=1, snapshot={})  # fmt: skip
    PartnerMembership.objects.create(user=partner_editor, partner=affiliate)
    result = workshops_import(
        user=partner_editor,
        raw=_csv({"edition": "1"}, {"edition": "1", "partner": "tamkeen-irbid"}, {"edition": "9"}),
    )
    assert [row.line for row in result.bad_rows] == [4]
    assert "version “9”" in result.bad_rows[0].errors[0]
    assert [row.data["edition_version"] for row in result.rows[:2]] == [version, version]  # an affiliate: its parent's
