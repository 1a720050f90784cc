from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    APPROVED = "approved", _("Approved")


class TranslationRecord(models.Model):
    """What the source of one translated field said when its translation in one language was last made current.

    A translation is stale when the hash of its field's current source text
    differs from `source_hash`. `source_text` is kept to show the translator a
    word-level diff of what changed; `translation_hash` tells a real change of
    the translation apart from a save that merely re-wrote the same text.

    Review (translations/review.py): `review_state` is the current text's state;
    `approved_hash` is the hash of the last text a reviewer approved, kept while
    a newer text waits for review, so a published version holding the approved
    text still prints it where an edition shows approved translations only.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("field"), max_length=40)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    source_hash = models.CharField(_("source hash"), max_length=64)
    source_text = models.TextField(_("source text when translated"), blank=True)
    translation_hash = models.CharField(_("translation hash"), max_length=64)
    translated_at = models.DateTimeField(_("translated"))
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("translated by"),
    )
    review_state = models.CharField(
        _("review state"), max_length=16, choices=ReviewState.choices, default=ReviewState.NEEDS_REVIEW
    )
    approved_hash = models.CharField(_("hash of the approved translation"), max_length=64, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field", "language"], name="translation_record_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="translation_record_object")]
        verbose_name = _("translation record")
        verbose_name_plural = _("translation records")

    def __str__(self):
        return f"{self.content_type.model}:{self.object_id}:{self.field}:{self.language}"

    def review_state_of(self, translation_hash, *, stale=False):
        """The review state of the translation with this hash: approved only while it is the approved, current text."""
        if self.review_state == ReviewState.APPROVED and (stale or self.approved_hash != translation_hash):
            return ReviewState.NEEDS_REVIEW
        return self.review_state


def unit_review_state(unit):
    """The review state of a translation unit ("" if untranslated); see translations/review.py."""
    if unit.status == "missing":
        return ""
    if unit.record is None:
        return ReviewState.NEEDS_REVIEW
    return unit.record.review_state_of(unit.translation_hash, stale=unit.is_stale)


class TranslatorGrant(models.Model):
    """A language a person may translate content into, for the core and every partner or for one partner only.

    With `may_review` the person also approves translations in that scope.
    Membership of the group `translators-<language>` counts as a grant for every
    edition (it is also what django-rosetta reads for interface strings).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="translator_grants", verbose_name=_("user")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="translator_grants",
        verbose_name=_("partner"),
        help_text=_("Leave empty to translate the core curriculum and every partner's editions."),
    )
    may_review = models.BooleanField(
        _("may review"),
        default=False,
        help_text=_("Approves translations in this language (of this partner's editions only, if a partner is set)."),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "language", "partner"], name="translator_grant_unique"),
            models.UniqueConstraint(
                fields=["user", "language"],
                condition=models.Q(partner__isnull=True),
                name="translator_grant_unique_everywhere",
            ),
        ]
        verbose_name = _("translator grant")
        verbose_name_plural = _("translator grants")

    def __str__(self):
        return f"{self.user} → {self.language}" + (f" ({self.partner})" if self.partner_id else "")


class PublishedCatalog(models.Model):
    """The interface catalog of one language as a translator last published it: what every host loads.

    Hosts share no disk, so the database carries the catalog: the validated .po
    text (what rosetta edits next, on whichever host) and its compiled .mo (what
    every web process and worker loads). The row is also the catalog's lock: a
    save holds it `select_for_update` (SQLite: the write lock) from reading the
    catalog to publishing it. Version 0 is a row made only to be locked, never published.
    """

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    domain = models.CharField(_("domain"), max_length=40, default="django")
    po = models.TextField(_("catalog"), blank=True)
    mo = models.BinaryField(_("compiled catalog"), blank=True, default=b"")
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("version"), default=0)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "domain"], name="published_catalog_unique")]
        # Every process reads (language, domain, version) before it serves: the index answers it without the rows.
        indexes = [models.Index(fields=["language", "domain", "version"], name="published_catalog_version")]
        verbose_name = _("published catalog")
        verbose_name_plural = _("published catalogs")

    def __str__(self):
        return f"{self.language}/{self.domain} v{self.version}"


class MemorySegment(models.Model):
    """A sentence (or paragraph) of translated text and its translation in one language: what memory matches.

    Kept by translations/memory.py from every saved translation, with where it came
    from (curriculum, module, the partner whose own text it is). `source` is the
    sentence as `segmenting.segment_key` writes it; `source_hash` finds exact matches
    with an index, the trigram index (PostgreSQL) or the word index (SQLite, an FTS5
    table the migration keeps in step with triggers) shortlists fuzzy ones.
    """

    source_language = models.CharField(_("source language"), max_length=8, choices=settings.LANGUAGES)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    source = models.TextField(_("source segment"))
    source_hash = models.CharField(_("source hash"), max_length=64)
    target = models.TextField(_("translation"))
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("content type"))
    object_id = models.PositiveBigIntegerField(_("object id"))
    field = models.CharField(_("field"), max_length=40)
    position = models.PositiveIntegerField(_("position"))
    curriculum = models.ForeignKey(
        "curriculum.Curriculum", on_delete=models.CASCADE, related_name="+", verbose_name=_("curriculum")
    )
    module = models.ForeignKey(
        "curriculum.Module", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("module")
    )
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
        help_text=_("Set when the text is a partner's own (an override or a local block)."),
    )

    class Meta:
        indexes = [
            models.Index(fields=["language", "source_hash"], name="memory_segment_exact"),
            models.Index(fields=["content_type", "object_id"], name="memory_segment_object"),
        ]
        verbose_name = _("memory segment")
        verbose_name_plural = _("memory segments")

    def __str__(self):
        return f"{self.source_language}→{self.language}: {self.source[:60]}"
