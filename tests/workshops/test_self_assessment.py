"""Self-assessment before and after: shown by module, partner, year and language, with n, never over-read."""

from datetime import date

import pytest
from django.urls import reverse

from workshops.models import Workshop
from workshops.review import review_figures, review_html
from workshops.selectors import SCORE_MIN_SAMPLE, self_assessment_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(partner, other_partner, make_workshop):
    """Six Tamkeen workshops in Arabic with both scores, two Sauti ones in Swahili, one without scores."""
    for day in range(1, 7):
        make_workshop(partner, start_date=date(2025, 3, day), end_date=date(2025, 3, day), pre_score=2, post_score=4)
    for day in (1, 2):
        make_workshop(other_partner, language="sw", start_date=date(2025, 4, day), end_date=date(2025, 4, day),
                      pre_score=3, post_score="3.5")  # fmt: skip
    make_workshop(other_partner, language="sw", start_date=date(2024, 4, 1), end_date=date(2024, 4, 1))


def test_the_change_is_computed_by_each_dimension_with_its_sample(scored, partner, other_partner):
    workshops = Workshop.objects.all()
    by_partner = {row.key: row for row in self_assessment_table(workshops=workshops, dimension="partner")}
    assert (by_partner[str(partner.pk)].n, by_partner[str(partner.pk)].change) == (6, 2.0)
    assert (by_partner[str(other_partner.pk)].n, by_partner[str(other_partner.pk)].change) == (2, 0.5)
    assert by_partner[str(partner.pk)].shown and not by_partner[str(other_partner.pk)].shown
    by_language = {row.key: row for row in self_assessment_table(workshops=workshops, dimension="language")}
    assert by_language["ar"].n == 6
    assert by_language["sw"].n == 2
    [year] = self_assessment_table(workshops=workshops, dimension="year")
    assert (year.key, year.n) == ("2025", 8)  # the 2024 workshop gave no scores
    modules = self_assessment_table(workshops=workshops, dimension="module")
    assert [row.n for row in modules] == [8, 8]
    assert SCORE_MIN_SAMPLE == 5


def test_the_reach_page_shows_the_change_and_hides_small_samples(client, secretariat, scored):
    client.force_login(secretariat)
    page = client.get(reverse("workshops:reach")).content.decode()
    assert 'id="reach-scores-partner"' in page and 'id="reach-scores-module"' in page
    assert "+2.00" in page  # Tamkeen: 2.00 → 4.00, n = 6
    assert "+0.50" not in page  # Sauti: two workshops only
    assert "fewer than 5 workshops" in page


def test_the_reach_page_filters_apply_to_the_scores(client, secretariat, scored):
    client.force_login(secretariat)
    page = client.get(reverse("workshops:reach"), {"language": "sw"}).content.decode()
    assert "+2.00" not in page


def test_the_review_pdf_shows_the_change_with_its_sample(scored, partner, other_partner):
    figures = review_figures(year=2025)
    assert sorted(figures["self_assessment"]["partner"], key=lambda row: row["n"]) == [
        {"group": other_partner.pk, "n": 2, "before": 3.0, "after": 3.5},
        {"group": partner.pk, "n": 6, "before": 2.0, "after": 4.0},
    ]
    html = review_html(figures=figures, language="en")
    assert 'id="review-scores-partner"' in html and "+2.00" in html and "+0.50" not in html
    assert "fewer than 5 workshops" in html
