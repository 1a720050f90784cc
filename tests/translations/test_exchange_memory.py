"""PO and XLIFF exports pre-filled from translation memory: as they are at 100%, for review below."""

import polib
import pytest
from django.urls import reverse
from lxml import etree

from curriculum.models import Block, BlockAdaptation, Edition, Module
from translations.exchange import XLIFF_NS, exchange_import, exchange_po, exchange_xliff

from ..factories import BlockFactory

pytestmark = pytest.mark.django_db
HANDOUT = "block:session-1/handout:body"


def _remember(handbook, body_en, body_ar, key="earlier-list"):
    """An earlier block translated into Arabic: its sentences are in memory."""
    guide = Module.objects.get(curriculum=handbook, slug="facilitation-guide")
    return BlockFactory(module=guide, key=key, position=9, body_en=body_en, body_ar=body_ar)


def _entry(po, key):
    return next(entry for entry in po if entry.msgctxt == key)


def _xliff_unit(content, key):
    root = etree.fromstring(content.encode())
    return root.find(f".//{{{XLIFF_NS}}}trans-unit[@id='{key}']")


def test_an_untranslated_unit_whose_sentences_all_match_exactly_is_pre_filled_not_fuzzy(handbook, translator_ar):
    _remember(
        handbook, "- Speak clearly\n- Listen fully\n- Take notes", "- تحدّثي بوضوح\n- استمعي جيداً\n- دوّني الملاحظات"
    )
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar", user=translator_ar))
    entry = _entry(po, HANDOUT)
    assert entry.msgstr == "- تحدّثي بوضوح\n- استمعي جيداً"  # the source's list, each item from memory
    assert "fuzzy" not in entry.flags and "translation-memory: 100%" in entry.comment
    # Leaving the pre-filled text as it is accepts it: the import saves it.
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.updated == [HANDOUT]
    assert Block.objects.get(key="handout").body_ar == "- تحدّثي بوضوح\n- استمعي جيداً"


def test_a_fuzzy_pre_fill_is_marked_fuzzy_and_not_imported_until_reviewed(handbook, translator_ar):
    _remember(handbook, "- Speak very clearly\n- Listen fully", "- تحدّثي بوضوح شديد\n- استمعي جيداً")
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar", user=translator_ar))
    entry = _entry(po, HANDOUT)
    assert entry.msgstr == "- تحدّثي بوضوح شديد\n- استمعي جيداً" and "fuzzy" in entry.flags
    assert "translation-memory: 80%" in entry.comment
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.needs_review == [HANDOUT] and not Block.objects.get(key="handout").body_ar
    # The translator fixes it and clears the flag: now it is imported.
    entry.msgstr, entry.flags = "- تحدّثي بوضوح\n- استمعي جيداً", []
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=str(po))
    assert report.updated == [HANDOUT]


def test_xliff_marks_pre_fills_with_state_and_the_match_in_alt_trans(handbook, translator_ar):
    _remember(handbook, "- Speak very clearly\n- Listen fully", "- تحدّثي بوضوح شديد\n- استمعي جيداً")
    content = exchange_xliff(curriculum=handbook, language="ar", user=translator_ar)
    unit = _xliff_unit(content, HANDOUT)
    target = unit.find(f"{{{XLIFF_NS}}}target")
    assert target.text == "- تحدّثي بوضوح شديد\n- استمعي جيداً"
    assert (target.get("state"), target.get("state-qualifier")) == ("needs-review-translation", "fuzzy-match")
    alternative = unit.find(f"{{{XLIFF_NS}}}alt-trans")
    assert (alternative.get("match-quality"), alternative.get("origin")) == ("80%", "translation-memory")
    report = exchange_import(user=translator_ar, curriculum=handbook, language="ar", content=content)
    assert report.needs_review == [HANDOUT]
    exact = _remember(handbook, "- Speak clearly\n- Listen fully", "- تحدّثي بوضوح\n- استمعي جيداً", key="exact-list")
    target = _xliff_unit(exchange_xliff(curriculum=handbook, language="ar"), HANDOUT).find(f"{{{XLIFF_NS}}}target")
    assert (target.text, target.get("state"), target.get("state-qualifier")) == (
        exact.body_ar,
        "translated",
        "leveraged-tm",
    )


def test_translated_units_and_units_memory_cannot_fill_whole_are_left_alone(handbook, translator_ar):
    _remember(handbook, "Speak clearly", "تحدّثي بوضوح")  # "Listen fully" has no match
    po = polib.pofile(exchange_po(curriculum=handbook, language="ar", user=translator_ar))
    assert _entry(po, HANDOUT).msgstr == ""
    assert _entry(po, "block:session-1/facilitator-note:body").msgstr == "رتّبي الكراسي في دائرة."
    assert all("translation-memory" not in entry.comment for entry in po)


def test_a_download_does_not_pre_fill_from_a_private_edition_the_translator_may_not_see(
    client, handbook, partner, partner_editor, translator_ar
):
    edition = Edition.objects.create(curriculum=handbook, partner=partner, is_private=True)
    BlockAdaptation.objects.create(
        edition=edition, module=Module.objects.get(slug="facilitation-guide"), block_key="welcome",
        action=BlockAdaptation.Action.OVERRIDE, body_en="- Speak clearly\n- Listen fully",
        body_ar="- تحدّثي بوضوح في الغرفة الآمنة\n- استمعي جيداً",
    )  # fmt: skip
    url = reverse("translations:download", args=[handbook.slug, "ar", "po"])
    client.force_login(translator_ar)
    assert "الغرفة الآمنة" not in client.get(url).content.decode()
    partner_editor.groups.add(*translator_ar.groups.all())  # a member of the partner who translates Arabic
    client.force_login(partner_editor)
    po = polib.pofile(client.get(url).content.decode())
    assert _entry(po, HANDOUT).msgstr == "- تحدّثي بوضوح في الغرفة الآمنة\n- استمعي جيداً"
