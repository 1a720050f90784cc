"""Services of the glossary: who keeps which renderings, saving them, the renderings an edition uses, the editor's hits."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from curriculum.models import PartnerMembership
from curriculum.roles import is_secretariat
from translations.services import is_translator

from .matching import Occurrence, TermMatcher, forms_used, term_key, uses_rendering
from .models import TEXT_LENGTH, Rendering, Term

# --- Who may do what ---------------------------------------------------------------------------


def can_read_glossary(user):
    """The people who write or translate content: the secretariat, translators and partners' members."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_secretariat(user) or is_translator(user) or PartnerMembership.objects.filter(user=user).exists()


def can_manage_terms(user):
    """The network's terms and renderings are the secretariat's."""
    return is_secretariat(user)


def can_manage_partner_renderings(user, partner):
    """A partner's renderings are its own members' (not its parent's, not its affiliates'), and the secretariat's."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_secretariat(user) or PartnerMembership.objects.filter(user=user, partner=partner).exists()


# --- Writing terms and renderings ---------------------------------------------------------------


class GlossaryError(ValueError):
    """A term or rendering that cannot be saved; the message says why and nothing was written."""


@dataclass
class RenderingInput:
    text: str = ""
    variants: str = ""
    note: str = ""
    avoid: str = ""

    def cleaned(self):
        def lines(text):
            return "\n".join(line.strip() for line in text.splitlines() if line.strip())

        return RenderingInput(
            text=" ".join(self.text.split()),
            variants=lines(self.variants),
            note=self.note.strip(),
            avoid=lines(self.avoid),
        )


def _check_length(text, label):
    if len(text) > TEXT_LENGTH:
        raise GlossaryError(_("%(what)s is longer than %(max)d characters.") % {"what": label, "max": TEXT_LENGTH})


def renderings_save(*, term, partner, renderings, user):
    """Set the renderings of a term (the network's when partner is None) by language: an empty text removes one.

    Returns how many renderings were created, changed or removed.
    """
    changed = 0
    existing = {rendering.language: rendering for rendering in term.renderings.filter(partner=partner)}
    for language, value in renderings.items():
        if language not in settings.LANGUAGE_CODES or language == term.language:
            raise GlossaryError(_("A rendering needs a language other than the term's."))
        value = value.cleaned()
        current = existing.get(language)
        if not value.text:
            if current is not None:
                current.delete()
                changed += 1
            continue
        _check_length(value.text, value.text[:40])
        if current is None:
            Rendering.objects.create(
                term=term, language=language, partner=partner, updated_by=user,
                text=value.text, variants=value.variants, note=value.note, avoid=value.avoid,
            )  # fmt: skip
            changed += 1
        elif (current.text, current.variants, current.note, current.avoid) != (
            value.text, value.variants, value.note, value.avoid,
        ):  # fmt: skip
            current.text, current.variants, current.note, current.avoid, current.updated_by = (
                value.text, value.variants, value.note, value.avoid, user,
            )  # fmt: skip
            current.save()
            changed += 1
    return changed


@transaction.atomic
def term_save(*, term=None, text, language, note, renderings, user):
    """Create or change a network term and its network renderings, all or nothing."""
    text = " ".join((text or "").split())
    if not text:
        raise GlossaryError(_("A term cannot be empty."))
    _check_length(text, _("The term"))
    if language not in settings.LANGUAGE_CODES:
        raise GlossaryError(_("Unknown language."))
    clash = Term.objects.filter(language=language, key=term_key(text)).exclude(pk=term.pk if term else None)
    if clash.exists():
        raise GlossaryError(_("“%(term)s” is already in the glossary.") % {"term": text})
    if term is not None and term.language != language and term.renderings.filter(language=language).exists():
        raise GlossaryError(_("The term has a rendering in that language: remove it first."))
    term = term or Term()
    term.text, term.language, term.note, term.updated_by = text, language, (note or "").strip(), user
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError:  # another save of the same term won the race
        raise GlossaryError(_("“%(term)s” is already in the glossary.") % {"term": text}) from None
    renderings_save(term=term, partner=None, renderings=renderings, user=user)
    return term


@transaction.atomic
def partner_renderings_save(*, term, partner, renderings, user):
    """Set one partner's own renderings of a network term; the network's stay as they are."""
    return renderings_save(term=term, partner=partner, renderings=renderings, user=user)


def term_delete(*, term):
    term.delete()


# --- Reading: the renderings an edition uses --------------------------------------------------


def renderings_closest(renderings, partner):
    """Of candidate renderings, the one each (term, language) uses in an edition: the partner's own, its parent's, the network's."""
    rank = (
        {partner_id: index for index, partner_id in enumerate(partner.lineage_ids or [partner.pk])} if partner else {}
    )
    chosen = {}
    for rendering in renderings:
        key = (rendering.term_id, rendering.language)
        best = chosen.get(key)
        # The network's (partner None) ranks after every partner of the lineage.
        if best is None or rank.get(rendering.partner_id, len(rank)) < rank.get(best.partner_id, len(rank)):
            chosen[key] = rendering
    return chosen


def renderings_effective(*, language, partner=None, terms=None):
    """The rendering each term has in an edition's language (see `renderings_closest`); one query.

    Returns {term id: Rendering}.
    """
    candidates = Rendering.objects.for_edition(partner).filter(language=language).select_related("partner")
    if terms is not None:
        candidates = candidates.filter(term__in=terms)
    return {term_id: rendering for (term_id, _language), rendering in renderings_closest(candidates, partner).items()}


# --- The translation editor -------------------------------------------------------------------


@dataclass
class UnitEntry:
    """One glossary term found in a unit's source, with the rendering this edition prefers."""

    term: Term
    rendering: Rendering | None
    used: bool  # the translation uses the rendering (True when there is nothing to check)
    avoided: list[str] = field(default_factory=list)  # forms to avoid that the translation uses

    @property
    def warns(self):
        return not self.used or bool(self.avoided)


@dataclass
class UnitGlossary:
    occurrences: list[Occurrence] = field(default_factory=list)
    entries: list[UnitEntry] = field(default_factory=list)

    @property
    def warnings(self):
        return [entry for entry in self.entries if entry.warns]

    def entry_for(self, term_id):
        return next(entry for entry in self.entries if entry.term.pk == term_id)


def glossary_units(*, units, language, partner=None, texts=None):
    """For each unit key: the glossary terms in its source and whether its translation uses their renderings.

    `texts` replaces a unit's stored translation (what the translator typed, shown again
    after an error). Two queries, whatever the number of units. A missing translation
    or a term without a rendering in this language gives no warning: there is nothing to check.
    """
    source_languages = {unit.source_language for unit in units}
    terms = {term.pk: term for term in Term.objects.filter(language__in=source_languages)}
    if not terms:
        return {}
    renderings = renderings_effective(language=language, partner=partner)
    matchers = {
        code: TermMatcher([(pk, term.text, term.language) for pk, term in terms.items() if term.language == code])
        for code in source_languages
    }
    texts = texts or {}
    result = {}
    for unit in units:
        occurrences = matchers[unit.source_language].occurrences(unit.source)
        if not occurrences:
            continue
        translation = texts.get(unit.key, unit.translation)
        glossary = UnitGlossary(occurrences=occurrences)
        for term_id in dict.fromkeys(occurrence.term_id for occurrence in occurrences):
            rendering = renderings.get(term_id)
            used = rendering is None or not translation.strip() or uses_rendering(translation, rendering.forms)
            avoided = forms_used(translation, rendering.avoid_list) if rendering else []
            glossary.entries.append(UnitEntry(term=terms[term_id], rendering=rendering, used=used, avoided=avoided))
        result[unit.key] = glossary
    return result
