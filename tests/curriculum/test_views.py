import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


def test_the_root_sends_visitors_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == "/fr/"


def test_the_catalogue_lists_published_curricula_in_the_page_language(client, handbook):
    response = client.get("/ar/")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert "القيادة نحو الخيارات" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("ru", "ltr"), ("ha", "ltr")]
)
def test_every_configured_language_is_served_with_its_direction(client, handbook, language, direction):
    response = client.get(f"/{language}/curricula/{handbook.slug}/")
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()


def test_the_language_switcher_links_to_the_same_page_in_every_language(client, handbook, settings):
    page = client.get(f"/en/curricula/{handbook.slug}/").content.decode()
    for code in settings.LANGUAGE_CODES:
        assert f'href="/{code}/curricula/{handbook.slug}/"' in page
    assert 'lang="fa"' in page and "فارسی" in page


def test_a_module_page_shows_its_blocks_with_their_own_language(client, handbook):
    page = client.get(f"/ar/curricula/{handbook.slug}/session-1/").content.decode()
    assert "رتّبي الكراسي في دائرة." in page
    # The untranslated handout is shown in English, marked and laid out left-to-right.
    assert 'class="block block-handout"\n             lang="en"\n             dir="ltr"' in page
    assert "Speak clearly" in page


def test_the_curriculum_page_offers_the_edition_choice(client, handbook, partner):
    page = client.get(f"/en/curricula/{handbook.slug}/").content.decode()
    assert f'action="{reverse("exports:request")}"' in page
    assert f'value="{partner.slug}"' in page
    assert "Download PDF" in page


def test_drafts_are_hidden_from_the_public(client, handbook):
    handbook.is_published = False
    handbook.save()
    assert client.get(f"/en/curricula/{handbook.slug}/").status_code == 404
    assert handbook.title_en not in client.get("/en/").content.decode()


def test_staff_preview_drafts(client, handbook, secretariat):
    handbook.is_published = False
    handbook.save()
    client.force_login(secretariat)
    page = client.get(f"/en/curricula/{handbook.slug}/")
    assert page.status_code == 200 and b"Draft" in page.content


def test_an_unknown_module_is_not_found(client, handbook):
    assert client.get(f"/en/curricula/{handbook.slug}/no-such-module/").status_code == 404
