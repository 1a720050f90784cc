"""The secretariat's reach page: its queries, charts, CSV exports and who may read it."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_queries_do_not_grow_with_the_number_of_workshops(
    client, secretariat, cascade, make_workshop, partner, django_assert_max_num_queries
):
    client.force_login(secretariat)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("workshops:reach"))
    for day in range(1, 29):
        make_workshop(partner, start_date=date(2023, 6, day), end_date=date(2023, 6, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("workshops:reach"))
    assert response.status_code == 200


def test_the_secretariat_sees_the_reach_page_with_charts(client, secretariat, cascade):
    client.force_login(secretariat)
    page = client.get(reverse("workshops:reach"), {"year": "2024"}).content.decode()
    assert page.count("<svg") == 7  # the cascade and six dimensions
    assert "Regional Training of Trainers" in page


def test_the_csv_export_neutralises_formulas(client, secretariat, cascade):
    client.force_login(secretariat)
    response = client.get(reverse("workshops:reach-csv", args=["cascade"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Training of Trainers"
    by_country = client.get(reverse("workshops:reach-csv", args=["partner"]), {"language": "ar"})
    assert [row[0] for row in csv.reader(io.StringIO(by_country.content.decode("utf-8-sig")))][1:] == [
        "tamkeen",
        "tamkeen-irbid",
    ]
    assert client.get(reverse("workshops:reach-csv", args=["nonsense"])).status_code == 404


def test_a_hostile_place_comes_out_of_a_csv_export_as_text(client, secretariat, partner, make_workshop):
    tot = make_workshop(
        partner, kind="national_tot", place="=cmd|' /C calc'!A0", start_date=date(2024, 1, 1), end_date=date(2024, 1, 1)
    )
    make_workshop(partner, parent_tot=tot)
    client.force_login(secretariat)
    text = client.get(reverse("workshops:reach-csv", args=["cascade"])).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'") and "=cmd|" in cell for cell in cells)


@pytest.mark.parametrize("persona", ["partner_editor", "outsider", "staff_editor"])
def test_it_refuses_everyone_but_the_secretariat(request, client, persona, cascade):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("workshops:reach")).status_code == 403
    assert client.get(reverse("workshops:reach-csv", args=["year"])).status_code == 403


def test_the_secretariat_group_without_staff_status_is_the_secretariat_too(client, outsider, cascade):
    from django.contrib.auth.models import Group

    client.force_login(outsider)
    page = client.get(reverse("workshops:partner-map")).content.decode()
    assert reverse("workshops:reach") not in page and reverse("workshops:list") not in page
    outsider.groups.add(Group.objects.get_or_create(name="secretariat")[0])
    assert reverse("workshops:reach") in client.get(reverse("workshops:partner-map")).content.decode()
    assert client.get(reverse("workshops:reach")).status_code == 200


def test_staff_status_alone_does_not_show_the_secretariats_pages(client, staff_editor):
    client.force_login(staff_editor)
    page = client.get(reverse("workshops:partner-map")).content.decode()
    assert reverse("workshops:list") in page  # her own partner's records
    assert reverse("workshops:reach") not in page and reverse("workshops:review") not in page


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("workshops:reach")).status_code == 302
