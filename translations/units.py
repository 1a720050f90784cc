"""Units of translation: the translated fields of a scope, their state in each language, the progress matrix.

A scope is the core curriculum (or one of its modules), or one partner edition's own text: its
overrides and local blocks, written in the edition's source language and translated into its other
languages exactly like the core (staleness records, word diffs, PO/XLIFF).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from curriculum.changes import word_diff
from curriculum.models import Block, BlockAdaptation, Curriculum, Edition, LocalBlock, Module
from curriculum.roles import private_editions_hidden_from
from curriculum.translated import language_direction

from .models import ReviewState, TranslationRecord, TranslatorGrant, unit_review_state
from .services import (
    MARKDOWN_FIELDS,
    SHORT_FIELDS,
    TRANSLATED_FIELDS,
    content_type_of,
    source_language_of,
    text_hash,
    translation_records_of,
    translator_languages,
    value_in,
)


@dataclass
class Unit:
    """One translated field of one object, in one language, with its state."""

    key: str
    obj: object
    field: str
    object_label: str
    field_label: str
    language: str
    source_language: str
    source: str
    translation: str
    record: TranslationRecord | None
    # Computed once per field, shared by its units in every language.
    source_hash: str
    words: int
    review_state = property(unit_review_state)  # draft, needs_review, approved; "" untranslated

    @property
    def translation_hash(self):
        return text_hash(self.translation)

    @property
    def status(self):
        if not self.translation.strip():
            return "missing"
        if self.record is not None and self.record.source_hash != self.source_hash:
            return "stale"
        return "current"

    @property
    def is_stale(self):
        return self.status == "stale"

    @property
    def is_markdown(self):
        return self.field in MARKDOWN_FIELDS

    @property
    def max_length(self):
        return SHORT_FIELDS.get(self.field)

    @property
    def direction(self):
        return language_direction(self.language)

    @property
    def source_direction(self):
        return language_direction(self.source_language)

    def source_diff_html(self):
        """What changed in the source since the translation was made, word by word."""
        if self.record is None:
            return ""
        return word_diff(self.record.source_text, self.source)


WORD_RE = re.compile(r"\S*\w\S*")


def word_count(text):
    # Markdown list markers and punctuation are not words; split() keeps Devanagari words whole, \w+ would not.
    return len(WORD_RE.findall(text))


def _field_labels():
    return {
        "title": _("Title"),
        "description": _("Description"),
        "topic": _("Topic"),
        "summary": _("Summary"),
        "body": _("Body"),
    }


def scope_objects(curriculum, module=None, edition=None):
    """(key prefix, label, object) of everything translated in a scope, in reading order.

    The core: the curriculum's own fields, then each module and its blocks (or one module). An edition
    (`edition` given): its overrides and local blocks (in one module, or all), and nothing of the core.
    """
    if edition is not None:
        return edition_scope_objects(edition, module)
    items = []
    if module is None:
        items.append(("curriculum", curriculum.title_en or curriculum.slug, curriculum))
        modules = curriculum.modules.order_by("position", "id").prefetch_related("blocks")
    else:
        modules = [module]
    for each in modules:
        each.curriculum = curriculum
        items.append((f"module:{each.slug}", each.title_en or each.slug, each))
        for block in sorted(each.blocks.all(), key=lambda block: (block.position, block.pk)):
            block.module = each
            items.append((f"block:{each.slug}/{block.key}", block.title_en or block.key, block))
    return items


def edition_scope_objects(edition, module=None):
    """An edition's own text in reading order: (key prefix, label, override or local block).

    Keys name the object within the edition (`override:<module>/<block key>`, `local:<module>/<key>`),
    never a core block's key, so a file of the core cannot be imported into an edition or back.
    Three queries: overrides, local blocks, and the positions of the core blocks they sit at.
    """
    scope = {"edition": edition} if module is None else {"edition": edition, "module": module}
    overrides = list(
        BlockAdaptation.objects.filter(action=BlockAdaptation.Action.OVERRIDE, **scope).select_related("module")
    )
    local_blocks = list(LocalBlock.objects.filter(**scope).select_related("module"))
    module_ids = {obj.module_id for obj in [*overrides, *local_blocks]}
    positions = {
        (module_id, key): position
        for module_id, key, position in Block.objects.filter(module_id__in=module_ids).values_list(
            "module_id", "key", "position"
        )
    }
    end = float("inf")  # an affiliate's override of its parent's local block has no core position

    def placed(obj, prefix, key, order):
        obj.edition = edition
        label = value_in(obj, "title", obj.source_language) or key
        return (obj.module.position, obj.module_id, *order), (f"{prefix}:{obj.module.slug}/{key}", label, obj)

    items = [
        placed(obj, "override", obj.block_key, (positions.get((obj.module_id, obj.block_key), end), 0, 0))
        for obj in overrides
    ]
    items += [
        placed(
            obj,
            "local",
            obj.key,
            (positions.get((obj.module_id, obj.after_key), end) if obj.after_key else -1, 1, obj.position),
        )
        for obj in local_blocks
    ]
    return [item for _order, item in sorted(items, key=lambda pair: (pair[0], pair[1][0]))]


def scope_units(*, curriculum, languages, module=None, edition=None, items=None, with_source_text=True):
    """The units of a scope in each language, by language, with their records.

    A unit exists in every language but its object's source language (an edition's blocks may be
    written in different languages of the partner's).
    """
    items = items if items is not None else scope_objects(curriculum, module, edition)
    records = translation_records_of([obj for _prefix, _label, obj in items], with_source_text=with_source_text)
    labels = _field_labels()
    result = {language: [] for language in languages}
    for prefix, label, obj in items:
        content_type_id = content_type_of(obj).pk
        source_language = source_language_of(obj)
        for field in TRANSLATED_FIELDS[type(obj)]:
            source = value_in(obj, field, source_language)
            if not source.strip():
                continue
            source_digest, words = text_hash(source), word_count(source)
            for language in languages:
                if language == source_language:
                    continue
                result[language].append(
                    Unit(
                        key=f"{prefix}:{field}",
                        obj=obj,
                        field=field,
                        object_label=label,
                        field_label=labels.get(field, field),
                        language=language,
                        source_language=source_language,
                        source=source,
                        translation=value_in(obj, field, language),
                        record=records.get((content_type_id, obj.pk, field, language)),
                        source_hash=source_digest,
                        words=words,
                    )
                )
    return result


@dataclass
class Progress:
    current: int = 0
    stale: int = 0
    missing: int = 0
    current_units: int = 0
    stale_units: int = 0
    missing_units: int = 0
    approved: int = 0  # words of current translations a reviewer approved (part of `current`)

    def add(self, unit):
        status = unit.status
        setattr(self, status, getattr(self, status) + unit.words)
        setattr(self, f"{status}_units", getattr(self, f"{status}_units") + 1)
        self.approved += unit.words if unit.review_state == ReviewState.APPROVED else 0

    @property
    def total(self):
        return self.current + self.stale + self.missing

    def percent(self, part):
        return round(100 * part / self.total) if self.total else 100

    @property
    def current_percent(self):
        return self.percent(self.current)

    @property
    def stale_percent(self):
        return self.percent(self.stale)

    @property
    def missing_percent(self):
        return self.percent(self.missing)

    @property
    def is_complete(self):
        return self.total == self.current


def unit_module_slug(key):
    """The module a unit of a block, an override or a local block belongs to (None: the curriculum's own)."""
    if key.startswith("curriculum:"):
        return None
    return key.split(":", 2)[1].split("/", 1)[0]


def curriculum_progress(*, curriculum, languages, edition=None):
    """The progress matrix: for each row (the curriculum's own fields, then each module) and language, words by state.

    For an edition, a row per module with own text. A constant number of queries: modules, blocks
    (an edition: overrides, local blocks, core positions), records.
    """
    items = scope_objects(curriculum, edition=edition)
    units = scope_units(curriculum=curriculum, languages=languages, items=items, with_source_text=False)
    rows, totals = {}, {language: Progress() for language in languages}

    def row(key, label, obj):
        return rows.setdefault(
            key, {"key": key, "label": label, "obj": obj, "cells": {lang: Progress() for lang in languages}}
        )

    for prefix, label, obj in items:
        if isinstance(obj, Curriculum):
            row("curriculum", label, obj)
        elif isinstance(obj, Module):
            row(prefix, label, obj)
        elif edition is not None:
            row(f"module:{obj.module.slug}", obj.module.title_en or obj.module.slug, obj.module)
    for language, language_units in units.items():
        for unit in language_units:
            module_slug = unit_module_slug(unit.key)
            row_key = "curriculum" if module_slug is None else f"module:{module_slug}"
            rows[row_key]["cells"][language].add(unit)
            totals[language].add(unit)
    return list(rows.values()), totals


@dataclass
class Scope:
    """Somewhere a person may translate: a curriculum's core, or one partner edition's own text, and in which languages."""

    curriculum: Curriculum
    edition: Edition | None
    languages: list

    @property
    def url(self):
        if self.edition is None:
            return reverse("translations:matrix", kwargs={"slug": self.curriculum.slug})
        return reverse(
            "translations:edition_matrix",
            kwargs={"slug": self.curriculum.slug, "partner_slug": self.edition.partner.slug},
        )


def edition_languages_for(user, edition, everywhere=None, by_partner=None):
    """The edition's languages this person may translate its own text into (a grant on a partner covers its affiliates)."""
    if everywhere is None:
        return [code for code in edition.languages if code in translator_languages(user, edition.partner)]
    granted = set(everywhere).union(*(by_partner.get(pk, set()) for pk in edition.partner.lineage_ids or []))
    return [code for code in edition.languages if code in granted]


def translation_scopes(user):
    """Every scope a person may translate in, with its languages: each curriculum's core, then its partner editions.

    Only editions with own text (an override or a local block), and never a private edition
    this person may not see (curriculum.roles). A few queries, whatever the number of editions.
    """
    everywhere = translator_languages(user)
    by_partner = {}
    for partner_id, language in TranslatorGrant.objects.filter(user=user, partner__isnull=False).values_list(
        "partner_id", "language"
    ):
        by_partner.setdefault(partner_id, set()).add(language)
    with_text = Edition.objects.filter(
        Q(adaptations__action=BlockAdaptation.Action.OVERRIDE) | Q(local_blocks__isnull=False)
    ).distinct()
    editions = {}
    for edition in with_text.select_related("partner", "curriculum").order_by("partner__name"):
        editions.setdefault(edition.curriculum_id, []).append(edition)
    scopes = []
    for curriculum in Curriculum.objects.order_by("slug"):
        core = [code for code in settings.LANGUAGE_CODES if code in everywhere and code != curriculum.source_language]
        if core:
            scopes.append(Scope(curriculum=curriculum, edition=None, languages=core))
        hidden = private_editions_hidden_from(user, curriculum) if editions.get(curriculum.pk) else set()
        for edition in editions.get(curriculum.pk, []):
            if hidden.intersection(edition.partner.lineage_ids or [edition.partner_id]):
                continue
            languages = edition_languages_for(user, edition, everywhere, by_partner)
            if languages:
                scopes.append(Scope(curriculum=curriculum, edition=edition, languages=languages))
    return scopes
