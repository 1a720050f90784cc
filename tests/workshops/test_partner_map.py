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
    assert f"{handbook.get_absolute_url()}?partner=tamkeen" in page


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
