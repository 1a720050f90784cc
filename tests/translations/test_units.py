"""A partner edition's own text is a scope of translation units: its source, its staleness, its matrix, who sees it."""

import re

import pytest

from curriculum.adaptation import adaptation_hide, adaptation_override, edition_get_or_create, local_block_save
from curriculum.models import Block, BlockAdaptation, LocalBlock
from tests.factories import PartnerFactory, UserFactory
from translations.models import TranslationRecord, TranslatorGrant
from translations.services import TranslationRefused, text_hash, translation_save
from translations.units import curriculum_progress, scope_units, translation_scopes

pytestmark = pytest.mark.django_db

OVERRIDE = "override:session-1/facilitator-note:body"


def _units(edition, language):
    return {
        unit.key: unit
        for unit in scope_units(curriculum=edition.curriculum, edition=edition, languages=[language])[language]
    }


def _override(edition):
    return BlockAdaptation.objects.get(edition=edition, block_key="facilitator-note")


def _local(edition):
    return LocalBlock.objects.get(edition=edition)


def _rewrite(edition, body, title=None):
    adaptation_override(
        edition=edition, module=edition.curriculum.modules.get(slug="session-1"), block_key="facilitator-note",
        title=title or {"tg": "Пеш аз оғоз"}, body=body,
    )  # fmt: skip


# --- The source language and the units -------------------------------------------------------------


def test_the_partners_own_text_is_written_in_its_first_language_and_translated_in_its_others(tajik_edition):
    assert tajik_edition.source_language == "tg"
    assert tajik_edition.languages == ["en", "tg", "ru"]
    russian = _units(tajik_edition, "ru")
    assert russian[OVERRIDE].source == "Курсиҳоро дар доира гузоред."
    assert russian[OVERRIDE].source_language == "tg"
    assert (russian[OVERRIDE].status, russian["override:session-1/facilitator-note:title"].status) == (
        "current",
        "missing",
    )
    local_key = f"local:session-1/{_local(tajik_edition).key}:body"
    assert russian[local_key].status == "missing"
    assert _units(tajik_edition, "en")[OVERRIDE].status == "missing"
    assert _units(tajik_edition, "tg") == {}  # the source is not a translation


def test_the_scope_holds_the_editions_own_text_and_nothing_of_the_core(tajik_edition):
    keys = set(_units(tajik_edition, "ru"))
    assert not any(key.startswith(("block:", "module:", "curriculum:")) for key in keys)
    assert [key.rsplit(":", 1)[0] for key in sorted(keys)] == [
        f"local:session-1/{_local(tajik_edition).key}",
        "override:session-1/facilitator-note",
        "override:session-1/facilitator-note",
    ]


def test_units_come_in_reading_order_local_blocks_after_the_block_they_follow(handbook, tajik_partner):
    edition = edition_get_or_create(curriculum=handbook, partner=tajik_partner)
    session = handbook.modules.get(slug="session-1")
    for after in ("handout", "", "facilitator-note"):
        local_block_save(
            edition=edition, module=session, after_key=after, kind="text", title={}, body={"tg": after or "аввал"}
        )
    adaptation_override(edition=edition, module=session, block_key="handout", title={}, body={"tg": "Варақа"})
    keys = [unit.key for unit in scope_units(curriculum=handbook, edition=edition, languages=["ru"])["ru"]]
    anchors = [
        LocalBlock.objects.get(key=key.split("/")[1].split(":")[0]).after_key if key.startswith("local") else "override"
        for key in keys
    ]
    assert anchors == ["", "facilitator-note", "override", "handout"]


def test_a_block_written_only_in_another_of_the_partners_languages_takes_that_one_as_its_source(handbook, partner):
    """Tamkeen writes in Arabic first, but wrote this override in English only: English is its source."""
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    adaptation_override(
        edition=edition, module=handbook.modules.get(slug="session-1"), block_key="facilitator-note",
        title={}, body={"en": "Ours."},
    )  # fmt: skip
    assert (edition.source_language, _override(edition).source_language) == ("ar", "en")
    assert _units(edition, "ar")[OVERRIDE].source == "Ours."
    assert _units(edition, "en") == {}


def test_a_hidden_block_has_nothing_to_translate(tajik_edition):
    adaptation_hide(
        edition=tajik_edition,
        module=tajik_edition.curriculum.modules.get(slug="session-1"),
        block_key="facilitator-note",
    )
    assert not any(key.startswith("override:") for key in _units(tajik_edition, "ru"))
    records = TranslationRecord.objects.filter(
        content_type__model="blockadaptation", object_id=_override(tajik_edition).pk
    )
    assert not records.exists()


# --- Staleness, exactly like the core's ------------------------------------------------------------


def test_editing_the_partners_source_makes_its_translations_stale_with_the_word_diff(tajik_edition):
    _rewrite(tajik_edition, {"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в круг."})
    unit = _units(tajik_edition, "ru")[OVERRIDE]
    assert unit.status == "stale"
    assert re.search(r"<ins>\s*доираи калон\s*</ins>", unit.source_diff_html()), unit.source_diff_html()
    assert unit.translation == "Поставьте стулья в круг."  # kept, only marked


def test_rewriting_source_and_translation_in_one_save_keeps_the_translation_current(tajik_edition):
    _rewrite(tajik_edition, {"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в большой круг."})
    assert _units(tajik_edition, "ru")[OVERRIDE].status == "current"


def test_saves_that_do_not_change_the_partners_source_change_no_record(tajik_edition):
    before = set(TranslationRecord.objects.values_list("pk", "source_hash", "translated_at"))
    _rewrite(tajik_edition, {"tg": "Курсиҳоро дар доира гузоред.\r\n", "ru": "Поставьте стулья в круг."})
    local_block = _local(tajik_edition)
    local_block.save()
    assert set(TranslationRecord.objects.values_list("pk", "source_hash", "translated_at")) == before


def test_a_translator_saving_a_stale_partner_translation_makes_it_current(tajik_edition, chashma_translator_ru):
    _rewrite(tajik_edition, {"tg": "Курсиҳоро дар доираи калон гузоред.", "ru": "Поставьте стулья в круг."})
    unit = _units(tajik_edition, "ru")[OVERRIDE]
    translation_save(
        user=chashma_translator_ru, obj=unit.obj, field="body", language="ru", text="Поставьте стулья в большой круг.",
        base_translation_hash=unit.translation_hash, base_source_hash=unit.source_hash, partner=tajik_edition.partner,
    )  # fmt: skip
    assert _units(tajik_edition, "ru")[OVERRIDE].status == "current"
    assert _override(tajik_edition).body_ru == "Поставьте стулья в большой круг."
    assert _override(tajik_edition).body_tg == "Курсиҳоро дар доираи калон гузоред."


def test_a_partner_form_opened_before_a_translators_save_conflicts_instead_of_overwriting_it(
    tajik_edition, chashma_translator_ru
):
    from curriculum.adaptation import AdaptationConflict

    opened_at = _override(tajik_edition).revision
    unit = _units(tajik_edition, "ru")["override:session-1/facilitator-note:title"]
    translation_save(
        user=chashma_translator_ru, obj=unit.obj, field="title", language="ru", text="Перед началом",
        base_translation_hash=unit.translation_hash, base_source_hash=unit.source_hash, partner=tajik_edition.partner,
    )  # fmt: skip
    with pytest.raises(AdaptationConflict):
        adaptation_override(
            edition=tajik_edition, module=tajik_edition.curriculum.modules.get(slug="session-1"),
            block_key="facilitator-note", title={"tg": "Пеш аз оғоз"}, body={"tg": "Нав.", "ru": "Старый."},
            expected_revision=opened_at,
        )  # fmt: skip
    assert _override(tajik_edition).title_ru == "Перед началом"


# --- Content grants by language × partner (service level) -------------------------------------------


def _save(user, obj, language, partner):
    return translation_save(
        user=user, obj=obj, field="body", language=language, text="Перевод.",
        base_translation_hash=text_hash(getattr(obj, f"body_{language}")),
        base_source_hash=text_hash(getattr(obj, f"body_{obj.source_language}" if hasattr(obj, "edition") else "body_en")),
        partner=partner,
    )  # fmt: skip


def test_a_translator_limited_to_one_partner_and_language_translates_that_partners_text(
    tajik_edition, chashma_translator_ru
):
    assert _save(chashma_translator_ru, _local(tajik_edition), "ru", tajik_edition.partner)
    assert _local(tajik_edition).body_ru == "Перевод."


def test_a_translator_limited_to_one_partner_and_language_is_refused_everything_else(
    tajik_edition, chashma_translator_ru, other_partner
):
    other = edition_get_or_create(curriculum=tajik_edition.curriculum, partner=other_partner)
    local_block_save(
        edition=other,
        module=tajik_edition.curriculum.modules.get(slug="session-1"),
        kind="text",
        title={},
        body={"sw": "Mfano."},
    )
    core_block = Block.objects.get(key="facilitator-note")
    refused = [
        (core_block, "ru", None),  # the core
        (LocalBlock.objects.get(edition=other), "ru", other_partner),  # the other partner's blocks
        (_local(tajik_edition), "en", tajik_edition.partner),  # another language of its own partner
        (_local(tajik_edition), "tg", tajik_edition.partner),  # the partner's source text
    ]
    for obj, language, partner in refused:
        with pytest.raises(TranslationRefused):
            _save(chashma_translator_ru, obj, language, partner)
    assert Block.objects.get(key="facilitator-note").body_ru == "Расставьте стулья по кругу."
    assert not LocalBlock.objects.get(edition=other).body_ru and not _local(tajik_edition).body_en


def test_a_grant_on_the_partner_covers_its_affiliates_editions(handbook, tajik_partner, chashma_translator_ru):
    kulob = PartnerFactory(slug="chashma-kulob", parent=tajik_partner, languages=["tg", "ru"])
    edition = edition_get_or_create(curriculum=handbook, partner=kulob)
    local = local_block_save(
        edition=edition, module=handbook.modules.get(slug="session-1"), kind="text", title={}, body={"tg": "Кӯлоб."}
    )
    assert _save(chashma_translator_ru, local, "ru", kulob)


# --- The matrix and the scopes ---------------------------------------------------------------------------


def test_the_edition_matrix_counts_words_per_module_in_a_constant_number_of_queries(
    tajik_edition, django_assert_max_num_queries
):
    curriculum_progress(
        curriculum=tajik_edition.curriculum, languages=["ru"], edition=tajik_edition
    )  # content types cached
    with django_assert_max_num_queries(4):
        rows, totals = curriculum_progress(
            curriculum=tajik_edition.curriculum, languages=["ru", "en"], edition=tajik_edition
        )
    assert [row["key"] for row in rows] == ["module:session-1"]
    russian = rows[0]["cells"]["ru"]
    # Current: the override's body (4 words); missing: its title (3) and the local block (5).
    assert (russian.current, russian.stale, russian.missing) == (4, 0, 8)
    assert totals["en"].missing == 12
    guide = tajik_edition.curriculum.modules.get(slug="facilitation-guide")
    for n in range(5):
        local_block_save(edition=tajik_edition, module=guide, kind="text", title={}, body={"tg": f"Матн {n}"})
    with django_assert_max_num_queries(4):
        rows, _totals = curriculum_progress(
            curriculum=tajik_edition.curriculum, languages=["ru"], edition=tajik_edition
        )
    assert [row["key"] for row in rows] == ["module:facilitation-guide", "module:session-1"]


def test_the_scopes_a_person_sees(tajik_edition, chashma_translator_ru, translator_fa, secretariat):
    def scopes(user):
        return [
            (scope.curriculum.slug, scope.edition and scope.edition.partner.slug, scope.languages)
            for scope in translation_scopes(user)
        ]

    assert scopes(chashma_translator_ru) == [("leading-to-choices", "chashma", ["ru"])]
    # Persian is no language of Chashma's: a Persian translator has only the core.
    assert scopes(translator_fa) == [("leading-to-choices", None, ["fa"])]
    everywhere_ru = UserFactory(username="translator-everywhere-ru")
    TranslatorGrant.objects.create(user=everywhere_ru, language="ru")
    assert scopes(everywhere_ru) == [("leading-to-choices", None, ["ru"]), ("leading-to-choices", "chashma", ["ru"])]
    assert ("leading-to-choices", "chashma", ["en", "tg", "ru"]) in scopes(secretariat)


def test_a_private_edition_is_no_scope_for_a_translator_who_may_not_see_it(tajik_edition, secretariat):
    everywhere_ru = UserFactory(username="translator-everywhere-ru")
    TranslatorGrant.objects.create(user=everywhere_ru, language="ru")
    tajik_edition.is_private = True
    tajik_edition.save()
    assert [scope.edition for scope in translation_scopes(everywhere_ru)] == [None]
    assert tajik_edition in [scope.edition for scope in translation_scopes(secretariat)]
