"""Services of content translation: staleness records, permissions, progress, the editor's saves."""

import hashlib
import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.markup import disallowed_markup
from curriculum.models import Block, Curriculum, EditionText, Module
from curriculum.roles import is_secretariat
from curriculum.translated import BLOCK_FIELDS, CURRICULUM_FIELDS, MODULE_FIELDS

from .models import ReviewState, TranslationRecord, TranslatorGrant

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
    if isinstance(obj, EditionText):
        return obj.source_language
    return settings.LANGUAGE_CODE


def content_type_of(obj_or_model):
    return ContentType.objects.get_for_model(obj_or_model, for_concrete_model=True)


def value_in(obj, field, language):
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
    content_type = content_type_of(obj)
    records = {
        (record.field, record.language): record
        for record in TranslationRecord.objects.filter(content_type=content_type, object_id=obj.pk)
    }
    now = timezone.now()
    new, changed, gone = [], [], []
    for field in fields:
        source = value_in(obj, field, source_language)
        for language in settings.LANGUAGE_CODES:
            record = records.pop((field, language), None)
            if language == source_language:
                if record:
                    gone.append(record.pk)
                continue
            translation = value_in(obj, field, language)
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
    return {field: value_in(stored, field, source_language) for field in fields}


def translation_records_keep_current(*, obj, previous_sources):
    """A minor edit of the source (a typo fix): translations that were current before it stay current.

    `previous_sources` is `source_texts(obj)` taken before the edit was saved; a
    translation that was already stale stays stale.
    """
    source_language = source_language_of(obj)
    refreshed = []
    for record in TranslationRecord.objects.filter(content_type=content_type_of(obj), object_id=obj.pk):
        if record.field not in previous_sources or record.source_hash != text_hash(previous_sources[record.field]):
            continue
        source = value_in(obj, record.field, source_language)
        if record.source_hash != text_hash(source):
            record.source_hash, record.source_text = text_hash(source), source
            refreshed.append(record)
    TranslationRecord.objects.bulk_update(refreshed, ["source_hash", "source_text"])
    return len(refreshed)


def translation_records_delete(*, obj):
    TranslationRecord.objects.filter(content_type=content_type_of(obj), object_id=obj.pk).delete()


def translation_records_of(objects, *, with_source_text=True):
    """Every record of these objects, in one query (without the stored source texts unless asked: they are long)."""
    by_type = {}
    for obj in objects:
        by_type.setdefault(content_type_of(obj).pk, []).append(obj.pk)
    if not by_type:
        return {}
    condition = Q()
    for content_type_id, ids in by_type.items():
        condition |= Q(content_type_id=content_type_id, object_id__in=ids)
    return {
        (record.content_type_id, record.object_id, record.field, record.language): record
        for record in TranslationRecord.objects.filter(condition).defer(*([] if with_source_text else ["source_text"]))
    }


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
    if language == source_language and partner is not None:
        raise TranslationRefused(_("The partner's own text is edited in its adaptation workspace, not translated."))
    if language == source_language:
        raise TranslationRefused(_("The source text is edited by the secretariat, not in the translation workspace."))
    if language not in translator_languages(user, partner):
        raise TranslationRefused(_("You may not translate into this language."))


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
    current, source = value_in(locked, field, language), value_in(locked, field, source_language)
    if text_hash(current) != base_translation_hash or text_hash(source) != base_source_hash:
        raise TranslationConflict(
            _("Someone changed this text since you opened the page; your version is kept below for you to compare."),
            current_translation=current,
            current_source=source,
        )
    if text_hash(text) == text_hash(current) and not mark_current:
        return False
    setattr(obj, f"{field}_{language}", text)
    changed = [f"{field}_{language}"]
    if isinstance(obj, EditionText):
        # The partner's adaptation form carries every language: opened before this save, it must
        # conflict rather than write its old copy of the translation back.
        obj.revision = locked.revision + 1
        changed.append("revision")
    obj.save(update_fields=changed)  # the post_save signal records a changed translation
    if text:
        TranslationRecord.objects.update_or_create(
            content_type=content_type_of(obj),
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
    for (_type, pk, field, language), record in translation_records_of(by_pk.values(), with_source_text=False).items():
        block = by_pk[pk]
        source = value_in(block, field, source_language_of(block))
        if record.source_hash != text_hash(source) and value_in(block, field, language).strip():
            stale.setdefault(pk, set()).add(language)
    return {pk: {"stale": sorted(languages)} for pk, languages in stale.items()}
