"""Services of content translation: staleness records, permissions, progress, the editor's saves."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.changes import word_diff
from curriculum.markup import disallowed_markup
from curriculum.models import Block, Curriculum, Module
from curriculum.roles import is_secretariat
from curriculum.translated import BLOCK_FIELDS, CURRICULUM_FIELDS, MODULE_FIELDS, language_direction

from .models import ReviewState, TranslationRecord, TranslatorGrant, unit_review_state

# The translated content and its fields; an app with more translated content
# (partner overrides) adds its model with `translated_model_register`.
TRANSLATED_FIELDS = {Curriculum: CURRICULUM_FIELDS, Module: MODULE_FIELDS, Block: BLOCK_FIELDS}
# Fields whose text is Markdown (checked for markup like the JSON import does).
MARKDOWN_FIELDS = {"body", "summary", "description"}
# Fields with a short database column (characters).
SHORT_FIELDS = {"title": 200, "topic": 120}
TRANSLATOR_GROUP_PREFIX = "translators-"


def translated_model_register(model, fields):
    TRANSLATED_FIELDS[model] = tuple(fields)


def text_hash(text):
    """The hash of a text as staleness sees it: line endings and surrounding blanks do not count.

    Browsers send textareas with CRLF line endings; without normalising, saving
    an unchanged form in the admin would make every translation stale.
    """
    normal = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return hashlib.sha256(normal.encode()).hexdigest()


def source_language_of(obj):
    if isinstance(obj, Curriculum):
        return obj.source_language
    if isinstance(obj, Module):
        return obj.curriculum.source_language
    if isinstance(obj, Block):
        return obj.module.curriculum.source_language
    return settings.LANGUAGE_CODE


def _content_type(obj_or_model):
    return ContentType.objects.get_for_model(obj_or_model, for_concrete_model=True)


def _value(obj, field, language):
    return getattr(obj, f"{field}_{language}", None) or ""


# --- Staleness records -------------------------------------------------------------


def translation_records_sync(*, obj, user=None):
    """Record, for each non-empty translation of obj that changed (or is new), the source it now translates.

    A translation whose text did not change keeps its record, so a changed
    source makes it stale; saves that change neither (reordering, publishing,
    re-saving a form) change nothing.
    """
    fields = TRANSLATED_FIELDS.get(type(obj))
    if not fields or obj.pk is None:
        return
    source_language = source_language_of(obj)
    content_type = _content_type(obj)
    records = {
        (record.field, record.language): record
        for record in TranslationRecord.objects.filter(content_type=content_type, object_id=obj.pk)
    }
    now = timezone.now()
    new, changed, gone = [], [], []
    for field in fields:
        source = _value(obj, field, source_language)
        for language in settings.LANGUAGE_CODES:
            record = records.pop((field, language), None)
            if language == source_language:
                if record:
                    gone.append(record.pk)
                continue
            translation = _value(obj, field, language)
            if not translation.strip():
                if record:
                    gone.append(record.pk)
                continue
            translation_digest = text_hash(translation)
            if record is None:
                new.append(
                    TranslationRecord(
                        content_type=content_type,
                        object_id=obj.pk,
                        field=field,
                        language=language,
                        source_hash=text_hash(source),
                        source_text=source,
                        translation_hash=translation_digest,
                        translated_at=now,
                        translated_by=user,
                    )
                )
            elif record.translation_hash != translation_digest:
                record.source_hash, record.source_text = text_hash(source), source
                record.translation_hash, record.translated_at, record.translated_by = translation_digest, now, user
                record.review_state = ReviewState.NEEDS_REVIEW  # a changed text is reviewed again, whoever changed it
                changed.append(record)
    gone += [record.pk for record in records.values()]  # fields no longer translated
    if gone:
        TranslationRecord.objects.filter(pk__in=gone).delete()
    if new:
        TranslationRecord.objects.bulk_create(new, ignore_conflicts=True)
    if changed:
        fields = ["source_hash", "source_text", "translation_hash", "translated_at", "translated_by", "review_state"]
        TranslationRecord.objects.bulk_update(changed, fields)


def source_texts(obj):
    """The source text of each translated field of obj as stored now (read before a minor edit is saved)."""
    fields = TRANSLATED_FIELDS.get(type(obj), ())
    stored = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    if stored is None:
        return {}
    source_language = source_language_of(obj)
    return {field: _value(stored, field, source_language) for field in fields}


def translation_records_keep_current(*, obj, previous_sources):
    """A minor edit of the source (a typo fix): translations that were current before it stay current.

    `previous_sources` is `source_texts(obj)` taken before the edit was saved; a
    translation that was already stale stays stale.
    """
    source_language = source_language_of(obj)
    refreshed = []
    for record in TranslationRecord.objects.filter(content_type=_content_type(obj), object_id=obj.pk):
        if record.field not in previous_sources or record.source_hash != text_hash(previous_sources[record.field]):
            continue
        source = _value(obj, record.field, source_language)
        if record.source_hash != text_hash(source):
            record.source_hash, record.source_text = text_hash(source), source
            refreshed.append(record)
    TranslationRecord.objects.bulk_update(refreshed, ["source_hash", "source_text"])
    return len(refreshed)


def translation_records_delete(*, obj):
    TranslationRecord.objects.filter(content_type=_content_type(obj), object_id=obj.pk).delete()


# --- Who may translate what -----------------------------------------------------------


def translator_languages(user, partner=None):
    """The languages a person may translate content into, for the core curriculum (or one partner's editions)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_secretariat(user):
        return set(settings.LANGUAGE_CODES)
    codes = {
        name.removeprefix(TRANSLATOR_GROUP_PREFIX)
        for name in user.groups.filter(name__startswith=TRANSLATOR_GROUP_PREFIX).values_list("name", flat=True)
    }
    grants = TranslatorGrant.objects.filter(user=user)
    scope = Q(partner__isnull=True)
    if partner is not None:
        # A grant on a partner covers its affiliates too: the partner is in each affiliate's lineage.
        scope |= Q(partner__in=partner.lineage_ids or [partner.pk])
    codes |= set(grants.filter(scope).values_list("language", flat=True))
    return codes & set(settings.LANGUAGE_CODES)


def is_translator(user):
    """Anyone with a language to translate: rosetta's and the workspace's door."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(translator_languages(user)) or TranslatorGrant.objects.filter(user=user).exists()


class TranslationRefused(Exception):
    """The person may not change this text; the message says why."""


def translation_check_allowed(*, user, language, source_language, partner=None):
    if language == source_language:
        raise TranslationRefused(_("The source text is edited by the secretariat, not in the translation workspace."))
    if language not in translator_languages(user, partner):
        raise TranslationRefused(_("You may not translate into this language."))


# --- Units: the translatable fields of a scope ---------------------------------------------


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


def scope_objects(curriculum, module=None):
    """(key prefix, label, object) of everything translated in a curriculum or one of its modules, in reading order."""
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


def _records_for(objects, *, with_source_text=True):
    """Every record of these objects, in one query (without the stored source texts unless asked: they are long)."""
    by_type = {}
    for obj in objects:
        by_type.setdefault(_content_type(obj).pk, []).append(obj.pk)
    if not by_type:
        return {}
    condition = Q()
    for content_type_id, ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    return {
        (record.content_type_id, record.object_id, record.field, record.language): record
        for record in TranslationRecord.objects.filter(condition).defer(*([] if with_source_text else ["source_text"]))
    }


def scope_units(*, curriculum, languages, module=None, items=None, with_source_text=True):
    """The units of a curriculum (or one module) in each language, by language, with their records."""
    items = items if items is not None else scope_objects(curriculum, module)
    records = _records_for([obj for _prefix, _label, obj in items], with_source_text=with_source_text)
    labels = _field_labels()
    source_language = curriculum.source_language
    result = {language: [] for language in languages}
    for prefix, label, obj in items:
        content_type_id = _content_type(obj).pk
        for field in TRANSLATED_FIELDS[type(obj)]:
            source = _value(obj, field, source_language)
            if not source.strip():
                continue
            source_digest, words = text_hash(source), word_count(source)
            for language in languages:
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
                        translation=_value(obj, field, language),
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


def curriculum_progress(*, curriculum, languages):
    """The progress matrix: for each row (the curriculum's own fields, then each module) and language, words by state.

    A constant number of queries: modules, blocks, records.
    """
    items = scope_objects(curriculum)
    units = scope_units(curriculum=curriculum, languages=languages, items=items, with_source_text=False)
    rows, totals = {}, {language: Progress() for language in languages}
    order = []
    for prefix, label, obj in items:
        if isinstance(obj, Block):
            continue
        row_key = "curriculum" if isinstance(obj, Curriculum) else prefix
        rows[row_key] = {"key": row_key, "label": label, "obj": obj, "cells": {lang: Progress() for lang in languages}}
        order.append(row_key)
    for language, language_units in units.items():
        for unit in language_units:
            if unit.key.startswith("curriculum:"):
                row_key = "curriculum"
            else:
                module_slug = unit.key.split(":", 2)[1].split("/", 1)[0]
                row_key = f"module:{module_slug}"
            rows[row_key]["cells"][language].add(unit)
            totals[language].add(unit)
    return [rows[key] for key in order], totals


# --- Saving a translation ------------------------------------------------------------------


class TranslationConflict(Exception):
    """The translation or its source changed since the translator loaded it; nothing was saved."""

    def __init__(self, message, *, current_translation, current_source):
        super().__init__(message)
        self.current_translation = current_translation
        self.current_source = current_source


def translation_validate(*, field, text):
    """Problems with a translated text, as messages (empty if it is fine)."""
    problems = []
    if field in SHORT_FIELDS and len(text) > SHORT_FIELDS[field]:
        problems.append(_("is longer than %(max)s characters") % {"max": SHORT_FIELDS[field]})
    if "\x00" in text:
        problems.append(_("contains a NUL character"))
    markup = (
        disallowed_markup(text) if field in MARKDOWN_FIELDS else (["<…>"] if re.search(r"<[a-zA-Z!/]", text) else [])
    )
    if markup:
        problems.append(_("contains markup that is not allowed: %(markup)s") % {"markup": ", ".join(markup[:5])})
    return problems


@transaction.atomic
def translation_save(
    *, user, obj, field, language, text, base_translation_hash, base_source_hash, mark_current=False, partner=None
):
    """Save one translation if nobody changed it (or its source) since it was loaded; it becomes current.

    Returns True if something changed. `mark_current` confirms an unchanged
    stale translation as still right.
    """
    source_language = source_language_of(obj)
    translation_check_allowed(user=user, language=language, source_language=source_language, partner=partner)
    if field not in TRANSLATED_FIELDS.get(type(obj), ()):
        raise TranslationRefused(_("This field is not translated."))
    text = (text or "").replace("\r\n", "\n").strip()
    problems = translation_validate(field=field, text=text)
    if problems:
        raise ValueError("; ".join(problems))
    # Lock the row: two translators saving the same field at once are serialised, the second sees a conflict.
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    current, source = _value(locked, field, language), _value(locked, field, source_language)
    if text_hash(current) != base_translation_hash or text_hash(source) != base_source_hash:
        raise TranslationConflict(
            _("Someone changed this text since you opened the page; your version is kept below for you to compare."),
            current_translation=current,
            current_source=source,
        )
    if text_hash(text) == text_hash(current) and not mark_current:
        return False
    setattr(obj, f"{field}_{language}", text)
    obj.save(update_fields=[f"{field}_{language}"])  # the post_save signal records a changed translation
    if text:
        TranslationRecord.objects.update_or_create(
            content_type=_content_type(obj),
            object_id=obj.pk,
            field=field,
            language=language,
            defaults={
                "source_hash": text_hash(source),
                "source_text": source,
                "translation_hash": text_hash(text),
                "translated_at": timezone.now(),
                "translated_by": user,
                "review_state": ReviewState.NEEDS_REVIEW,  # a draft: translations.review.translation_save_draft
                **({"approved_hash": ""} if mark_current else {}),  # approved for the old source: void
            },
        )
    return True


def stale_languages_of_blocks(blocks):
    """Snapshot facts: for each block, the languages whose title or body translation is stale (one query)."""
    by_pk = {block.pk: block for block in blocks if block.pk}
    stale = {}
    for (_type, pk, field, language), record in _records_for(by_pk.values(), with_source_text=False).items():
        block = by_pk[pk]
        source = _value(block, field, source_language_of(block))
        if record.source_hash != text_hash(source) and _value(block, field, language).strip():
            stale.setdefault(pk, set()).add(language)
    return {pk: {"stale": sorted(languages)} for pk, languages in stale.items()}
