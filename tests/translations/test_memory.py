"""Translation memory: kept from every save, searched in the database, shown in the editor, never leaking private text."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from curriculum.models import Block, BlockAdaptation, Edition, LocalBlock, Module, PartnerMembership
from translations.memory import match_percent, memory_matches, memory_rebuild
from translations.models import MemorySegment, TranslatorGrant
from translations.services import text_hash, translation_save
from translations.units import scope_units

from ..factories import BlockFactory

pytestmark = pytest.mark.django_db


def _memory(language="ar", **filters):
    return set(MemorySegment.objects.filter(language=language, **filters).values_list("source", "target"))


def _new_block(handbook, body_en, key="new-block", module="facilitation-guide"):
    return BlockFactory(
        module=Module.objects.get(curriculum=handbook, slug=module), key=key, position=9, body_en=body_en
    )


def _unit_memory(handbook, block, user, language="ar", field="body"):
    units = [
        unit
        for unit in scope_units(curriculum=handbook, languages=[language])[language]
        if unit.obj == block and unit.field == field
    ]
    return memory_matches(units=units, language=language, user=user)[units[0].key]


def _private_override(handbook, partner, body_en, body_ar):
    edition = Edition.objects.create(curriculum=handbook, partner=partner, is_private=True)
    return BlockAdaptation.objects.create(
        edition=edition,
        module=Module.objects.get(slug="session-1"),
        block_key="facilitator-note",
        action=BlockAdaptation.Action.OVERRIDE,
        body_en=body_en,
        body_ar=body_ar,
    )


# --- Kept current -----------------------------------------------------------------------


def test_content_saved_with_translations_is_in_memory_sentence_by_sentence(handbook):
    assert _memory(object_id=Block.objects.get(key="welcome").pk, field="body") == {
        ("Welcome, facilitator.", "مرحباً بكِ أيتها الميسّرة."),
        ("Leadership is a practice.", "القيادة ممارسة."),
    }
    assert ("Leading to Choices", "Путь к выбору") in _memory("ru")
    segment = MemorySegment.objects.get(language="ar", source="Arrange the chairs in a circle.")
    assert (segment.curriculum, segment.module.slug, segment.partner) == (handbook, "session-1", None)


def test_a_translation_saved_in_the_editor_replaces_that_fields_memory(handbook, translator_ar):
    block = Block.objects.get(key="handout")
    translation_save(
        user=translator_ar, obj=block, field="body", language="ar", text="- تحدّثي بوضوح\n- استمعي جيداً",
        base_translation_hash=text_hash(""), base_source_hash=text_hash(block.body_en),
    )  # fmt: skip
    assert _memory(object_id=block.pk) == {("Speak clearly", "تحدّثي بوضوح"), ("Listen fully", "استمعي جيداً")}
    block.refresh_from_db()
    translation_save(
        user=translator_ar, obj=block, field="body", language="ar", text="- تحدّثي بوضوح تام\n- استمعي جيداً",
        base_translation_hash=text_hash(block.body_ar), base_source_hash=text_hash(block.body_en),
    )  # fmt: skip
    assert _memory(object_id=block.pk) == {("Speak clearly", "تحدّثي بوضوح تام"), ("Listen fully", "استمعي جيداً")}


def test_a_stale_translation_stays_paired_with_the_source_it_was_made_for(handbook):
    block = Block.objects.get(key="facilitator-note")
    block.body_en = "Arrange the chairs in two rows."
    block.save()  # the admin's path: the Arabic is now stale
    assert _memory(object_id=block.pk, field="body") == {("Arrange the chairs in a circle.", "رتّبي الكراسي في دائرة.")}


def test_an_emptied_translation_and_deleted_content_leave_memory(handbook):
    block = Block.objects.get(key="welcome")
    block.body_ar = ""
    block.save()
    assert _memory(object_id=block.pk, field="body") == set()
    assert _memory("fa", object_id=block.pk, field="body")
    block.delete()
    assert not MemorySegment.objects.filter(object_id=block.pk, field="body").exists()


def test_a_partners_own_text_is_memory_from_that_partner(handbook, partner):
    edition = Edition.objects.create(curriculum=handbook, partner=partner)
    local = LocalBlock.objects.create(
        edition=edition, module=Module.objects.get(slug="session-1"), key="tea-break",
        body_en="Share tea before you start.", body_ar="تشاركن الشاي قبل البدء.",
    )  # fmt: skip
    segment = MemorySegment.objects.get(content_type__model="localblock", object_id=local.pk, field="body")
    assert (segment.source, segment.partner, segment.module.slug) == (
        "Share tea before you start.",
        partner,
        "session-1",
    )


def test_memory_rebuild_builds_the_same_memory_again(handbook):
    before = sorted(MemorySegment.objects.values_list("language", "source", "target", "object_id", "field"))
    MemorySegment.objects.all().delete()
    assert memory_rebuild() == len(before)
    assert sorted(MemorySegment.objects.values_list("language", "source", "target", "object_id", "field")) == before
    MemorySegment.objects.all().delete()
    output = io.StringIO()
    call_command("memory_rebuild", stdout=output)
    assert f"{len(before)} segments" in output.getvalue()


def test_the_databases_own_index_follows_the_segments(handbook):
    """SQLite: the FTS5 table the triggers fill; PostgreSQL: pg_trgm and its GIN index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM translations_memorysegment_words")
            assert cursor.fetchone()[0] == MemorySegment.objects.count() > 0
            MemorySegment.objects.filter(language="ru").delete()
            cursor.execute("SELECT count(*) FROM translations_memorysegment_words")
            assert cursor.fetchone()[0] == MemorySegment.objects.count()
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'memory_segment_trigram'")
            assert "gin_trgm_ops" in cursor.fetchone()[0]


# --- Search quality ---------------------------------------------------------------------------


def test_match_percent_is_100_only_for_the_same_sentence():
    assert match_percent("Arrange the chairs in a circle.", "Arrange the chairs in a circle.") == 100
    assert match_percent("Arrange the chairs in a circle.", "arrange the chairs in a circle.") == 99
    assert 80 <= match_percent("Arrange the chairs in a wide circle.", "Arrange the chairs in a circle.") < 100
    assert match_percent("Arrange the chairs in a circle.", "Leadership is a practice.") < 50


def test_the_same_sentence_elsewhere_is_a_100_percent_match_with_where_it_came_from(handbook, translator_ar):
    block = _new_block(handbook, "Leadership is a practice. Arrange the chairs in a wide circle.")
    memory = _unit_memory(handbook, block, translator_ar)
    exact, fuzzy = memory.segments
    assert (exact.best.percent, exact.best.target) == (100, "القيادة ممارسة.")
    assert (exact.best.curriculum, exact.best.module.slug, exact.best.partner) == (handbook, "facilitation-guide", None)
    assert fuzzy.best.target == "رتّبي الكراسي في دائرة." and 80 <= fuzzy.best.percent < 100
    assert fuzzy.best.module.slug == "session-1"
    # Every sentence has a match: the whole text is offered, at its weakest sentence's percentage.
    assert memory.pretranslation == "القيادة ممارسة. رتّبي الكراسي في دائرة."
    assert memory.pretranslation_percent == fuzzy.best.percent and not memory.is_exact


def test_unrelated_sentences_and_other_languages_are_not_offered(handbook, translator_ar, translator_fa):
    block = _new_block(handbook, "Count the votes twice before you announce them.")
    assert not _unit_memory(handbook, block, translator_ar).has_matches
    block = _new_block(handbook, "Arrange the chairs in a circle.", key="persian")
    assert not _unit_memory(handbook, block, translator_fa, language="fa").has_matches  # only Arabic has it


def test_a_current_translation_is_not_offered_to_itself(handbook, translator_ar):
    block = Block.objects.get(key="welcome")
    assert not _unit_memory(handbook, block, translator_ar).has_matches


# --- Private editions ---------------------------------------------------------------------------


def test_a_private_editions_text_reaches_only_people_who_may_see_it(
    handbook, partner, partner_editor, translator_ar, secretariat
):
    _private_override(handbook, partner, "Arrange the chairs near the safe room.", "رتّبي الكراسي قرب الغرفة الآمنة.")
    block = _new_block(handbook, "Arrange the chairs near the safe room.")
    TranslatorGrant.objects.create(user=partner_editor, language="ar", partner=partner)
    for allowed in (partner_editor, secretariat):
        best = _unit_memory(handbook, block, allowed).segments[0].best
        assert (best.percent, best.target, best.partner) == (100, "رتّبي الكراسي قرب الغرفة الآمنة.", partner)
    # A translator outside the partner gets the core's fuzzy match only, never the private text.
    matches = _unit_memory(handbook, block, translator_ar).segments[0].matches
    assert [match.target for match in matches] == ["رتّبي الكراسي في دائرة."]


def test_an_affiliates_text_under_a_private_edition_is_hidden_too(handbook, partner, affiliate, translator_ar):
    Edition.objects.create(curriculum=handbook, partner=partner, is_private=True)
    edition = Edition.objects.create(curriculum=handbook, partner=affiliate)
    LocalBlock.objects.create(
        edition=edition, module=Module.objects.get(slug="session-1"), key="irbid",
        body_en="Meet at the women's centre in Irbid.", body_ar="نلتقي في مركز النساء في إربد.",
    )  # fmt: skip
    block = _new_block(handbook, "Meet at the women's centre in Irbid.")
    assert not _unit_memory(handbook, block, translator_ar).has_matches
    member = PartnerMembership.objects.create(user=translator_ar, partner=partner).user
    assert _unit_memory(handbook, block, member).segments[0].best.partner == affiliate


# --- The editor ------------------------------------------------------------------------------


def test_the_editor_shows_matches_with_their_origin_and_a_use_button_for_100_percent(
    client, handbook, partner, translator_ar
):
    edition = Edition.objects.create(curriculum=handbook, partner=partner)
    LocalBlock.objects.create(
        edition=edition, module=Module.objects.get(slug="session-1"), key="tea",
        body_en="Share tea before you start.", body_ar="تشاركن الشاي قبل البدء.",
    )  # fmt: skip
    _new_block(handbook, "Leadership is a practice. Share tea before you start.")
    client.force_login(translator_ar)
    page = client.get(reverse("translations:editor", args=[handbook.slug, "ar", "facilitation-guide"]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="unit-memory"') == 1  # only the new block has matches (others are current)
    assert 'data-testid="memory-match"' in html and 'data-percent="100"' in html
    assert "القيادة ممارسة." in html and "تشاركن الشاي قبل البدء." in html
    assert "Communicating with purpose" in html  # the module the match came from
    assert "Tamkeen Women&#x27;s Forum" in html  # the partner whose text it is
    # Both sentences match fully: the whole text can be used at once, into the new block's textarea.
    assert "القيادة ممارسة. تشاركن الشاي قبل البدء." in html
    assert 'data-testid="memory-apply-whole"' in html and 'data-apply="replace"' in html
    number = html.split('data-key="block:facilitation-guide/new-block:body"')[0].count('class="unit ')
    assert f'aria-controls="t-{number}"' in html
    # The buttons start hidden (the script shows them): without scripts the text is there to copy.
    buttons = [tag.split(">")[0] for tag in html.split("<button")[1:] if "memory-apply" in tag.split(">")[0]]
    assert len(buttons) == 3 and all(tag.rstrip().endswith("hidden") for tag in buttons)
    assert "js/translation-memory.js" in html


def test_the_editor_keeps_a_private_editions_memory_from_other_translators(client, handbook, partner, translator_ar):
    _private_override(handbook, partner, "Arrange the chairs near the safe room.", "رتّبي الكراسي قرب الغرفة الآمنة.")
    _new_block(handbook, "Arrange the chairs near the safe room.")
    client.force_login(translator_ar)
    html = client.get(reverse("translations:editor", args=[handbook.slug, "ar", "facilitation-guide"])).content.decode()
    assert "الغرفة الآمنة" not in html and "Tamkeen" not in html
    assert "رتّبي الكراسي في دائرة." in html  # the core's fuzzy match is shown
