"""The public partner map: a list and an outline map without scripts, Leaflet data for pins with popups."""

import json
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def located(partner, other_partner, affiliate):
    for item, (lat, lon) in [(partner, (31.95, 35.93)), (other_partner, (-6.8, 39.28)), (affiliate, (32.55, 35.85))]:
        item.latitude, item.longitude = lat, lon
        item.location_visibility = "exact"
        item.save()
    partner.description_en = "Learning circles <script>alert(1)</script> in Amman."
    partner.description_ar = "حلقات تعلّم في عمّان."
    partner.save()
    return partner, other_partner, affiliate


def test_anyone_sees_every_partner_and_affiliate_listed_and_plotted(client, located, handbook):
    page = client.get(reverse("workshops:partner-map")).content.decode()
    for slug in ["tamkeen", "sauti", "tamkeen-irbid"]:
        assert f'id="partner-{slug}"' in page and f'href="#partner-{slug}"' in page
    assert "Affiliate of Tamkeen Women&#x27;s Forum" in page
    # Amman at 35.93 E, 31.95 N on the two-units-a-degree outline.
    assert 'cx="431.9" cy="116.1"' in page
    assert "<script>alert(1)</script>" not in page
    # Only partners with a published edition anyone may open are linked (see below).
    assert "?edition=" not in page and "?partner=" not in page


def test_a_partner_with_a_published_edition_links_to_it_and_a_private_one_does_not(client, located, handbook):
    from curriculum.adaptation import edition_get_or_create
    from curriculum.publishing import edition_publish

    partner, other_partner, _affiliate = located
    edition_publish(edition=edition_get_or_create(curriculum=handbook, partner=partner))
    private = edition_get_or_create(curriculum=handbook, partner=other_partner)
    edition_publish(edition=private)
    private.is_private = True
    private.save()
    page = client.get(reverse("workshops:partner-map")).content.decode()
    data = json.loads(re.search(r'<script id="partner-data" type="application/json">(.*?)</script>', page, re.S)[1])
    entries = {entry["slug"]: entry for entry in data}
    link = f"{handbook.get_absolute_url()}?edition=tamkeen"
    assert entries["tamkeen"]["url"] == link
    # The affiliate has no edition of its own; the private edition is not announced.
    assert entries["tamkeen-irbid"]["url"] == "" and entries["sauti"]["url"] == ""
    opened = client.get(link)
    assert opened.status_code == 200 and "Tamkeen" in opened.content.decode()


def test_the_pins_data_carries_the_popup_in_the_page_language(client, located, handbook):
    page = client.get("/ar/partners/").content.decode()
    data = json.loads(re.search(r'<script id="partner-data" type="application/json">(.*?)</script>', page, re.S)[1])
    tamkeen = next(item for item in data if item["slug"] == "tamkeen")
    assert tamkeen["description"] == "حلقات تعلّم في عمّان."
    assert tamkeen["languages"] == ["العربية", "الإنجليزية"]
    assert (tamkeen["latitude"], tamkeen["longitude"]) == (31.95, 35.93)
    assert '<html lang="ar" dir="rtl">' in page


def test_no_tiles_are_fetched_unless_a_tile_server_is_set(client, located, settings):
    page = client.get(reverse("workshops:partner-map")).content.decode()
    assert 'data-tile-url=""' in page and "openstreetmap" not in page
    assert "/static/vendor/leaflet/leaflet.js" in page
    settings.PARTNER_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get(reverse("workshops:partner-map")).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in page


def test_leaflet_is_vendored_with_its_licence():
    from django.contrib.staticfiles import finders

    for name in ["leaflet.js", "leaflet.css", "LICENSE", "images/marker-icon.png"]:
        assert finders.find(f"vendor/leaflet/{name}"), name


# --- What each partner chose to show ------------------------------------------------------


def _map_data(page):
    return json.loads(re.search(r'<script id="partner-data" type="application/json">(.*?)</script>', page, re.S)[1])


def _with_visibility(partner, visibility, lat=31.95712, lon=35.93391, city="Amman"):
    partner.latitude, partner.longitude, partner.city, partner.location_visibility = lat, lon, city, visibility
    partner.save()


def test_a_new_partner_is_shown_at_country_level(db):
    from tests.factories import PartnerFactory

    assert PartnerFactory().location_visibility == "country"


def test_a_country_level_partner_has_no_point_of_its_own_anywhere_in_the_page(client, partner):
    _with_visibility(partner, "country")
    page = client.get(reverse("workshops:partner-map")).content.decode()
    [entry] = _map_data(page)
    assert (entry["latitude"], entry["longitude"]) == (30.6, 36.2)  # Jordan's centre
    assert entry["city"] == "" and "Amman" not in page
    for precise in ("31.95", "35.93", 'cx="431.9" cy="116.1"'):
        assert precise not in page
    assert 'cx="432.4" cy="118.8"' in page  # the pin is at Jordan's centre


def test_a_city_level_partner_is_rounded_to_its_town(client, partner):
    _with_visibility(partner, "city")
    page = client.get(reverse("workshops:partner-map")).content.decode()
    [entry] = _map_data(page)
    assert (entry["latitude"], entry["longitude"]) == (32.0, 35.9)
    assert "Amman" in page and "31.957" not in page and "35.933" not in page


def test_a_hidden_partner_is_not_listed_and_its_affiliates_stand_alone(client, partner, affiliate):
    _with_visibility(partner, "hidden")
    _with_visibility(affiliate, "country", lat=32.55, lon=35.85, city="Irbid")
    page = client.get(reverse("workshops:partner-map")).content.decode()
    assert [entry["slug"] for entry in _map_data(page)] == ["tamkeen-irbid"]
    assert partner.name.replace("'", "&#x27;") not in page and "Affiliate of" not in page
    assert 'id="partner-tamkeen-irbid"' in page


def test_the_review_pdf_shows_only_what_the_partner_chose(partner, other_partner, make_workshop):
    from workshops.review import review_figures, review_html

    _with_visibility(partner, "hidden")
    _with_visibility(other_partner, "city", lat=-6.8, lon=39.28, city="Dar es Salaam")
    make_workshop(partner)
    make_workshop(other_partner)
    html = review_html(figures=review_figures(year=2025), language="en")
    assert "Location not shown, at the partner's request" in html
    assert "Dar es Salaam" in html and "JO" not in html


def test_the_partners_editor_and_the_secretariat_choose_the_visibility(
    client, partner, partner_editor, secretariat, other_editor, affiliate_editor
):
    url = reverse("workspace:partner-location", args=[partner.slug])
    client.force_login(partner_editor)
    assert url in client.get(reverse("workspace:index")).content.decode()
    assert client.post(url, {"location_visibility": "hidden"}).status_code == 302
    partner.refresh_from_db()
    assert partner.location_visibility == "hidden"
    client.force_login(secretariat)
    client.post(url, {"location_visibility": "city"})
    partner.refresh_from_db()
    assert partner.location_visibility == "city"
    for refused in (other_editor, affiliate_editor):
        client.force_login(refused)
        assert client.get(url).status_code == 404
        assert client.post(url, {"location_visibility": "exact"}).status_code == 404
    partner.refresh_from_db()
    assert partner.location_visibility == "city"
    client.force_login(partner_editor)
    assert client.post(url, {"location_visibility": "street"}).status_code == 200  # not a choice: the form says so


def test_an_english_description_keeps_its_direction_on_an_arabic_page(client, located):
    # Without it the full stop of "…market access." jumps to the start of the line on a right-to-left page.
    _partner, other_partner, _affiliate = located
    other_partner.description_en = "Radio circles in Dar es Salaam."
    other_partner.save()
    page = client.get("/ar/partners/").content.decode()
    assert '<p dir="auto">Radio circles in Dar es Salaam.</p>' in page
    assert '<h2 class="partner-name" dir="auto">Sauti' in page
    assert "<bdi>" in page  # the place, in its own script, set apart from the sentence around it
