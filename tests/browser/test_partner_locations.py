"""The partner map in a browser at each location visibility: precise coordinates never reach it unless chosen."""

import pytest

from tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRECISE = {"exact": (31.95712, 35.93391), "city": (40.28431, 69.62217), "country": (-2.51642, 32.90123)}
PRECISE_HIDDEN = (12.00123, 8.52177)


@pytest.fixture
def partners_at_each_level(db):
    made = {}
    for visibility, country, city in [("exact", "JO", "Amman"), ("city", "TJ", "Khujand"), ("country", "TZ", "Mwanza")]:
        latitude, longitude = PRECISE[visibility]
        made[visibility] = PartnerFactory(
            slug=f"partner-{visibility}", name=f"Partner {visibility}", country=country, city=city,
            latitude=latitude, longitude=longitude, location_visibility=visibility,
        )  # fmt: skip
    made["hidden"] = PartnerFactory(
        slug="partner-hidden", name="Partner hidden", country="NG", city="Kano",
        latitude=PRECISE_HIDDEN[0], longitude=PRECISE_HIDDEN[1], location_visibility="hidden",
    )  # fmt: skip
    return made


def _digits(value):
    return f"{value:.3f}"  # three decimals: a point within about 100 m


def test_the_map_carries_only_what_each_partner_chose(page, live_server, partners_at_each_level):
    page.goto(f"{live_server.url}/en/partners/")
    page.locator("#partner-map[data-ready=true]").wait_for()
    source = page.content()
    data = page.evaluate("JSON.parse(document.getElementById('partner-data').textContent)")
    by_slug = {entry["slug"]: entry for entry in data}
    # Exact: the point itself.
    assert (by_slug["partner-exact"]["latitude"], by_slug["partner-exact"]["longitude"]) == PRECISE["exact"]
    # City: rounded to the town; country: the country's centre; neither carries its own digits anywhere.
    assert (by_slug["partner-city"]["latitude"], by_slug["partner-city"]["longitude"]) == (40.3, 69.6)
    assert by_slug["partner-country"]["city"] == "" and "Mwanza" not in source
    for visibility in ("city", "country"):
        for value in PRECISE[visibility]:
            assert _digits(value) not in source, (visibility, value)
            assert _digits(value) not in str(data), (visibility, value)
    # Hidden: not listed, not pinned, its name and its coordinates nowhere.
    assert "partner-hidden" not in by_slug and "Partner hidden" not in source and "Kano" not in source
    for value in PRECISE_HIDDEN:
        assert _digits(value) not in source
    markers = page.locator(".leaflet-marker-icon")
    assert markers.count() == 3
    titles = {markers.nth(index).get_attribute("title") for index in range(3)}
    assert titles == {"Partner exact", "Partner city", "Partner country"}
    # The Leaflet markers sit where the data says, not anywhere more precise.
    positions = page.evaluate(
        """() => { const out = {}; document.querySelectorAll('.leaflet-marker-icon').forEach(m => {
             out[m.title] = m.style.transform; }); return out; }"""
    )
    assert len(positions) == 3
