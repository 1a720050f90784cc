"""Private editions: only the partner's members, the affiliates it chose and the secretariat see them, anywhere."""

import pytest
from django.core import mail
from django.urls import reverse

from curriculum.adaptation import adaptation_override, edition_get_or_create
from curriculum.models import PartnerMembership
from curriculum.publishing import edition_publish
from downloads import services
from downloads.models import Subscription
from exports import services as export_services
from exports.models import ExportJob
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = {"partner_editor", "affiliate_editor", "secretariat", "secretariat_group_only"}
REFUSED = {"anonymous", "trainer", "other_editor", "unchosen_affiliate_editor", "translator_fa", "staff_only"}


@pytest.fixture
def private(handbook, partner, affiliate):
    """Tamkeen's edition, private, shared with its Irbid affiliate (not with its Zarqa one)."""
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    module = handbook.modules.get(slug="session-1")
    adaptation_override(
        edition=edition, module=module, block_key="facilitator-note", title={}, body={"en": "Our private text."}
    )
    edition_publish(edition=edition)
    edition.is_private = True
    edition.save()
    edition.shared_with.set([affiliate])
    return edition


@pytest.fixture
def personas(
    private, partner, partner_editor, affiliate_editor, other_editor, secretariat, translator_fa, staff_only,
    secretariat_group_only,
):  # fmt: skip
    unchosen = PartnerFactory(slug="tamkeen-zarqa", name="Tamkeen Zarqa", parent=partner)
    unchosen_editor = UserFactory(username="zarqa-editor")
    PartnerMembership.objects.create(user=unchosen_editor, partner=unchosen)
    return {
        "anonymous": None,
        "trainer": UserFactory(username="trainer"),
        "partner_editor": partner_editor,
        "affiliate_editor": affiliate_editor,
        "unchosen_affiliate_editor": unchosen_editor,
        "other_editor": other_editor,
        "translator_fa": translator_fa,
        "staff_only": staff_only,
        "secretariat": secretariat,
        "secretariat_group_only": secretariat_group_only,
    }


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


def _edition_urls(handbook, partner):
    args = [handbook.slug, partner.slug, "en"]
    return [
        reverse("downloads:edition", args=args),
        reverse("downloads:manual", args=args),
        reverse("downloads:offline", args=args),
        reverse("downloads:whats-new", args=args) + "?since=2020-01-01",
        handbook.get_absolute_url() + f"?edition={partner.slug}",
        reverse("curriculum:module", args=[handbook.slug, "session-1"]) + f"?edition={partner.slug}",
    ]


def test_every_page_of_a_private_edition_refuses_everyone_else(client, handbook, partner, personas):
    failures = []
    for name, user in personas.items():
        _as(client, user)
        for url in _edition_urls(handbook, partner):
            status = client.get(url).status_code
            if name in REFUSED and status != 404:
                failures.append(f"{name} GET {url}: {status}, expected 404")
            if name in ALLOWED and status == 404:
                failures.append(f"{name} GET {url}: refused")
    assert not failures, "; ".join(failures)


def test_no_pdf_and_no_subscription_for_others(client, handbook, partner, personas):
    for name in REFUSED:
        _as(client, personas[name])
        jobs, subscriptions = ExportJob.objects.count(), Subscription.objects.count()
        response = client.post(
            reverse("exports:request"), {"curriculum": handbook.slug, "language": "en", "profile": "a4",
                                         "partner": partner.slug, "document": "manual"},
        )  # fmt: skip
        assert response.status_code == 404, name
        response = client.post(
            reverse("downloads:subscribe", args=[handbook.slug, partner.slug, "en"]), {"email": "x@example.org"}
        )
        assert response.status_code == 404, name
        assert (ExportJob.objects.count(), Subscription.objects.count()) == (jobs, subscriptions), name
    _as(client, personas["affiliate_editor"])
    response = client.post(
        reverse("exports:request"),
        {"curriculum": handbook.slug, "language": "en", "profile": "a4", "partner": partner.slug},
    )
    assert response.status_code == 302 and ExportJob.objects.filter(partner=partner).exists()


def test_a_private_editions_job_pages_refuse_others(client, handbook, partner, personas):
    job = export_services.export_request(curriculum=handbook, language="en", partner=partner, enqueue=False)
    for name, user in personas.items():
        _as(client, user)
        for route in ("exports:job", "exports:status"):
            status = client.get(reverse(route, args=[job.pk])).status_code
            assert (status == 404) == (name in REFUSED), (name, route, status)


def test_the_download_centre_lists_it_only_for_its_own_people(client, handbook, partner, personas):
    manual = reverse("downloads:manual", args=[handbook.slug, partner.slug, "en"])
    for name, user in personas.items():
        _as(client, user)
        listed = manual in client.get(reverse("downloads:centre")).content.decode()
        assert listed == (name in ALLOWED), name


def test_an_affiliate_edition_built_on_a_private_one_is_private_too(client, handbook, affiliate, personas):
    edition = edition_get_or_create(curriculum=handbook, partner=affiliate)
    module = handbook.modules.get(slug="session-1")
    adaptation_override(edition=edition, module=module, block_key="handout", title={}, body={"en": "Irbid text."})
    edition_publish(edition=edition)
    url = reverse("downloads:edition", args=[handbook.slug, affiliate.slug, "en"])
    for name in ("anonymous", "other_editor", "unchosen_affiliate_editor"):
        _as(client, personas[name])
        assert client.get(url).status_code == 404, name
    _as(client, personas["affiliate_editor"])
    assert client.get(url).status_code == 200


def test_news_of_a_private_edition_reaches_only_its_own_people(handbook, partner, private, personas):
    partner_editor = personas["partner_editor"]
    for email in ("stranger@example.org", partner_editor.email):
        Subscription.objects.create(
            email=email, curriculum=handbook, partner=partner, language="en", confirmed_at="2025-01-01T00:00Z"
        )
    sent = services.subscribers_notify(curriculum_id=handbook.pk, site_url="https://example.org")
    assert sent == 1
    assert [message.to for message in mail.outbox] == [[partner_editor.email]]


def test_the_partner_editor_makes_an_edition_private_and_chooses_affiliates(
    client, handbook, partner, affiliate, partner_editor, other_editor, affiliate_editor
):
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    edition_publish(edition=edition)
    url = reverse("workspace:privacy", args=[handbook.slug, partner.slug])
    for refused in (other_editor, affiliate_editor):
        client.force_login(refused)
        assert client.post(url, {"is_private": "on"}).status_code == 403
    edition.refresh_from_db()
    assert not edition.is_private
    client.force_login(partner_editor)
    page = client.get(reverse("workspace:edition", args=[handbook.slug, partner.slug])).content.decode()
    assert 'id="edition-privacy"' in page and affiliate.name in page
    client.post(url, {"is_private": "on", "shared_with": [affiliate.pk]})
    edition.refresh_from_db()
    assert edition.is_private and list(edition.shared_with.all()) == [affiliate]
    other = PartnerFactory(slug="elsewhere")
    response = client.post(url, {"is_private": "on", "shared_with": [other.pk]})
    edition.refresh_from_db()
    assert list(edition.shared_with.all()) == [affiliate]  # only its own affiliates can be chosen
    assert response.status_code == 302


def test_the_yearly_review_does_not_announce_a_private_edition(private):
    from django.utils import timezone

    from workshops.review import review_figures

    assert review_figures(year=timezone.now().year)["new_edition_versions"] == []
