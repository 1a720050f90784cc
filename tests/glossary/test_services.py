"""Who keeps which renderings, saving terms, the renderings an edition uses and the editor's hits."""

import pytest

from glossary.models import Rendering, Term
from glossary.services import (
    GlossaryError,
    RenderingInput,
    can_manage_partner_renderings,
    can_manage_terms,
    can_read_glossary,
    glossary_units,
    partner_renderings_save,
    renderings_effective,
    term_save,
)
from translations.units import scope_units

pytestmark = pytest.mark.django_db


# --- Who may do what ---------------------------------------------------------------------------


def test_the_secretariat_manages_the_networks_terms_and_nobody_else(
    secretariat, partner_editor, translator_ar, outsider
):
    assert can_manage_terms(secretariat)
    assert not any(can_manage_terms(user) for user in (partner_editor, translator_ar, outsider))


def test_a_partners_members_manage_its_renderings_and_other_partners_editors_are_refused(
    partner, secretariat, partner_editor, other_editor, affiliate_editor, translator_ar, outsider
):
    assert can_manage_partner_renderings(partner_editor, partner)
    assert can_manage_partner_renderings(secretariat, partner)
    for refused in (other_editor, affiliate_editor, translator_ar, outsider):
        assert not can_manage_partner_renderings(refused, partner), refused


def test_people_who_write_or_translate_read_the_glossary_and_a_plain_account_does_not(
    secretariat, partner_editor, translator_fa, outsider
):
    assert all(can_read_glossary(user) for user in (secretariat, partner_editor, translator_fa))
    assert not can_read_glossary(outsider)


# --- Saving ------------------------------------------------------------------------------------


def test_a_term_is_saved_with_its_renderings(secretariat):
    term = term_save(
        text="  Empowerment ", language="en", note="Power women hold.", user=secretariat,
        renderings={"ar": RenderingInput("تمكين", "التمكين\n\n", "A note."), "fa": RenderingInput("")},
    )  # fmt: skip
    assert (term.text, term.key, term.updated_by) == ("Empowerment", "empowerment", secretariat)
    rendering = term.renderings.get()
    assert (rendering.language, rendering.text, rendering.forms, rendering.partner) == (
        "ar", "تمكين", ["تمكين", "التمكين"], None,
    )  # fmt: skip


def test_the_same_term_twice_is_refused_whatever_its_case(glossary, secretariat):
    with pytest.raises(GlossaryError, match="already in the glossary"):
        term_save(text="LEADERSHIP", language="en", note="", renderings={}, user=secretariat)
    assert Term.objects.count() == 2


def test_an_emptied_rendering_is_removed(glossary, secretariat):
    term = glossary["leadership"]
    term_save(
        term=term, text=term.text, language="en", note="", renderings={"ar": RenderingInput("")}, user=secretariat
    )
    assert list(term.renderings.values_list("language", flat=True)) == ["fa"]


def test_a_rendering_in_the_terms_own_language_is_refused(glossary, secretariat):
    with pytest.raises(GlossaryError):
        term_save(
            term=glossary["leadership"], text="leadership", language="en", note="",
            renderings={"en": RenderingInput("leading")}, user=secretariat,
        )  # fmt: skip
    assert not Rendering.objects.filter(language="en").exists()


# --- The renderings an edition uses ------------------------------------------------------------


def test_a_partners_rendering_overrides_the_networks_in_its_editions_only(
    glossary, partner, other_partner, affiliate, partner_editor
):
    term = glossary["leadership"]
    partner_renderings_save(term=term, partner=partner, renderings={"ar": RenderingInput("ريادة")}, user=partner_editor)
    assert renderings_effective(language="ar")[term.pk].text == "قيادة"
    assert renderings_effective(language="ar", partner=partner)[term.pk].text == "ريادة"
    assert renderings_effective(language="ar", partner=other_partner)[term.pk].text == "قيادة"
    # An affiliate uses its parent's rendering until it has its own.
    assert renderings_effective(language="ar", partner=affiliate)[term.pk].text == "ريادة"
    partner_renderings_save(term=term, partner=affiliate, renderings={"ar": RenderingInput("قيادية")}, user=None)
    assert renderings_effective(language="ar", partner=affiliate)[term.pk].text == "قيادية"
    assert Rendering.objects.network().get(term=term, language="ar").text == "قيادة"


# --- The translation editor ---------------------------------------------------------------------


def _units(handbook, language, module="facilitation-guide"):
    return scope_units(curriculum=handbook, module=handbook.modules.get(slug=module), languages=[language])[language]


def test_the_editor_finds_the_terms_and_warns_where_a_translation_misses_the_rendering(handbook, glossary):
    units = _units(handbook, "fa")
    hits = glossary_units(units=units, language="fa")
    body = hits["block:facilitation-guide/welcome:body"]
    assert [entry.term.text for entry in body.entries] == ["leadership"]
    assert body.warnings == []  # "رهبری یک تمرین است" uses رهبری
    warned = glossary_units(units=units, language="fa", texts={"block:facilitation-guide/welcome:body": "زعامت"})
    assert [entry.term.text for entry in warned["block:facilitation-guide/welcome:body"].warnings] == ["leadership"]


def test_a_translation_using_a_form_to_avoid_is_warned_about_even_beside_the_preferred_one(handbook, glossary):
    Rendering.objects.filter(language="fa", term=glossary["leadership"]).update(avoid="زعامت\nسروری")
    units = _units(handbook, "fa")
    key = "block:facilitation-guide/welcome:body"
    hits = glossary_units(units=units, language="fa", texts={key: "رهبری و زعامت"})
    [entry] = hits[key].warnings
    assert (entry.used, entry.avoided) == (True, ["زعامت"])
    assert glossary_units(units=units, language="fa")[key].warnings == []


def test_a_missing_translation_or_a_term_without_a_rendering_gives_no_warning(handbook, glossary):
    units = _units(handbook, "ru")  # no Russian rendering
    assert glossary_units(units=units, language="ru")["block:facilitation-guide/welcome:body"].warnings == []
    empty = glossary_units(units=units, language="ar", texts={"block:facilitation-guide/welcome:body": "  "})
    assert empty["block:facilitation-guide/welcome:body"].warnings == []


def test_the_editor_uses_the_partners_rendering_when_it_translates_a_partners_edition(handbook, glossary, partner):
    partner_renderings_save(
        term=glossary["leadership"], partner=partner, renderings={"ar": RenderingInput("ريادة")}, user=None
    )
    units = _units(handbook, "ar")
    key = "block:facilitation-guide/welcome:body"  # "القيادة ممارسة"
    assert glossary_units(units=units, language="ar")[key].warnings == []
    assert [
        entry.rendering.text for entry in glossary_units(units=units, language="ar", partner=partner)[key].warnings
    ] == ["ريادة"]


def test_the_editor_asks_two_queries_whatever_the_number_of_units(handbook, glossary, django_assert_num_queries):
    units = _units(handbook, "ar", module="session-1") + _units(handbook, "ar")
    with django_assert_num_queries(2):
        glossary_units(units=units, language="ar")
