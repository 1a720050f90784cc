"""The secretariat's reach page: aggregates from the database, the cascade, filters, CSV exports, charts."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from workshops import charts
from workshops.models import Workshop
from workshops.services import ReachFilters, reach_cascade, reach_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def cascade(partner, other_partner, affiliate, make_workshop):
    regional = make_workshop(partner, kind="regional_tot", start_date=date(2024, 2, 1), end_date=date(2024, 2, 4),
                             participants_women=12, participants_men=0, participants_total=12)  # fmt: skip
    national = make_workshop(other_partner, kind="national_tot", parent_tot=regional, language="sw",
                             start_date=date(2024, 5, 1), end_date=date(2024, 5, 2),
                             participants_women=10, participants_men=0, participants_total=10)  # fmt: skip
    make_workshop(
        other_partner, parent_tot=national, language="sw", start_date=date(2025, 1, 5), end_date=date(2025, 1, 5)
    )
    make_workshop(affiliate, parent_tot=national, place='=HYPERLINK("http://evil")')
    return regional, national


def test_tables_group_workshops_and_participants(cascade):
    workshops = Workshop.objects.all()
    by_year = {row.key: (row.workshops, row.participants) for row in reach_table(workshops=workshops, dimension="year")}
    assert by_year == {"2024": (2, 22), "2025": (2, 40)}
    by_language = {row.label: row.participants for row in reach_table(workshops=workshops, dimension="language")}
    assert by_language == {"Arabic": 32, "Swahili": 30}
    by_module = reach_table(workshops=workshops, dimension="module")
    assert [(row.key, row.workshops, row.participants) for row in by_module] == [
        ("facilitation-guide", 4, 62),
        ("session-1", 4, 62),
    ]
    by_partner = {row.key: row.workshops for row in reach_table(workshops=workshops, dimension="partner")}
    assert by_partner == {"tamkeen": 1, "sauti": 2, "tamkeen-irbid": 1}


def test_the_cascade_counts_each_level_and_the_replications(cascade):
    result = reach_cascade(workshops=Workshop.objects.all())
    assert [(level.key, level.workshops, level.participants) for level in result.levels] == [
        ("regional_tot", 1, 12),
        ("national_tot", 1, 10),
        ("workshop", 2, 40),
    ]
    assert result.flows == [("national_tot", "workshop", 2, 40), ("regional_tot", "national_tot", 1, 10)]
    assert [(tot.pk, tot.replication_count, tot.reached) for tot in result.top_tots] == [
        (cascade[1].pk, 2, 40),
        (cascade[0].pk, 1, 10),
    ]


def test_filters_narrow_every_table(cascade, versions):
    only_swahili = ReachFilters(language="sw").apply(Workshop.objects.all())
    assert only_swahili.count() == 2
    assert ReachFilters(year=2024, partner="sauti").apply(Workshop.objects.all()).count() == 1
    Workshop.objects.get(pk=cascade[0].pk).module_versions.set(versions[:1])
    assert ReachFilters(module="session-1").apply(Workshop.objects.all()).count() == 3


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


@pytest.mark.parametrize("persona", ["partner_editor", "outsider"])
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


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("workshops:reach")).status_code == 302


def test_bar_charts_are_mirrored_right_to_left_and_escape_labels():
    rows = [("<script>", 10), ("العربية", 5)]
    ltr = charts.bar_chart(rows=rows, title="Participants", lang="en")
    rtl = charts.bar_chart(rows=rows, title="المشاركات", rtl=True, lang="ar")
    assert "<script>" not in ltr and "&lt;script&gt;" in ltr
    assert 'direction="ltr"' in ltr and 'direction="rtl"' in rtl
    # The longest bar starts after the labels in English and ends before them in Arabic.
    assert '<rect x="217"' in ltr
    # In Arabic the labels hug the right edge ("start" of right-to-left text) and the bars end before them.
    assert '<text x="636" y="46.3" text-anchor="start">&lt;script&gt;</text><rect x="78" y="34" width="341"' in rtl


def test_the_cascade_chart_reads_right_to_left_in_arabic(cascade):
    result = reach_cascade(workshops=Workshop.objects.all())
    ltr = str(charts.cascade_chart(levels=result.levels, flows=result.flows, title="Cascade"))
    rtl = str(charts.cascade_chart(levels=result.levels, flows=result.flows, title="Cascade", rtl=True))
    # The regional box comes first in reading order: on the left in English, on the right in Arabic.
    assert '<rect x="0.0" y="34" width="180"' in ltr
    assert '<rect x="460.0" y="34" width="180"' in rtl
