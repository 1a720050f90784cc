"""The glossary's pages: the list and its filters, the term form, a partner's renderings, import and export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from glossary.models import Rendering, Term
from glossary.services import RenderingInput, partner_renderings_save
from tests.factories import RenderingFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_terms_notes_and_renderings_right_to_left_where_the_language_is(client, glossary, translator_fa):
    client.force_login(translator_fa)
    page = client.get(reverse("glossary:list"))
    assert page.status_code == 200
    assert f'id="term-{glossary["leadership"].pk}"' in page.content.decode()
    assert "A shared practice, not a rank." in page.content.decode()
    assertInHTML('<span class="glossary-rendering" lang="fa" dir="rtl">رهبری</span>', page.content.decode())


def test_the_list_filters_by_language_and_shows_a_partners_own_rendering_in_its_place(
    client, glossary, partner, partner_editor
):
    partner_renderings_save(
        term=glossary["leadership"], partner=partner, renderings={"ar": RenderingInput("ريادة")}, user=None
    )
    client.force_login(partner_editor)
    network = client.get(reverse("glossary:list"), {"language": "ar"}).content.decode()
    assert "قيادة" in network and "ريادة" not in network and "رهبری" not in network
    own = client.get(reverse("glossary:list"), {"language": "ar", "partner": partner.slug}).content.decode()
    assert "ريادة" in own and "قيادة" not in own
    assert reverse("glossary:partner-renderings", args=[partner.slug, glossary["leadership"].pk]) in own


def test_an_account_that_neither_writes_nor_translates_is_refused_and_anonymous_visitors_sign_in(
    client, glossary, outsider
):
    assert "/accounts/login/" in client.get(reverse("glossary:list"))["Location"]
    client.force_login(outsider)
    assert client.get(reverse("glossary:list")).status_code == 403
    assert client.get(reverse("glossary:export", args=["csv"])).status_code == 403


def test_the_secretariat_adds_a_term_with_its_renderings(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("glossary:term-new"),
        {"text": "empowerment", "language": "en", "note": "Power women hold.", "rendering_ar": "تمكين",
         "variants_ar": "التمكين", "rendering_fa": "توانمندسازی"},
    )  # fmt: skip
    term = Term.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#term-{term.pk}")
    assert dict(term.renderings.values_list("language", "text")) == {"ar": "تمكين", "fa": "توانمندسازی"}
    assert term.updated_by == secretariat


def test_a_term_already_in_the_glossary_is_refused_and_what_was_typed_is_shown_again(client, glossary, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("glossary:term-new"), {"text": "Leadership", "language": "en", "rendering_hi": "नेतृत्व कौशल"}
    )
    assert response.status_code == 400
    assert "is already in the glossary" in response.content.decode()
    assert 'value="नेतृत्व कौशल"' in response.content.decode()
    assert Term.objects.count() == 2


def test_a_translator_who_is_not_the_secretariat_cannot_change_terms(client, glossary, translator_ar):
    client.force_login(translator_ar)
    term = glossary["leadership"]
    assert client.get(reverse("glossary:term-edit", args=[term.pk])).status_code == 403
    response = client.post(reverse("glossary:term-edit", args=[term.pk]), {"text": "x", "language": "en"})
    assert response.status_code == 403
    assert client.post(reverse("glossary:term-remove", args=[term.pk])).status_code == 403
    assert Term.objects.get(pk=term.pk).text == "leadership"


def test_the_secretariat_removes_a_term_with_its_renderings(client, glossary, secretariat):
    client.force_login(secretariat)
    client.post(reverse("glossary:term-remove", args=[glossary["leadership"].pk]))
    assert list(Term.objects.values_list("text", flat=True)) == ["consensus"]
    assert not Rendering.objects.filter(term_id=glossary["leadership"].pk).exists()


def test_a_partner_editor_sets_her_partners_rendering_beside_the_networks(client, glossary, partner, partner_editor):
    client.force_login(partner_editor)
    url = reverse("glossary:partner-renderings", args=[partner.slug, glossary["leadership"].pk])
    page = client.get(url).content.decode()
    assert "The network's rendering:" in page and "قيادة" in page
    client.post(url, {"rendering_ar": "ريادة", "note_ar": "Our word."})
    own = Rendering.objects.get(partner=partner)
    assert (own.language, own.text, own.note, own.updated_by) == ("ar", "ريادة", "Our word.", partner_editor)
    assert Rendering.objects.network().get(term=glossary["leadership"], language="ar").text == "قيادة"


def test_another_partners_editor_and_the_affiliates_editor_are_refused(
    client, glossary, partner, other_editor, affiliate_editor
):
    url = reverse("glossary:partner-renderings", args=[partner.slug, glossary["leadership"].pk])
    for refused in (other_editor, affiliate_editor):
        client.force_login(refused)
        assert client.get(url).status_code == 403
        assert client.post(url, {"rendering_ar": "x"}).status_code == 403
        assert client.post(reverse("glossary:partner-import", args=[partner.slug])).status_code == 403
    assert not Rendering.objects.filter(partner=partner).exists()


def test_the_export_is_a_download_named_after_its_filters(client, glossary, partner, partner_editor):
    client.force_login(partner_editor)
    response = client.get(reverse("glossary:export", args=["tbx"]), {"language": "ar", "partner": partner.slug})
    assert response["Content-Type"].startswith("application/x-tbx+xml")
    assert response["Content-Disposition"] == 'attachment; filename="glossary-tamkeen-ar.tbx"'
    assert "قيادة".encode() in response.content
    assert client.get(reverse("glossary:export", args=["xls"])).status_code == 404


def test_a_malformed_file_is_refused_on_the_page_with_its_reason_and_nothing_imported(client, glossary, secretariat):
    client.force_login(secretariat)
    upload = SimpleUploadedFile("bad.csv", b"term,language,rendering\nagency,en,agency\nagency,zz,x\n")
    response = client.post(reverse("glossary:import"), {"file": upload})
    assert response.status_code == 400
    assert "Nothing was imported: line 3: unknown language “zz”" in response.content.decode()
    assert Term.objects.count() == 2


def test_a_good_file_is_imported_and_the_page_says_what_changed(client, glossary, secretariat):
    client.force_login(secretariat)
    upload = SimpleUploadedFile("g.csv", "term,language,rendering\nagency,en,agency\nagency,ar,فاعلية\n".encode())
    response = client.post(reverse("glossary:import"), {"file": upload}, follow=True)
    assert "Imported: 1 new terms, 1 renderings and notes changed, 0 rows skipped." in response.content.decode()


def test_a_partner_editor_imports_her_partners_renderings(client, glossary, partner, partner_editor):
    client.force_login(partner_editor)
    upload = SimpleUploadedFile("g.csv", "term,language,rendering,partner\nleadership,ar,ريادة,tamkeen\n".encode())
    client.post(reverse("glossary:partner-import", args=[partner.slug]), {"file": upload})
    assert Rendering.objects.get(partner=partner).text == "ريادة"


def test_an_affiliates_list_shows_its_own_rendering_over_its_parents(client, glossary, partner, affiliate, secretariat):
    term = glossary["leadership"]
    partner_renderings_save(term=term, partner=partner, renderings={"ar": RenderingInput("ريادة")}, user=None)
    partner_renderings_save(term=term, partner=affiliate, renderings={"ar": RenderingInput("قيادية")}, user=None)
    client.force_login(secretariat)
    page = client.get(reverse("glossary:list"), {"language": "ar", "partner": affiliate.slug}).content.decode()
    assert "قيادية" in page and "ريادة" not in page


def test_the_list_asks_a_constant_number_of_queries(client, glossary, secretariat, django_assert_max_num_queries):
    client.force_login(secretariat)
    client.get(reverse("glossary:list"))  # warm the session and content types
    for number in range(20):
        RenderingFactory(term=TermFactory(text=f"word {number}"), language="fa")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("glossary:list")).status_code == 200
