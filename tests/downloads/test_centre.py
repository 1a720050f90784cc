from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from curriculum.adaptation import adaptation_override, edition_get_or_create
from curriculum.models import Block, EditionVersion, ModuleVersion
from curriculum.publishing import edition_publish, module_publish
from downloads import services
from downloads.models import Subscription
from exports import services as export_services
from exports.models import ExportJob

pytestmark = pytest.mark.django_db


def _publish_partner(handbook, partner, text="Sit on mats."):
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    module = handbook.modules.get(slug="session-1")
    adaptation_override(edition=edition, module=module, block_key="facilitator-note", title={}, body={"en": text})
    return edition_publish(edition=edition)


def test_the_centre_lists_published_editions_with_size_and_pages(client, handbook, partner, other_partner):
    _publish_partner(handbook, partner)
    job = export_services.export_request(curriculum=handbook, language="ar", partner=partner, enqueue=False)
    export_services.export_job_render(job_id=job.pk)
    job.refresh_from_db()
    page = client.get(reverse("downloads:centre") + "?language=ar").content.decode()
    assert reverse("downloads:manual", args=[handbook.slug, partner.slug, "ar"]) in page
    assert reverse("downloads:manual", args=[handbook.slug, "core", "ar"]) in page
    assert f"/{other_partner.slug}/" not in page  # nothing published
    assert f"{job.page_count} pages" in page
    english_only = client.get(reverse("downloads:centre") + "?language=en&edition=core").content.decode()
    assert f"/{partner.slug}/" not in english_only


def test_the_permanent_link_renders_once_then_serves_the_current_file(client, handbook):
    url = reverse("downloads:manual", args=[handbook.slug, "core", "en"])
    first = client.get(url)
    job = ExportJob.objects.get()
    assert first.status_code == 302 and first["Location"] == job.get_absolute_url()
    assert client.get(url)["Location"] == job.get_absolute_url()
    assert ExportJob.objects.count() == 1  # asking again never starts a second render
    export_services.export_job_render(job_id=job.pk)
    served = client.get(url)
    assert served.status_code == 200 and served["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert b"".join(served.streaming_content).startswith(b"%PDF")
    # A published change makes the same link give a new file.
    block = Block.objects.get(key="welcome")
    block.body_en = "A new welcome."
    block.save()
    module_publish(module=block.module)
    assert client.get(url).status_code == 302
    assert ExportJob.objects.count() == 2


def test_a_draft_edition_is_refused_by_its_permanent_link(client, handbook, partner, partner_editor):
    url = reverse("downloads:manual", args=[handbook.slug, partner.slug, "en"])
    assert client.get(url).status_code == 404
    client.force_login(partner_editor)
    assert client.get(url).status_code == 404
    assert client.get(reverse("downloads:edition", args=[handbook.slug, partner.slug, "en"])).status_code == 404
    assert not ExportJob.objects.exists()


def test_an_unpublished_curriculum_has_no_downloads(client, handbook):
    handbook.is_published = False
    handbook.save()
    assert client.get(reverse("downloads:manual", args=[handbook.slug, "core", "en"])).status_code == 404
    assert client.get(reverse("downloads:edition", args=[handbook.slug, "core", "xx"])).status_code == 404


def test_whats_new_lists_changes_since_the_date_of_a_copy(client, handbook):
    ModuleVersion.objects.update(published_at=timezone.now() - timedelta(days=30))
    block = Block.objects.get(key="facilitator-note")
    block.body_ru = "Поставьте стулья в круг."
    block.save()
    module_publish(module=block.module)
    since = (timezone.now() - timedelta(days=10)).date().isoformat()
    page = client.get(reverse("downloads:whats-new", args=[handbook.slug, "core", "ru"]) + f"?since={since}")
    body = page.content.decode()
    assert 'id="changed-session-1"' in body and 'id="changed-facilitation-guide"' not in body
    assert "<ins>Поставьте</ins>" in body
    today = timezone.now().date().isoformat()
    current = client.get(reverse("downloads:whats-new", args=[handbook.slug, "core", "ru"]) + f"?since={today}")
    assert "your copy is current" in current.content.decode()


def test_whats_new_includes_the_partners_own_changes(handbook, partner):
    _publish_partner(handbook, partner, "Mats.")
    EditionVersion.objects.update(published_at=timezone.now() - timedelta(days=5))
    ModuleVersion.objects.update(published_at=timezone.now() - timedelta(days=5))
    _publish_partner(handbook, partner, "Mats and cushions.")
    changes = services.edition_changes_since(
        curriculum=handbook, partner=partner, language="en", since=timezone.now() - timedelta(days=1)
    )
    assert [item.block.key for change in changes for item in change["blocks"]] == ["facilitator-note"]
    assert "<ins> and cushions</ins>" in changes[0]["blocks"][0].diff_html


def test_subscribers_confirm_and_hear_about_new_versions_once(client, handbook, settings):
    url = reverse("downloads:subscribe", args=[handbook.slug, "core", "fr"])
    client.post(url, {"email": "Trainer@Example.org"})
    [confirmation] = mail.outbox
    assert confirmation.to == ["trainer@example.org"]
    token = Subscription.objects.get().token
    assert token in confirmation.body
    # Nothing goes to an address that has not confirmed.
    assert services.subscribers_notify(curriculum_id=handbook.pk, site_url="http://x") == 0
    client.get(reverse("downloads:confirm", args=[token]))
    assert services.subscribers_notify(curriculum_id=handbook.pk, site_url="http://x") == 0
    block = Block.objects.get(key="welcome")
    block.body_fr = "Bienvenue, animatrice."
    block.save()
    module_publish(module=block.module)
    assert services.subscribers_notify(curriculum_id=handbook.pk, site_url="http://x") == 1
    assert services.subscribers_notify(curriculum_id=handbook.pk, site_url="http://x") == 0
    notice = mail.outbox[-1]
    assert "http://x/fr/editions/leading-to-choices/core/fr/" in notice.body
    client.post(reverse("downloads:unsubscribe", args=[token]))
    assert not Subscription.objects.exists()


def test_a_bad_email_is_refused_with_a_message(client, handbook):
    response = client.post(
        reverse("downloads:subscribe", args=[handbook.slug, "core", "fr"]), {"email": "nope"}, follow=True
    )
    assert "Enter a valid e-mail address." in response.content.decode()
    assert not Subscription.objects.exists()
