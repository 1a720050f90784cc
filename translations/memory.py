"""Translation memory: every saved translation split into sentence pairs, and the closest ones for a text to translate.

Kept current from the same saves that keep staleness records (post_save of translated
content and of its records), rebuilt whole with `manage.py memory_rebuild`. A search
finds a sentence's exact matches by hash, shortlists fuzzy candidates in the database
(memory_shortlist.py: rare words, then pg_trgm similarity on PostgreSQL, bm25 on SQLite)
and scores the shortlist here with one similarity, so a match reads the same percentage
on either database. Memory from a partner's private edition only reaches people who may
see that edition.
"""

import difflib
import hashlib
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from curriculum.changes import word_diff
from curriculum.models import Block, BlockAdaptation, Curriculum, Edition, LocalBlock, Module, Partner
from curriculum.roles import can_view_edition

from .memory_shortlist import memory_shortlist
from .models import MemorySegment, TranslationRecord
from .segmenting import segment_pairs, segment_text, segment_tokens, segments_assemble
from .services import TRANSLATED_FIELDS, source_language_of

# A partner's own text (an override, a local block) is memory too, whether or not it is registered as translated content.
PARTNER_FIELDS = {BlockAdaptation: ("title", "body"), LocalBlock: ("title", "body")}
# Matches below this are noise; a whole text is pre-filled only when each of its sentences matches at least this well.
MIN_PERCENT = 50
PREFILL_MIN_PERCENT = 70
MATCHES_PER_SEGMENT = 3


def memory_fields(model):
    return TRANSLATED_FIELDS.get(model) or PARTNER_FIELDS.get(model) or ()


def segment_hash(source_language, text):
    return hashlib.sha256(f"{source_language}:{text}".encode()).hexdigest()


def _origin(obj):
    """(curriculum id, module id, partner id, source language) of translated content; None if it is no memory."""
    if isinstance(obj, Curriculum):
        return obj.pk, None, None, obj.source_language
    if isinstance(obj, Module):
        return obj.curriculum_id, obj.pk, None, source_language_of(obj)
    if isinstance(obj, Block):
        return obj.module.curriculum_id, obj.module_id, None, source_language_of(obj)
    if isinstance(obj, BlockAdaptation | LocalBlock):
        if isinstance(obj, BlockAdaptation) and obj.action != BlockAdaptation.Action.OVERRIDE:
            return None
        edition = obj.edition
        return edition.curriculum_id, obj.module_id, edition.partner_id, edition.curriculum.source_language
    return None


def _segments_of(obj, records):
    """The memory segments of one object's translations (unsaved), from the source each translation was made for."""
    origin = _origin(obj)
    if origin is None or obj.pk is None:
        return []
    curriculum_id, module_id, partner_id, source_language = origin
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    segments = []
    for name in memory_fields(type(obj)):
        current_source = getattr(obj, f"{name}_{source_language}", None) or ""
        for language in settings.LANGUAGE_CODES:
            translation = getattr(obj, f"{name}_{language}", None) or ""
            if language == source_language or not translation.strip():
                continue
            record = records.get((name, language))
            # A stale translation still translates the source it was made for, which its record keeps.
            source = record.source_text if record is not None and record.source_text else current_source
            for position, (source_segment, target_segment) in enumerate(segment_pairs(source, translation)):
                segments.append(
                    MemorySegment(
                        source_language=source_language,
                        language=language,
                        source=source_segment,
                        source_hash=segment_hash(source_language, source_segment),
                        target=target_segment,
                        content_type=content_type,
                        object_id=obj.pk,
                        field=name,
                        position=position,
                        curriculum_id=curriculum_id,
                        module_id=module_id,
                        partner_id=partner_id,
                    )
                )
    return segments


def _records_by_field(content_type, object_ids):
    records = {}
    for record in TranslationRecord.objects.filter(content_type=content_type, object_id__in=object_ids):
        records.setdefault(record.object_id, {})[(record.field, record.language)] = record
    return records


def _fingerprint(segment):
    return (segment.field, segment.language, segment.position, segment.source, segment.target, segment.partner_id)


@transaction.atomic
def memory_index_object(*, obj):
    """Make the memory of one object's translations what they are now (nothing is written if nothing changed)."""
    if not memory_fields(type(obj)) or obj.pk is None:
        return 0
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    records = _records_by_field(content_type, [obj.pk]).get(obj.pk, {})
    segments = _segments_of(obj, records)
    stored = MemorySegment.objects.filter(content_type=content_type, object_id=obj.pk)
    if sorted(map(_fingerprint, stored)) == sorted(map(_fingerprint, segments)):
        return 0
    stored.delete()
    MemorySegment.objects.bulk_create(segments)
    return len(segments)


def memory_forget_object(*, obj):
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    MemorySegment.objects.filter(content_type=content_type, object_id=obj.pk).delete()


def _memory_querysets():
    return [
        Curriculum.objects.all(),
        Module.objects.select_related("curriculum"),
        Block.objects.select_related("module__curriculum"),
        BlockAdaptation.objects.filter(action=BlockAdaptation.Action.OVERRIDE).select_related("edition__curriculum"),
        LocalBlock.objects.select_related("edition__curriculum"),
    ]


@transaction.atomic
def memory_rebuild(*, batch_size=500):
    """Build the whole memory again from every translation on the platform; returns the number of segments."""
    MemorySegment.objects.all().delete()
    total = 0
    for queryset in _memory_querysets():
        content_type = ContentType.objects.get_for_model(queryset.model, for_concrete_model=True)
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            chunk = list(queryset.filter(pk__in=ids[start : start + batch_size]))
            records = _records_by_field(content_type, [obj.pk for obj in chunk])
            segments = [segment for obj in chunk for segment in _segments_of(obj, records.get(obj.pk, {}))]
            MemorySegment.objects.bulk_create(segments, batch_size=batch_size)
            total += len(segments)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE translations_memorysegment")  # the word statistics the shortlist reads
    return total


# --- Keeping it current --------------------------------------------------------------------


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        memory_index_object(obj=instance)


def _record_saved(sender, instance, raw=False, **kwargs):
    # "Still right" and minor edits change only the record: the translation now stands for the new source.
    if not raw and instance.content_object is not None:
        memory_index_object(obj=instance.content_object)


def _deleted(sender, instance, **kwargs):
    memory_forget_object(obj=instance)


def connect():
    """After the staleness records' receivers (apps.py connects those first): memory reads the records."""
    for model in {*TRANSLATED_FIELDS, *PARTNER_FIELDS}:
        post_save.connect(_saved, sender=model, dispatch_uid=f"memory-index-{model._meta.label}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"memory-forget-{model._meta.label}")
    post_save.connect(_record_saved, sender=TranslationRecord, dispatch_uid="memory-index-record")


# --- Who may see what ----------------------------------------------------------------------


def memory_hidden_scopes(user):
    """(curriculum id, partner id) of every partner text this person may not see: private editions and their affiliates'."""
    user = user or AnonymousUser()
    private = Edition.objects.filter(is_private=True).prefetch_related("shared_with")
    hidden = {(edition.curriculum_id, edition.partner_id) for edition in private if not can_view_edition(user, edition)}
    if not hidden:
        return set()
    lineages = Partner.objects.values_list("pk", "lineage_ids")
    return {
        (curriculum_id, partner_id)
        for curriculum_id, root in hidden
        for partner_id, lineage in lineages
        if root in (lineage or [partner_id])
    }


def _visible(hidden):
    condition = Q()
    for curriculum_id, partner_id in sorted(hidden):
        condition |= Q(curriculum_id=curriculum_id, partner_id=partner_id)
    return ~condition if hidden else Q()


# --- Searching -----------------------------------------------------------------------------


def _token_matcher(query):
    """A matcher holding the sentence being translated: difflib analyses its second sequence once, for every candidate."""
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(segment_tokens(query))
    return matcher


def _percent(matcher, query, source):
    if query == source:
        return 100
    source_tokens = segment_tokens(source)
    shorter, longer = sorted((len(matcher.b), len(source_tokens)))
    if 200 * shorter < MIN_PERCENT * (shorter + longer):
        return 0  # the lengths alone keep it below the threshold: not scored in full
    matcher.set_seq1(source_tokens)
    return min(99, math.floor(matcher.ratio() * 100))


def match_percent(query, source):
    """How alike two segments are, 0–100: the share of words and punctuation they have in common, in order.

    difflib's ratio over tokens, as CAT tools count fuzzy matches by words (a ratio over
    characters puts any two English sentences near 50%, sharing "e", "a", " "). Case
    does not count, except that only the same text is 100. Below MIN_PERCENT it may say 0.
    """
    return _percent(_token_matcher(query), query, source)


@dataclass
class MemoryMatch:
    """An earlier translation of a similar sentence, how alike its source is, and where it was translated."""

    query: str
    source: str
    target: str
    percent: int
    curriculum: object
    module: object
    partner: object
    language: str

    @property
    def is_exact(self):
        return self.percent == 100

    def source_diff_html(self):
        """How the memory's source differs from the sentence being translated, word by word."""
        return word_diff(self.source, self.query)


@dataclass
class SegmentMatches:
    text: str
    matches: list = field(default_factory=list)

    @property
    def best(self):
        return self.matches[0] if self.matches else None


@dataclass
class UnitMemory:
    """The memory's matches for one unit: per sentence of its source, and the whole text when every sentence has one."""

    segments: list
    pretranslation: str = ""
    pretranslation_percent: int = 0

    @property
    def has_matches(self):
        return any(segment.matches for segment in self.segments)

    @property
    def is_exact(self):
        return bool(self.pretranslation) and self.pretranslation_percent == 100


_CANDIDATE_FIELDS = (
    "id", "source", "target", "language", "content_type_id", "object_id", "field", "curriculum_id", "module_id",
    "partner_id",
)  # fmt: skip


def _candidates(texts, source_language, language, hidden):
    """Per sentence, the memory segments worth scoring: its exact matches, else the database's fuzzy shortlist.

    A sentence with a 100% match is not searched fuzzily: nothing fuzzy would rank above it.
    """
    by_hash = {segment_hash(source_language, text): text for text in texts}
    exact = MemorySegment.objects.filter(language=language, source_hash__in=by_hash).filter(_visible(hidden))
    exact_ids = {}
    for segment_id, digest in exact.values_list("id", "source_hash"):
        exact_ids.setdefault(by_hash[digest], []).append(segment_id)
    fuzzy = [text for text in texts if text not in exact_ids]
    shortlist = memory_shortlist(texts=fuzzy, source_language=source_language, language=language, hidden=hidden)
    wanted = {segment_id for ids in [*shortlist.values(), *exact_ids.values()] for segment_id in ids}
    # Plain values: building model instances for a hundred candidates cost more than the search itself.
    rows = {row["id"]: row for row in MemorySegment.objects.filter(pk__in=wanted).values(*_CANDIDATE_FIELDS)}
    return {text: [rows[i] for i in exact_ids.get(text) or shortlist.get(text, []) if i in rows] for text in texts}


def _scored(text, candidates, exclude):
    matches, seen, matcher = [], set(), _token_matcher(text)
    for row in sorted(candidates, key=lambda row: -row["id"]):  # newest first among equals
        if (row["content_type_id"], row["object_id"], row["field"]) in exclude or (
            row["source"],
            row["target"],
        ) in seen:
            continue
        percent = _percent(matcher, text, row["source"])
        if percent >= MIN_PERCENT:
            seen.add((row["source"], row["target"]))
            matches.append(
                MemoryMatch(
                    query=text,
                    source=row["source"],
                    target=row["target"],
                    percent=percent,
                    curriculum=row["curriculum_id"],
                    module=row["module_id"],
                    partner=row["partner_id"],
                    language=row["language"],
                )
            )
    matches.sort(key=lambda match: (-match.percent, match.partner is not None))  # stable: newest first
    return matches[:MATCHES_PER_SEGMENT]


def _origins_load(memories):
    """Replace the ids of where each match came from by the curriculum, module and partner (three queries at most)."""
    matches = [match for memory in memories for segment in memory.segments for match in segment.matches]
    for attribute, model in (("curriculum", Curriculum), ("module", Module), ("partner", Partner)):
        ids = {getattr(match, attribute) for match in matches} - {None}
        objects = model.objects.in_bulk(ids) if ids else {}
        for match in matches:
            setattr(match, attribute, objects.get(getattr(match, attribute)))


def memory_matches(*, units, language, user):
    """For each unit (translations.services.Unit) of one language, by key, what memory offers for its sentences.

    A unit's own translation is not offered to it while it is current. Searches the
    sentences of all the units at once (one fuzzy query on PostgreSQL).
    """
    hidden = memory_hidden_scopes(user)
    segmented = {unit.key: segment_text(unit.source) for unit in units}
    result = {}
    by_source_language = {}
    for unit in units:
        by_source_language.setdefault(unit.source_language, set()).update(s.text for s in segmented[unit.key])
    candidates = {}
    for source_language, texts in by_source_language.items():
        found = _candidates(sorted(texts), source_language, language, hidden)
        candidates.update({(source_language, text): found[text] for text in found})
    for unit in units:
        content_type = ContentType.objects.get_for_model(unit.obj, for_concrete_model=True)
        exclude = {(content_type.pk, unit.obj.pk, unit.field)} if unit.status == "current" else set()
        segments = [
            SegmentMatches(
                text=segment.text,
                matches=_scored(segment.text, candidates.get((unit.source_language, segment.text), []), exclude),
            )
            for segment in segmented[unit.key]
        ]
        memory = UnitMemory(segments=segments)
        if segments and all(s.best and s.best.percent >= PREFILL_MIN_PERCENT for s in segments):
            memory.pretranslation = segments_assemble(
                unit.source, segmented[unit.key], [s.best.target for s in segments]
            )
            memory.pretranslation_percent = min(s.best.percent for s in segments)
        result[unit.key] = memory
    _origins_load(result.values())
    return result


def memory_pretranslations(*, units, language, user):
    """For each untranslated unit the memory can fill whole: (text, lowest match percent), by key."""
    empty = [unit for unit in units if not unit.translation.strip()]
    matches = memory_matches(units=empty, language=language, user=user) if empty else {}
    return {
        key: (memory.pretranslation, memory.pretranslation_percent)
        for key, memory in matches.items()
        if memory.pretranslation
    }
