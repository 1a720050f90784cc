"""Review of content translations: draft → needs review → approved, by reviewers granted per language and partner.

Rules (the issue left them to us; a mature tool's defaults):
- saving a translation asks for its review; "save as draft" keeps it from reviewers until
  the translator submits it;
- a reviewer approves the text they saw (its hash is posted and checked under a row lock,
  so a translation changed meanwhile is a conflict, never approved unseen) or sends it back
  to draft with a comment; a changed text (any path: editor, exchange file, admin) needs
  review again; a stale translation (its source changed) cannot be approved before the
  translator updates or confirms it, and confirming voids the approval;
- nobody approves their own translation (four eyes) unless
  `TRANSLATION_REVIEW_OWN_WORK` is set, for a language with one active translator;
- reviewers are translators whose grant says `may_review`, for every edition or one
  partner's (its affiliates included); the secretariat reviews everything.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from curriculum.models import Block, Curriculum, Module
from curriculum.roles import is_secretariat

from .models import ReviewState, TranslationRecord, TranslatorGrant
from .services import (
    TRANSLATED_FIELDS,
    TranslationRefused,
    source_language_of,
    text_hash,
    translation_check_allowed,
    translation_save,
)

MAX_COMMENT = 2000


class ReviewRefused(TranslationRefused):
    """The person may not review this translation; the message says why."""


class ReviewProblem(ValueError):
    """A review that cannot be done as asked (nothing to approve, no comment...); nothing changed."""


class ReviewConflict(Exception):
    """The translation changed since the reviewer loaded it; nothing was reviewed."""

    def __init__(self, message, *, current_translation):
        super().__init__(message)
        self.current_translation = current_translation


# --- Who may review what ---------------------------------------------------------------


def reviewer_languages(user, partner=None):
    """The languages a person may approve translations in, for the core curriculum (or one partner's editions)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_secretariat(user):
        return set(settings.LANGUAGE_CODES)
    scope = Q(partner__isnull=True)
    if partner is not None:
        # Like translating: a grant on a partner covers its affiliates, never the parent or the core.
        scope |= Q(partner__in=partner.lineage_ids or [partner.pk])
    granted = TranslatorGrant.objects.filter(scope, user=user, may_review=True).values_list("language", flat=True)
    return set(granted) & set(settings.LANGUAGE_CODES)


def review_check_allowed(*, user, language, source_language, partner=None):
    if language == source_language:
        raise ReviewRefused(_("The source text is not reviewed as a translation."))
    if language not in reviewer_languages(user, partner):
        raise ReviewRefused(_("You may not review translations into this language."))


def may_review_own_work():
    return settings.TRANSLATION_REVIEW_OWN_WORK


# --- Transitions -----------------------------------------------------------------------------


def _locked_record(*, obj, field, language, reviewed_hash):
    """The record of a translation as it is now, locked; a conflict if the text is not the one reviewed."""
    if field not in TRANSLATED_FIELDS.get(type(obj), ()):
        raise ReviewRefused(_("This field is not translated."))
    # The content row first, like a translator's save: a save and a review of one text are serialised.
    locked = type(obj).objects.select_for_update().get(pk=obj.pk)
    current = getattr(locked, f"{field}_{language}", None) or ""
    if text_hash(current) != reviewed_hash:
        raise ReviewConflict(
            _("The translation changed since you opened the page; read the new text before you review it."),
            current_translation=current,
        )
    if not current.strip():
        raise ReviewProblem(_("There is no translation to review."))
    record = (
        TranslationRecord.objects.select_for_update()
        .filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            field=field,
            language=language,
        )
        .first()
    )
    if record is None:
        raise ReviewProblem(_("This translation has no record yet; save it once in the editor."))
    return record, locked


@transaction.atomic
def translation_approve(*, user, obj, field, language, reviewed_hash, partner=None):
    """Approve the translation the reviewer read (identified by its hash)."""
    source_language = source_language_of(obj)
    review_check_allowed(user=user, language=language, source_language=source_language, partner=partner)
    record, locked = _locked_record(obj=obj, field=field, language=language, reviewed_hash=reviewed_hash)
    if record.source_hash != text_hash(getattr(locked, f"{field}_{source_language}", None) or ""):
        raise ReviewProblem(
            _("The source text changed since this was translated: the translator updates or confirms it first.")
        )
    if record.review_state == ReviewState.DRAFT:
        raise ReviewProblem(_("This translation is a draft: the translator has not submitted it for review."))
    if record.translated_by_id == user.pk and not may_review_own_work():
        raise ReviewRefused(_("You translated this text yourself: another reviewer approves it."))
    record.review_state, record.approved_hash = ReviewState.APPROVED, reviewed_hash
    record.reviewed_by, record.reviewed_at, record.review_comment = user, timezone.now(), ""
    record.save(update_fields=["review_state", "approved_hash", "reviewed_by", "reviewed_at", "review_comment"])
    return record


@transaction.atomic
def translation_send_back(*, user, obj, field, language, reviewed_hash, comment, partner=None):
    """Return a translation to its translator as a draft, with the reviewer's comment; an approval of it is withdrawn."""
    review_check_allowed(user=user, language=language, source_language=source_language_of(obj), partner=partner)
    comment = (comment or "").replace("\r\n", "\n").strip()
    if not comment:
        raise ReviewProblem(_("Say what should change: a translation is sent back with a comment."))
    if len(comment) > MAX_COMMENT:
        raise ReviewProblem(_("The comment is longer than %(max)s characters.") % {"max": MAX_COMMENT})
    record, _locked = _locked_record(obj=obj, field=field, language=language, reviewed_hash=reviewed_hash)
    if record.approved_hash == reviewed_hash:
        record.approved_hash = ""
    record.review_state, record.review_comment = ReviewState.DRAFT, comment
    record.reviewed_by, record.reviewed_at = user, timezone.now()
    record.save(update_fields=["review_state", "approved_hash", "reviewed_by", "reviewed_at", "review_comment"])
    return record


@transaction.atomic
def translation_save_draft(**save):
    """Save a translation like `translation_save`, as a draft: reviewers see it once its translator submits it."""
    changed = translation_save(**save)
    record = TranslationRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(save["obj"], for_concrete_model=True),
        object_id=save["obj"].pk,
        field=save["field"],
        language=save["language"],
    ).first()
    if changed and record is not None:  # none when the translation was emptied
        record.review_state = ReviewState.DRAFT
        record.save(update_fields=["review_state"])  # a save, not an update: the audit trail records it
    return changed


@transaction.atomic
def translation_submit(*, user, obj, field, language, reviewed_hash, partner=None):
    """Submit a draft for review as it is; False if it was not a draft."""
    translation_check_allowed(user=user, language=language, source_language=source_language_of(obj), partner=partner)
    record, _locked = _locked_record(obj=obj, field=field, language=language, reviewed_hash=reviewed_hash)
    if record.review_state != ReviewState.DRAFT:
        return False
    record.review_state = ReviewState.NEEDS_REVIEW
    record.save(update_fields=["review_state"])
    return True


# --- What an approved-only edition may print ------------------------------------------------------


@dataclass(frozen=True)
class Approvals:
    """The approved texts of a curriculum's translations: (kind, ref, field, language, hash of the approved text)."""

    approved: frozenset

    def allows(self, kind, ref, field_name, language, text):
        return (kind, ref, field_name, language, text_hash(text)) in self.approved


def curriculum_approvals(*, curriculum, languages):
    """Every approved translation of a curriculum's content in these languages, in three queries.

    The approved text counts, not the current state: a published version that holds
    the approved text still prints it while a newer text waits for review.
    """
    if not languages:
        return Approvals(frozenset())
    modules = dict(Module.objects.filter(curriculum=curriculum).values_list("pk", "slug"))
    blocks = {
        pk: f"{module_slug}/{key}"
        for pk, module_slug, key in Block.objects.filter(module__curriculum=curriculum).values_list(
            "pk", "module__slug", "key"
        )
    }
    types = ContentType.objects.get_for_models(Curriculum, Module, Block, for_concrete_models=True)
    refs = {
        types[Curriculum].pk: ("curriculum", {curriculum.pk: curriculum.slug}),
        types[Module].pk: ("module", modules),
        types[Block].pk: ("block", blocks),
    }
    records = TranslationRecord.objects.filter(
        Q(content_type=types[Curriculum], object_id=curriculum.pk)
        | Q(content_type=types[Module], object_id__in=Module.objects.filter(curriculum=curriculum).values("pk"))
        | Q(content_type=types[Block], object_id__in=Block.objects.filter(module__curriculum=curriculum).values("pk")),
        language__in=languages,
    ).exclude(approved_hash="")
    approved = set()
    for content_type_id, object_id, field, language, digest in records.values_list(
        "content_type_id", "object_id", "field", "language", "approved_hash"
    ):
        kind, by_pk = refs[content_type_id]
        if object_id in by_pk:
            approved.add((kind, by_pk[object_id], field, language, digest))
    return Approvals(frozenset(approved))
