"""Suggestions back to the core: a partner proposes its own text as the core text; the secretariat accepts or declines.

Accepting writes the text into the core block (or a new core block for a local block),
publishes a new core version that names the partner, and turns the partner's own text back
into inheritance. Either way the partner's members are told by e-mail after the decision is
committed; a failing mail server never undoes a decision.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from .changes import word_diff
from .models import Block, BlockAdaptation, CoreSuggestion, Edition, LocalBlock, Module, Partner
from .publishing import module_publish, module_snapshot
from .translated import language_direction

logger = logging.getLogger(__name__)
Status = CoreSuggestion.Status


class SuggestionError(Exception):
    """A suggestion or a decision that cannot be made; the message says why and nothing was changed."""


class SuggestionDecided(SuggestionError):
    """The suggestion was decided already (a second click, or two reviewers at once)."""

    def __init__(self, suggestion):
        if suggestion.status == Status.ACCEPTED:
            message = _("This suggestion was accepted already: nothing was changed.")
        else:
            message = _("This suggestion was declined already: nothing was changed.")
        super().__init__(message)
        self.suggestion = suggestion


class SuggestionNeedsConfirmation(SuggestionError):
    """Accepting would replace core text newer than what the partner adapted, and nobody confirmed it."""


def _language_name(code):
    return get_language_info(code)["name_translated"]


def _own_text(edition, module, block_key):
    """(kind, the partner's row) for a block of the edition's own layer: an override or a local block."""
    adaptation = BlockAdaptation.objects.filter(
        edition=edition, module=module, block_key=block_key, action=BlockAdaptation.Action.OVERRIDE
    ).first()
    if adaptation is not None:
        if not Block.objects.filter(module=module, key=block_key).exists():
            raise SuggestionError(
                _("This block is not in the core: only the core's blocks and your local blocks can be suggested.")
            )
        return CoreSuggestion.Kind.OVERRIDE, adaptation
    local = LocalBlock.objects.filter(edition=edition, module=module, key=block_key).first()
    if local is not None:
        return CoreSuggestion.Kind.LOCAL, local
    raise SuggestionError(_("This block has no own text in your edition any more: there is nothing to suggest."))


def suggestion_draft(*, edition, module, block_key):
    """The suggestion the edition's own text for a block makes (unsaved); SuggestionError when there is none to make."""
    kind, own = _own_text(edition, module, block_key)
    language = edition.curriculum.source_language
    title, body = getattr(own, f"title_{language}", "") or "", getattr(own, f"body_{language}", "") or ""
    if not body.strip():
        raise SuggestionError(
            _("Your text has no %(language)s version, and the core is written in %(language)s: write it there first.")
            % {"language": _language_name(language)}
        )
    suggestion = CoreSuggestion(
        edition=edition,
        module=module,
        block_key=block_key,
        kind=kind,
        language=language,
        title=title,
        body=body,
        source_revision=own.revision,
    )
    if kind == CoreSuggestion.Kind.OVERRIDE:
        core = Block.objects.get(module=module, key=block_key)
        same_title = not title or (getattr(core, f"title_{language}") or "") == title
        if (getattr(core, f"body_{language}") or "") == body and same_title:
            raise SuggestionError(_("Your text is the same as the core text: there is nothing to suggest."))
        suggestion.based_on, suggestion.based_on_version = own.based_on or {}, own.based_on_version
    else:
        suggestion.block_kind, suggestion.after_key = own.kind, own.after_key
    return suggestion


SUGGESTED_FIELDS = [
    "kind", "language", "title", "body", "source_revision", "based_on", "based_on_version", "block_kind", "after_key",
]  # fmt: skip


@transaction.atomic
def suggestion_make(*, edition, module, block_key, message, user=None):
    """Propose the edition's own text for a block as the core text; a second proposal updates the open one.

    Returns (suggestion, created).
    """
    message = (message or "").strip()
    if not message:
        raise SuggestionError(_("Say in a few words why the core should change."))
    # One open suggestion per block: lock the edition so two clicks cannot both create one.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    draft = suggestion_draft(edition=edition, module=module, block_key=block_key)
    suggestion = CoreSuggestion.objects.filter(
        edition=edition, module=module, block_key=block_key, status=Status.OPEN
    ).first()
    created = suggestion is None
    if created:
        suggestion = draft
    else:
        for name in SUGGESTED_FIELDS:
            setattr(suggestion, name, getattr(draft, name))
    suggestion.message = message[:1000]
    suggestion.suggested_by = user
    suggestion.save()
    return suggestion, created


@dataclass
class SuggestionReview:
    """What the secretariat weighs: the suggested text against the current core text, and what changed since."""

    suggestion: CoreSuggestion
    core_title: str
    core_body: str
    diff_html: str
    core_missing: bool = False  # an override of a core block deleted since
    core_changed: bool = False  # the core text is no longer what the partner adapted
    adapted_diff_html: str = ""  # what changed in the core since the partner adapted it
    anchor_missing: bool = False  # a local block placed after a core block deleted since
    unpublished_edits: bool = False  # accepting publishes the module's other draft edits too

    @property
    def direction(self):
        return language_direction(self.suggestion.language)

    @property
    def needs_confirmation(self):
        return self.core_changed or self.unpublished_edits

    @property
    def title_changed(self):
        return bool(self.suggestion.title) and self.suggestion.title != self.core_title


def suggestion_review(*, suggestion, with_drafts=True):
    """The suggestion beside the current core text (the draft rows, which accepting would replace)."""
    language = suggestion.language
    module = suggestion.module
    review = SuggestionReview(suggestion=suggestion, core_title="", core_body="", diff_html="")
    if suggestion.kind == CoreSuggestion.Kind.OVERRIDE:
        core = Block.objects.filter(module=module, key=suggestion.block_key).first()
        if core is None:
            review.core_missing = True
        else:
            review.core_title = getattr(core, f"title_{language}") or ""
            review.core_body = getattr(core, f"body_{language}") or ""
            adapted_title, adapted_body = suggestion.adapted_core_text()
            review.core_changed = not suggestion.based_on or (adapted_title, adapted_body) != (
                review.core_title,
                review.core_body,
            )
            if review.core_changed:
                review.adapted_diff_html = word_diff(adapted_body, review.core_body)
    elif suggestion.after_key:
        review.anchor_missing = not Block.objects.filter(module=module, key=suggestion.after_key).exists()
    review.diff_html = word_diff(review.core_body, suggestion.body)
    if with_drafts:
        latest = module.versions.order_by("-number").first()
        draft = module_snapshot(module, module.blocks.order_by("position", "id"))
        review.unpublished_edits = latest is None or latest.snapshot != draft
    return review


def suggestions_open(*, curriculum=None):
    """Open suggestions, oldest first (the longest waiting is answered first), each with its review."""
    suggestions = CoreSuggestion.objects.filter(status=Status.OPEN).select_related(
        "edition__partner", "edition__curriculum", "module", "suggested_by"
    )
    if curriculum is not None:
        suggestions = suggestions.filter(edition__curriculum=curriculum)
    return [
        suggestion_review(suggestion=suggestion, with_drafts=False)
        for suggestion in suggestions.order_by("created_at", "id")
    ]


def suggestion_counts():
    """Open suggestions per curriculum id, for the workspace index."""
    rows = CoreSuggestion.objects.filter(status=Status.OPEN).values("edition__curriculum").annotate(open=Count("id"))
    return {row["edition__curriculum"]: row["open"] for row in rows}


def _locked_open(suggestion):
    locked = (
        CoreSuggestion.objects.select_for_update().select_related("edition__partner", "module").get(pk=suggestion.pk)
    )
    if not locked.is_open:
        raise SuggestionDecided(locked)
    return locked


def _free_key(module, key, local):
    """The local block's key if no core block or other local block has it, else the first free numbered variant."""
    taken = set(module.blocks.values_list("key", flat=True))
    taken |= set(
        LocalBlock.objects.filter(module=module).exclude(pk=local.pk if local else None).values_list("key", flat=True)
    )
    candidate, number = key, 1
    while candidate in taken:
        number += 1
        candidate = f"{key[:75]}-{number}"
    return candidate


def _descendant_editions(edition):
    """The edition and those of the partner's affiliates (at any depth): the layers built on its blocks."""
    partner_ids = [
        pk for pk, lineage in Partner.objects.values_list("pk", "lineage_ids") if edition.partner_id in (lineage or [])
    ]
    return Edition.objects.filter(curriculum=edition.curriculum, partner_id__in=partner_ids)


def _core_block_from_local(suggestion, local):
    """A new core block at the local block's place; blocks after it move down one."""
    module = suggestion.module
    language = suggestion.language
    anchor = module.blocks.filter(key=suggestion.after_key).first() if suggestion.after_key else None
    if anchor is not None:
        position = anchor.position + 1
    elif suggestion.after_key:  # its anchor left the core: it was shown at the end, it goes there
        position = (max(module.blocks.values_list("position", flat=True), default=0)) + 1
    else:
        position = min(module.blocks.values_list("position", flat=True), default=1)
    module.blocks.filter(position__gte=position).update(position=F("position") + 1)
    key = _free_key(module, suggestion.block_key, local)
    block = Block(module=module, key=key, position=position, kind=suggestion.block_kind)
    setattr(block, f"title_{language}", suggestion.title)
    setattr(block, f"body_{language}", suggestion.body)
    block.save()
    if local is not None:
        editions = _descendant_editions(suggestion.edition)
        if key != suggestion.block_key:
            # Affiliates' adaptations and local blocks that named the local block follow it under its new key.
            BlockAdaptation.objects.filter(edition__in=editions, module=module, block_key=suggestion.block_key).update(
                block_key=key
            )
            LocalBlock.objects.filter(edition__in=editions, module=module, after_key=suggestion.block_key).update(
                after_key=key
            )
        # The partner's local blocks that came after it at the same place stay after it.
        LocalBlock.objects.filter(
            edition=suggestion.edition,
            module=module,
            after_key=local.after_key,
            position__gt=local.position,
        ).update(after_key=key)
    return block


def _core_block_from_override(suggestion):
    language = suggestion.language
    block = Block.objects.select_for_update().filter(module=suggestion.module, key=suggestion.block_key).first()
    if block is None:
        raise SuggestionError(
            _("The core no longer has this block: decline the suggestion, or add the block in the admin.")
        )
    if suggestion.title:
        setattr(block, f"title_{language}", suggestion.title)
    setattr(block, f"body_{language}", suggestion.body)
    # A save, not an update: translations of the old text become stale through the usual signal.
    block.save()
    return block


def _change_note(suggestion):
    with translation.override(suggestion.edition.curriculum.source_language):
        attribution = _("Suggested by %(partner)s") % {"partner": suggestion.edition.partner.name}
    return f"{attribution}: {suggestion.message}"[:300]


@transaction.atomic
def suggestion_accept(*, suggestion, user, confirmed=False, reason=""):
    """Make the suggested text the core text, publish the module naming the partner, and turn the partner's text into inheritance."""
    suggestion = _locked_open(suggestion)
    Module.objects.select_for_update().filter(pk=suggestion.module_id).first()
    review = suggestion_review(suggestion=suggestion)
    if review.core_missing:
        raise SuggestionError(
            _("The core no longer has this block: decline the suggestion, or add the block in the admin.")
        )
    if review.needs_confirmation and not confirmed:
        raise SuggestionNeedsConfirmation(
            _(
                "The core changed since the partner adapted this block, or the module has unpublished edits. Compare, then confirm to replace the core text."
            )
        )
    edition, module = suggestion.edition, suggestion.module
    if suggestion.kind == CoreSuggestion.Kind.OVERRIDE:
        _core_block_from_override(suggestion)
        own = BlockAdaptation.objects.filter(edition=edition, module=module, block_key=suggestion.block_key).first()
    else:
        own = LocalBlock.objects.filter(edition=edition, module=module, key=suggestion.block_key).first()
        _core_block_from_local(suggestion, own)
    # The partner's text is now the core's: it inherits again, unless it edited the block after suggesting.
    if own is not None and own.revision == suggestion.source_revision:
        own.delete()
    suggestion.core_version = module_publish(module=module, user=user, change_note=_change_note(suggestion))
    _decide(suggestion, Status.ACCEPTED, user, reason)
    return suggestion


@transaction.atomic
def suggestion_decline(*, suggestion, user, reason):
    """Decline a suggestion with a reason the partner reads; the core and the partner's text stay as they are."""
    reason = (reason or "").strip()
    if not reason:
        raise SuggestionError(_("Give the partner a reason for declining."))
    suggestion = _locked_open(suggestion)
    _decide(suggestion, Status.DECLINED, user, reason)
    return suggestion


def _decide(suggestion, status, user, reason):
    suggestion.status = status
    suggestion.decision_reason = (reason or "").strip()[:1000]
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save()
    pk = suggestion.pk
    transaction.on_commit(lambda: suggestion_notify(suggestion_id=pk))


def _mail_language(partner, fallback):
    return next((code for code in partner.languages or [] if code in settings.LANGUAGE_CODES), fallback)


def suggestion_notify(*, suggestion_id):
    """E-mail the partner's members the decision on their suggestion; a mail failure is logged, never raised."""
    try:
        suggestion = CoreSuggestion.objects.select_related("edition__partner", "edition__curriculum", "module").get(
            pk=suggestion_id
        )
        edition = suggestion.edition
        recipients = list(
            get_user_model()
            .objects.filter(partner_memberships__partner=edition.partner, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not recipients:
            return 0
        with translation.override(_mail_language(edition.partner, edition.curriculum.source_language)):
            link = settings.SITE_URL + reverse(
                "workspace:module",
                kwargs={
                    "curriculum_slug": edition.curriculum.slug,
                    "partner_slug": edition.partner.slug,
                    "module_slug": suggestion.module.slug,
                },
            )
            values = {
                "block": suggestion.title or suggestion.block_key,
                "module": suggestion.module.title,
                "link": link,
            }
            if suggestion.status == Status.ACCEPTED:
                subject = _("Your suggestion is now the core text")
                text = (
                    _(
                        "The secretariat accepted your suggestion for “%(block)s” (%(module)s). It is now the core "
                        "text, and your edition follows it again.\n\n%(link)s"
                    )
                    % values
                )
            else:
                subject = _("Your suggestion to the core was declined")
                text = (
                    _(
                        "The secretariat declined your suggestion for “%(block)s” (%(module)s). Your own text stays "
                        "in your edition.\n\n%(link)s"
                    )
                    % values
                )
            if suggestion.decision_reason:
                text += "\n\n" + _("Their reason: %(reason)s") % {"reason": suggestion.decision_reason}
        for address in recipients:
            send_mail(subject, text, None, [address])
        return len(recipients)
    except Exception:
        logger.exception("Could not tell the partner about the decision on suggestion %s", suggestion_id)
        return 0
