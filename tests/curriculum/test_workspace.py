import pytest
from django.urls import reverse

from curriculum.adaptation import edition_get_or_create
from curriculum.models import BlockAdaptation, EditionVersion, LocalBlock, Module

pytestmark = pytest.mark.django_db


def url(name, handbook, partner, **kwargs):
    return reverse(
        f"workspace:{name}", kwargs={"curriculum_slug": handbook.slug, "partner_slug": partner.slug, **kwargs}
    )


def test_a_partner_editor_sees_the_workspace_of_its_edition(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    assert url("edition", handbook, partner) in client.get(reverse("workspace:index")).content.decode()
    page = client.get(url("module", handbook, partner, module_slug="session-1")).content.decode()
    assert "Arrange the chairs in a circle." in page
    assert "Write own text" in page and "Hide" in page


def test_a_partner_editor_writes_own_text_and_publishes(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    form_url = url("override", handbook, partner, module_slug="session-1", block_key="facilitator-note")
    form = client.get(form_url).content.decode()
    assert 'name="body_ar"' in form and 'dir="rtl"' in form
    response = client.post(
        form_url, {"revision": 0, "title_en": "Mats", "body_en": "Sit on mats.", "body_ar": "اجلسن."}
    )
    assert response.status_code == 302
    assert BlockAdaptation.objects.get().body_ar == "اجلسن."
    client.post(url("publish", handbook, partner), {"change_note": "Our context"})
    assert EditionVersion.objects.get().change_note == "Our context"


def test_a_stale_form_is_told_of_the_conflict_and_shown_both_texts(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    form_url = url("override", handbook, partner, module_slug="session-1", block_key="facilitator-note")
    client.post(form_url, {"revision": 0, "body_en": "First editor's text."})
    response = client.post(form_url, {"revision": 0, "body_en": "Second editor's text."})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this block after you opened it" in page
    assert "First editor&#x27;s text." in page and "Second editor&#x27;s text." in page
    assert BlockAdaptation.objects.get().body_en == "First editor's text."


def test_a_local_block_is_added_after_a_core_block(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    new_url = url("local-new", handbook, partner, module_slug="session-1") + "?after=facilitator-note"
    response = client.post(new_url, {"kind": "scenario", "title_en": "Irbid", "body_en": "A story from Irbid."})
    assert response.status_code == 302
    local = LocalBlock.objects.get()
    assert local.after_key == "facilitator-note" and local.kind == "scenario"


@pytest.mark.parametrize("persona", ["outsider", "other_editor", "affiliate_editor", "secretariat"])
def test_only_the_partners_own_editors_may_adapt_its_edition(client, handbook, partner, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("edition", handbook, partner)).status_code == 403
    form_url = url("override", handbook, partner, module_slug="session-1", block_key="facilitator-note")
    assert client.post(form_url, {"revision": 0, "body_en": "Hijack"}).status_code == 403
    hide_url = url("block-action", handbook, partner, module_slug="session-1", block_key="handout", action="hide")
    assert client.post(hide_url).status_code == 403
    assert client.post(url("publish", handbook, partner)).status_code == 403
    assert not BlockAdaptation.objects.exists() and not EditionVersion.objects.exists()


def test_an_affiliate_editor_adapts_only_the_affiliate(client, handbook, partner, affiliate, affiliate_editor):
    client.force_login(affiliate_editor)
    assert client.get(url("edition", handbook, affiliate)).status_code == 200
    assert client.get(url("edition", handbook, partner)).status_code == 403


def test_a_partner_editor_cannot_adapt_its_affiliates_edition(client, handbook, affiliate, partner_editor):
    client.force_login(partner_editor)
    assert client.get(url("edition", handbook, affiliate)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, handbook, partner):
    response = client.get(url("edition", handbook, partner))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    hide_url = url("block-action", handbook, partner, module_slug="session-1", block_key="handout", action="hide")
    assert client.post(hide_url).status_code == 302
    assert not BlockAdaptation.objects.exists()


def test_nobody_edits_another_partners_local_block_by_guessing_its_key(
    client, handbook, partner, other_partner, other_editor
):
    from curriculum.adaptation import local_block_save

    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    local = local_block_save(
        edition=edition, module=Module.objects.get(slug="session-1"), kind="text", title={}, body={"en": "Ours"}
    )
    client.force_login(other_editor)
    # Through its own edition's URL the other partner finds nothing...
    response = client.post(
        url("local-action", handbook, other_partner, module_slug="session-1", key=local.key, action="delete")
    )
    assert response.status_code == 404
    # ...and through ours it is refused.
    response = client.post(
        url("local-action", handbook, partner, module_slug="session-1", key=local.key, action="delete")
    )
    assert response.status_code == 403
    assert LocalBlock.objects.filter(pk=local.pk).exists()


def test_unknown_actions_are_not_found(client, handbook, partner, partner_editor):
    client.force_login(partner_editor)
    response = client.post(
        url("block-action", handbook, partner, module_slug="session-1", block_key="handout", action="delete")
    )
    assert response.status_code == 404


def _edit_core(module, text):
    block = module.blocks.get(key="facilitator-note")
    block.body_en = text
    block.save()


def test_the_secretariat_sees_the_draft_diff_and_publishes_with_a_change_note(client, handbook, secretariat):
    module = Module.objects.get(slug="session-1")
    _edit_core(module, "Arrange the chairs in a wide circle.")
    client.force_login(secretariat)
    publish_url = reverse("workspace:core-publish", args=[handbook.slug, module.slug])
    page = client.get(publish_url).content.decode()
    assert "<ins>wide </ins>" in page
    client.post(publish_url, {"change_note": "Wider circle"})
    latest = module.versions.order_by("-number").first()
    assert latest.number == 2 and latest.change_note == "Wider circle"


@pytest.mark.parametrize("persona", ["partner_editor", "outsider"])
def test_only_the_secretariat_publishes_the_core(client, handbook, persona, request):
    module = Module.objects.get(slug="session-1")
    _edit_core(module, "Changed by someone.")
    client.force_login(request.getfixturevalue(persona))
    publish_url = reverse("workspace:core-publish", args=[handbook.slug, module.slug])
    assert client.get(publish_url).status_code == 403
    assert client.post(publish_url, {"change_note": "x"}).status_code == 403
    assert module.versions.count() == 1


def test_anyone_compares_two_published_versions_of_a_module(client, handbook):
    from curriculum.publishing import module_publish

    module = Module.objects.get(slug="session-1")
    _edit_core(module, "Arrange the chairs in a wide circle.")
    module_publish(module=module, change_note="Wider")
    page = client.get(reverse("curriculum:module-versions", args=[handbook.slug, module.slug]) + "?from=1&to=2")
    assert page.status_code == 200
    assert "<ins>wide </ins>" in page.content.decode() and "Wider" in page.content.decode()
    bad = client.get(reverse("curriculum:module-versions", args=[handbook.slug, module.slug]) + "?to=9")
    assert bad.status_code == 404


def test_the_public_reads_a_partners_published_edition_with_provenance(client, handbook, partner):
    from curriculum.adaptation import adaptation_override
    from curriculum.publishing import edition_publish

    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    module = Module.objects.get(slug="session-1")
    adaptation_override(
        edition=edition, module=module, block_key="facilitator-note", title={}, body={"en": "Draft text"}
    )
    page = client.get(f"/en/curricula/{handbook.slug}/session-1/?edition={partner.slug}").content.decode()
    assert "Draft text" not in page  # not published yet
    edition_publish(edition=edition)
    page = client.get(f"/en/curricula/{handbook.slug}/session-1/?edition={partner.slug}").content.decode()
    assert "Draft text" in page and "Adapted by Tamkeen Women&#x27;s Forum" in page


def test_the_secretariat_finds_the_core_publish_page_in_the_workspace_and_the_admin(client, handbook, secretariat):
    module = handbook.modules.get(slug="session-1")
    publish_url = reverse("workspace:core-publish", args=[handbook.slug, module.slug])
    client.force_login(secretariat)
    index = client.get(reverse("workspace:index")).content.decode()
    assert f'href="{publish_url}"' in index
    secretariat.is_superuser = True
    secretariat.save()
    admin_page = client.get(reverse("admin:curriculum_module_change", args=[module.pk])).content.decode()
    assert f'href="{publish_url}"' in admin_page


def test_partner_editors_see_no_core_publish_link(client, handbook, partner_editor, outsider):
    publish_url = reverse("workspace:core-publish", args=[handbook.slug, "session-1"])
    for user in (partner_editor, outsider):
        client.force_login(user)
        assert publish_url not in client.get(reverse("workspace:index")).content.decode()
