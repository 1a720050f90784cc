"""SVG charts: mirrored right to left, labels escaped."""

import pytest

from workshops import charts
from workshops.models import Workshop
from workshops.selectors import reach_cascade


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


@pytest.mark.django_db
def test_the_cascade_chart_reads_right_to_left_in_arabic(cascade):
    result = reach_cascade(workshops=Workshop.objects.all())
    ltr = str(charts.cascade_chart(levels=result.levels, flows=result.flows, title="Cascade"))
    rtl = str(charts.cascade_chart(levels=result.levels, flows=result.flows, title="Cascade", rtl=True))
    # The regional box comes first in reading order: on the left in English, on the right in Arabic.
    assert '<rect x="0.0" y="34" width="180"' in ltr
    assert '<rect x="460.0" y="34" width="180"' in rtl
