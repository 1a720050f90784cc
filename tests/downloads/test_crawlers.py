"""Anonymous GETs may start renders only within a budget: a crawler cannot queue the whole download centre."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from curriculum.adaptation import adaptation_override, edition_get_or_create
from curriculum.publishing import edition_publish
from exports.models import ExportJob
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

BUDGET, PER_CLIENT = 12, 5


@pytest.fixture
def small_budget(settings, monkeypatch):
    settings.ANONYMOUS_RENDERS_PER_HOUR = BUDGET
    settings.ANONYMOUS_RENDERS_PER_CLIENT_PER_HOUR = PER_CLIENT
    # One crawl inside one window: a crawl that ran across the hour (CI at 03:00:00) met two windows' budgets.
    middle_of_an_hour = 1_800_000_000 // 3600 * 3600 + 1800
    monkeypatch.setattr("accounts.throttling._now", lambda: middle_of_an_hour)


@pytest.fixture
def edition_urls(handbook, partner, other_partner):
    """Every edition URL a crawler finds: every partner (and the core) × language × document."""
    partners = [partner, other_partner, *(PartnerFactory(slug=f"crawl-{n}") for n in range(3))]
    module = handbook.modules.get(slug="session-1")
    for each in partners:
        edition = edition_get_or_create(curriculum=handbook, partner=each)
        adaptation_override(edition=edition, module=module, block_key="handout", title={}, body={"en": each.slug})
        edition_publish(edition=edition)
    urls = []
    for edition_slug in ["core", *(each.slug for each in partners)]:
        for language in django_settings.LANGUAGE_CODES:
            for name in ("downloads:manual", "downloads:offline"):
                urls.append(reverse(name, args=[handbook.slug, edition_slug, language]))
    return urls


def _crawl(client, urls, address=lambda n: "203.0.113.9"):
    statuses = {}
    for n, url in enumerate(urls):
        response = client.get(url, REMOTE_ADDR=address(n))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code in (429, 503):
            assert int(response["Retry-After"]) > 0
    return statuses


def test_one_client_walking_every_edition_url_leaves_at_most_its_budget_of_jobs(client, small_budget, edition_urls):
    statuses = _crawl(client, edition_urls)
    jobs = ExportJob.objects.count()
    print(f"one client: {len(edition_urls)} requests, {jobs} jobs created, {statuses.get(429, 0)} refused (429)")
    assert jobs <= PER_CLIENT
    assert statuses.get(429, 0) >= len(edition_urls) - PER_CLIENT


def test_a_crawler_from_many_addresses_leaves_at_most_the_site_budget_of_jobs(client, small_budget, edition_urls):
    statuses = _crawl(client, edition_urls, address=lambda n: f"198.51.100.{n % 250}")
    jobs = ExportJob.objects.count()
    print(f"many addresses: {len(edition_urls)} requests, {jobs} jobs created, {statuses.get(503, 0)} refused (503)")
    assert jobs <= BUDGET
    assert statuses.get(503, 0) >= len(edition_urls) - BUDGET


def test_beyond_the_budget_the_visitor_is_asked_to_come_back_in_her_language(client, small_budget, handbook):
    url = reverse("downloads:manual", args=[handbook.slug, "core", "en"])
    for language in ("fr", "es", "ar", "ru", "fa", "tg"):
        client.get(reverse("downloads:manual", args=[handbook.slug, "core", language]))
    with_budget = ExportJob.objects.count()
    assert with_budget == PER_CLIENT
    from django.utils import translation

    with translation.override("fr"):
        french = reverse("downloads:manual", args=[handbook.slug, "core", "en"])
    response = client.get(french)
    assert response.status_code == 429 and response["Cache-Control"] == "no-store"
    assert "en cours de préparation" in response.content.decode()
    assert ExportJob.objects.count() == with_budget
    # A document already asked for costs nothing: its visitor is never refused.
    assert client.get(reverse("downloads:manual", args=[handbook.slug, "core", "fr"])).status_code == 302
    assert client.get(url).status_code == 429


def test_people_signed_in_are_not_counted(client, small_budget, edition_urls, partner_editor):
    client.force_login(partner_editor)
    statuses = _crawl(client, edition_urls[:20])
    assert statuses.get(429, 0) == statuses.get(503, 0) == 0
    assert ExportJob.objects.count() > BUDGET


def test_robots_keep_crawlers_off_every_render_triggering_link(client, handbook):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /ar/editions/*/*/*/manual.pdf" in robots
    assert "Disallow: /en/editions/*/*/*/offline.zip" in robots
    page = client.get(reverse("downloads:edition", args=[handbook.slug, "core", "ar"])).content.decode()
    assert page.count('rel="nofollow"') >= 2
    centre = client.get(reverse("downloads:centre")).content.decode()
    manual = reverse("downloads:manual", args=[handbook.slug, "core", "ar"])
    assert f'rel="nofollow"\n             href="{manual}"' in centre
