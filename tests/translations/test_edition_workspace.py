"""The translation workspace for a partner edition's own text: matrix, editor and exchange files, and who is refused."""

import re

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from curriculum.adaptation import adaptation_override, edition_get_or_create, local_block_save
from curriculum.models import Block, BlockAdaptation, LocalBlock
from tests.factories import UserFactory
from tests.translations.pages import editor_form
from translations.exchange import ExchangeFileError, exchange_import, exchange_po, exchange_xliff
from translations.models import TranslatorGrant
from translations.services import text_hash

pytestmark = pytest.mark.django_db

OVERRIDE = "override:session-1/facilitator-note:body"


def _matrix_url(edition):
    return reverse("translations:edition_matrix", args=[edition.curriculum.slug, edition.partner.slug])


def _editor_url(edition, language="ru", module="session-1"):
    return reverse(
        "translations:edition_editor", args=[edition.curriculum.slug, edition.partner.slug, language, module]
    )


def _override(edition):
    return BlockAdaptation.objects.get(edition=edition, block_key="facilitator-note")


@pytest.fixture
def translator_everywhere_ru(db):
    user = UserFactory(username="translator-everywhere-ru")
    TranslatorGrant.objects.create(user=user, language="ru")
    return user


# --- The matrix and the index -------------------------------------------------------------------------


def test_the_edition_matrix_lists_its_own_text_per_module_with_words(client, tajik_edition, chashma_translator_ru):
    client.force_login(chashma_translator_ru)
    page = client.get(_matrix_url(tajik_edition))
    assert page.status_code == 200 and page.context["languages"] == ["ru"]
    html = page.content.decode()
    assert 'id="edition-matrix"' in html and "Chashma Women&#x27;s Alliance" in html
    assert 'data-row="module:session-1"' in html and 'data-row="module:facilitation-guide"' not in html
    assert _editor_url(tajik_edition) in html
    assert "4 words translated" in html and "8 words missing" in html


def test_the_workspace_index_lists_every_scope_and_goes_straight_to_a_single_one(
    client, tajik_edition, chashma_translator_ru, translator_everywhere_ru
):
    client.force_login(chashma_translator_ru)
    response = client.get(reverse("translations:workspace"))
    assert response.status_code == 302 and response["Location"] == _matrix_url(tajik_edition)
    client.force_login(translator_everywhere_ru)
    html = client.get(reverse("translations:workspace")).content.decode()
    assert 'data-scope="leading-to-choices"' in html and 'data-scope="leading-to-choices@chashma"' in html
    assert _matrix_url(tajik_edition) in html


def test_a_private_edition_answers_404_to_a_translator_who_may_not_see_it(
    client, tajik_edition, translator_everywhere_ru, secretariat
):
    tajik_edition.is_private = True
    tajik_edition.save()
    client.force_login(translator_everywhere_ru)
    for url in (_matrix_url(tajik_edition), _editor_url(tajik_edition)):
        assert client.get(url).status_code == 404, url
    assert (
        'data-scope="leading-to-choices@chashma"' not in client.get(reverse("translations:workspace")).content.decode()
    )
    client.force_login(secretariat)
    assert client.get(_editor_url(tajik_edition)).status_code == 200


# --- The editor ----------------------------------------------------------------------------------------


def test_a_stale_partner_translation_shows_the_word_diff_and_saving_makes_it_current(
    client, tajik_edition, chashma_translator_ru
):
    adaptation_override(
        edition=tajik_edition, module=tajik_edition.curriculum.modules.get(slug="session-1"),
        block_key="facilitator-note", title={"tg": "Пеш аз оғоз"},
        body={"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в круг."},
    )  # fmt: skip
    client.force_login(chashma_translator_ru)
    page = client.get(_editor_url(tajik_edition))
    html = page.content.decode()
    assert 'data-testid="edition-scope"' in html and "Source changed since translated" in html
    assert re.search(r"<ins>\s*доираи калон\s*</ins>", html)
    assert 'lang="tg"' in html and "Курсиҳоро дар доираи калон гузоред." in html
    data = editor_form(page)
    assert not any(key.startswith("t:block:") for key in data)  # no core block in the partner's scope
    data[f"t:{OVERRIDE}"] = "Поставьте стулья в большой круг."
    response = client.post(_editor_url(tajik_edition), data)
    assert response.status_code == 302
    assert _override(tajik_edition).body_ru == "Поставьте стулья в большой круг."
    html = client.get(response["Location"]).content.decode()
    assert "1 translation saved." in html and "Source changed since translated" not in html


def test_a_translation_of_partner_text_with_hostile_markup_is_refused_and_kept_on_the_page(
    client, tajik_edition, chashma_translator_ru
):
    client.force_login(chashma_translator_ru)
    data = editor_form(client.get(_editor_url(tajik_edition)))
    data[f"t:{OVERRIDE}"] = "Стулья <iframe src=x></iframe>"
    response = client.post(_editor_url(tajik_edition), data)
    assert response.status_code == 400
    assert "markup that is not allowed" in response.content.decode()
    assert "Стулья &lt;iframe" in response.content.decode()
    assert _override(tajik_edition).body_ru == "Поставьте стулья в круг."


def test_a_translator_limited_to_one_partner_and_language_is_refused_elsewhere(
    client, handbook, tajik_edition, chashma_translator_ru, other_partner
):
    other = edition_get_or_create(curriculum=handbook, partner=other_partner)
    local_block_save(
        edition=other, module=handbook.modules.get(slug="session-1"), kind="text", title={}, body={"sw": "Mfano."}
    )
    client.force_login(chashma_translator_ru)
    core_block = Block.objects.get(key="facilitator-note")
    core_post = {
        "t:block:session-1/facilitator-note:body": "Захвачено",
        "b:block:session-1/facilitator-note:body": text_hash(core_block.body_ru),
        "s:block:session-1/facilitator-note:body": text_hash(core_block.body_en),
    }
    core_editor = reverse("translations:editor", args=[handbook.slug, "ru", "session-1"])
    assert client.get(core_editor).status_code == 403  # the core
    assert client.post(core_editor, core_post).status_code == 403
    assert client.get(_editor_url(other)).status_code == 404  # Russian is no language of Sauti's edition
    assert client.get(_editor_url(other, language="en")).status_code == 403  # the other partner's blocks
    assert client.get(_editor_url(tajik_edition, language="en")).status_code == 403  # the other language
    override = _override(tajik_edition)
    english_post = {
        f"t:{OVERRIDE}": "Hijacked",
        f"b:{OVERRIDE}": text_hash(""),
        f"s:{OVERRIDE}": text_hash(override.body_tg),
    }
    assert client.post(_editor_url(tajik_edition, language="en"), english_post).status_code == 403
    assert Block.objects.get(key="facilitator-note").body_ru == core_block.body_ru
    assert _override(tajik_edition).body_en == "" and LocalBlock.objects.get(edition=other).body_en == ""


def test_people_who_translate_nothing_are_refused_the_edition_scope(client, tajik_edition, partner_editor, outsider):
    assert "login" in client.get(_matrix_url(tajik_edition))["Location"]
    for user in (partner_editor, outsider):
        client.force_login(user)
        assert client.get(_matrix_url(tajik_edition)).status_code == 403
        assert client.get(_editor_url(tajik_edition)).status_code == 403


# --- Exchange files --------------------------------------------------------------------------------------


def test_a_po_file_of_the_edition_round_trips_by_override_and_local_block_keys(
    client, tajik_edition, chashma_translator_ru
):
    client.force_login(chashma_translator_ru)
    response = client.get(
        reverse("translations:edition_download", args=[tajik_edition.curriculum.slug, "chashma", "ru", "po"])
    )
    assert response.status_code == 200
    assert 'filename="leading-to-choices-chashma-all-ru.po"' in response["Content-Disposition"]
    po = polib.pofile(response.content.decode())
    assert po.metadata["X-Edition"] == "chashma" and po.metadata["X-Source-Language"] == "tg"
    local = LocalBlock.objects.get(edition=tajik_edition)
    local_key = f"local:session-1/{local.key}:body"
    assert {entry.msgctxt for entry in po} == {OVERRIDE, "override:session-1/facilitator-note:title", local_key}
    next(entry for entry in po if entry.msgctxt == local_key).msgstr = "Зарина выступает в махалле."
    upload = SimpleUploadedFile("chashma-ru.po", str(po).encode())
    url = reverse("translations:edition_upload", args=[tajik_edition.curriculum.slug, "chashma", "ru"])
    response = client.post(url, {"file": upload})
    assert response.status_code == 302 and response["Location"] == _matrix_url(tajik_edition)
    assert LocalBlock.objects.get(pk=local.pk).body_ru == "Зарина выступает в махалле."
    assert "1 translations updated" in client.get(response["Location"]).content.decode()


def test_a_core_file_is_refused_in_an_edition_and_an_edition_file_in_the_core(handbook, tajik_edition, secretariat):
    core = exchange_po(curriculum=handbook, language="ru")
    with pytest.raises(ExchangeFileError, match="edition"):
        exchange_import(user=secretariat, curriculum=handbook, language="ru", content=core, edition=tajik_edition)
    for own in (
        exchange_po(curriculum=handbook, language="ru", edition=tajik_edition),
        exchange_xliff(curriculum=handbook, language="ru", edition=tajik_edition),
    ):
        with pytest.raises(ExchangeFileError, match="edition"):
            exchange_import(user=secretariat, curriculum=handbook, language="ru", content=own)


def test_an_xliff_file_of_the_edition_round_trips_and_a_stale_unit_needs_review(tajik_edition, chashma_translator_ru):
    from lxml import etree

    handbook = tajik_edition.curriculum
    adaptation_override(
        edition=tajik_edition, module=handbook.modules.get(slug="session-1"), block_key="facilitator-note",
        title={"tg": "Пеш аз оғоз"}, body={"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в круг."},
    )  # fmt: skip
    root = etree.fromstring(exchange_xliff(curriculum=handbook, language="ru", edition=tajik_edition).encode())
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert root.find("x:file", ns).get("original") == "leading-to-choices@chashma/*"
    assert root.find("x:file", ns).get("source-language") == "tg"
    unit = root.find(f".//x:trans-unit[@id='{OVERRIDE}']", ns)
    assert unit.find("x:target", ns).get("state") == "needs-review-translation"  # the partner's source changed
    unit.find("x:target", ns).text = "Поставьте стулья в большой круг."
    unit.find("x:target", ns).set("state", "translated")
    report = exchange_import(
        user=chashma_translator_ru, curriculum=handbook, language="ru", edition=tajik_edition,
        content=etree.tostring(root, xml_declaration=True, encoding="UTF-8"), filename="chashma-ru.xlf",
    )  # fmt: skip
    assert report.updated == [OVERRIDE]
    assert _override(tajik_edition).body_ru == "Поставьте стулья в большой круг."


# --- Review of partner text: reviewers granted per language × partner -------------------------------------


def _edition_review(client, edition, reviewed_hash):
    url = reverse("translations:edition_review", args=[edition.curriculum.slug, edition.partner.slug, "ru"])
    return client.post(f"{url}?module=session-1", {"review": f"approve:{OVERRIDE}", f"b:{OVERRIDE}": reviewed_hash})


def test_a_reviewer_granted_on_the_partner_approves_its_text_and_another_partners_reviewer_is_refused(
    client, tajik_edition, other_partner
):
    from translations.models import ReviewState, TranslationRecord

    def reviewer(username, partner):
        user = UserFactory(username=username)
        TranslatorGrant.objects.create(user=user, language="ru", partner=partner, may_review=True)
        return user

    record = TranslationRecord.objects.get(
        content_type__model="blockadaptation", object_id=_override(tajik_edition).pk, field="body", language="ru"
    )
    reviewed_hash = text_hash(_override(tajik_edition).body_ru)
    for refused in (reviewer("reviewer-sauti-ru", other_partner), UserFactory(username="translator-only-ru")):
        TranslatorGrant.objects.get_or_create(user=refused, language="ru", partner=tajik_edition.partner)
        client.force_login(refused)
        assert _edition_review(client, tajik_edition, reviewed_hash).status_code == 403
    record.refresh_from_db()
    assert record.review_state == ReviewState.NEEDS_REVIEW
    client.force_login(reviewer("reviewer-chashma-ru", tajik_edition.partner))
    page = client.get(_editor_url(tajik_edition)).content.decode()
    assert 'data-testid="approve"' in page
    response = _edition_review(client, tajik_edition, reviewed_hash)
    assert response.status_code == 302 and response["Location"] == _editor_url(tajik_edition)
    record.refresh_from_db()
    assert record.review_state == ReviewState.APPROVED
