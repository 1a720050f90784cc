from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .fields import SnapshotField
from .geography import public_location


class Curriculum(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    source_language = models.CharField(_("source language"), max_length=8, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published curricula reach trainers.")
    )
    approved_translations_only = models.BooleanField(
        _("approved translations only"),
        default=False,
        help_text=_(
            "Published pages and PDFs of every edition show only translations a reviewer approved; "
            "the others fall back along the language chain."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")

    def __str__(self):
        return self.title_en or self.slug

    def get_absolute_url(self):
        return reverse("curriculum:detail", kwargs={"slug": self.slug})


class Module(models.Model):
    class Kind(models.TextChoices):
        GUIDE = "guide", _("Facilitation guide")
        SESSION = "session", _("Session")
        APPENDIX = "appendix", _("Appendix")

    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="modules", verbose_name=_("curriculum")
    )
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SESSION)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["curriculum", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "slug"], name="module_slug_unique_in_curriculum")]
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self):
        return f"{self.curriculum.slug}/{self.slug}"


class Block(models.Model):
    class Kind(models.TextChoices):
        OBJECTIVES = "objectives", _("Objectives")
        MATERIALS = "materials", _("Materials")
        FACILITATOR_NOTE = "facilitator_note", _("Facilitator note")
        SCENARIO = "scenario", _("Scenario")
        DISCUSSION = "discussion", _("Discussion")
        EXERCISE = "exercise", _("Exercise")
        HANDOUT = "handout", _("Handout")
        SUMMARY = "summary", _("Summary")
        TEXT = "text", _("Text")

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("module"))
    # A stable name within the module: translations, adaptations and versions
    # refer to blocks by key, so reordering never breaks them.
    key = models.SlugField(_("key"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown. HTML is removed on output."))

    class Meta:
        ordering = ["module", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["module", "key"], name="block_key_unique_in_module")]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")

    def __str__(self):
        return f"{self.module}/{self.key}"


class ModuleVersion(models.Model):
    """An immutable snapshot of a module, every language, taken when it is published."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="versions", verbose_name=_("module"))
    number = models.PositiveIntegerField(_("number"))
    snapshot = SnapshotField(_("snapshot"))
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("published by")
    )

    class Meta:
        ordering = ["module", "-number"]
        constraints = [models.UniqueConstraint(fields=["module", "number"], name="module_version_number_unique")]
        verbose_name = _("module version")
        verbose_name_plural = _("module versions")

    def __str__(self):
        return f"{self.module} v{self.number}"


class Partner(models.Model):
    class LocationVisibility(models.TextChoices):
        EXACT = "exact", _("Exact point")
        CITY = "city", _("City only")
        COUNTRY = "country", _("Country only")
        HIDDEN = "hidden", _("Hidden")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliates",
        verbose_name=_("parent partner"),
        help_text=_("Set for an affiliate: it adapts its parent partner's edition."),
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    city = models.CharField(_("city"), max_length=120, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Many partners work where activists are watched: the public sees no more than the partner chose
    # (curriculum/geography.py), and a new partner starts at country level.
    location_visibility = models.CharField(
        _("location shown to the public"),
        max_length=10,
        choices=LocationVisibility.choices,
        default=LocationVisibility.COUNTRY,
        help_text=_("The map, partner pages and PDFs show no more than this; hidden partners are not listed."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    # [self, parent, grandparent...] kept on the row, so an edition's whole
    # chain of layers is found in one query, however deep the affiliates go.
    lineage_ids = models.JSONField(_("lineage"), default=list, blank=True, editable=False)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        lineage = [self.pk, *(self.parent.lineage_ids if self.parent_id else [])]
        if lineage != self.lineage_ids:
            self.lineage_ids = lineage
            Partner.objects.filter(pk=self.pk).update(lineage_ids=lineage)
            for affiliate in self.affiliates.all():
                affiliate.save()

    def clean(self):
        super().clean()
        if self.pk and self.parent_id and self.pk in (self.parent.lineage_ids or [self.parent_id]):
            raise ValidationError({"parent": _("A partner cannot be its own affiliate.")})

    @property
    def is_affiliate(self):
        return self.parent_id is not None

    def public_location(self):
        """What the public may see of where this partner is, or None when it chose to be hidden."""
        return public_location(self)


class PartnerMembership(models.Model):
    """An editor of a partner (or affiliate) organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partner_memberships", verbose_name=_("user")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("partner")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "partner"], name="membership_unique")]
        verbose_name = _("partner membership")
        verbose_name_plural = _("partner memberships")

    def __str__(self):
        return f"{self.user} @ {self.partner}"


class Edition(models.Model):
    """A partner's (or affiliate's) adaptation of a curriculum: block-level layers over its upstream."""

    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="editions", verbose_name=_("curriculum")
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="editions", verbose_name=_("partner"))
    # A partner working where its adaptation could endanger it keeps it to its own members
    # (and the affiliates it chooses): curriculum.roles.can_view_edition is the one rule.
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Only the partner's members, the affiliates chosen below and the secretariat see it."),
    )
    approved_translations_only = models.BooleanField(
        _("approved translations only"),
        default=False,
        help_text=_(
            "Published pages and PDFs of this edition show only translations a reviewer approved; "
            "the others fall back along the language chain."
        ),
    )
    shared_with = models.ManyToManyField(
        Partner,
        blank=True,
        related_name="shared_editions",
        verbose_name=_("affiliates that may see it"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["curriculum", "partner__name"]
        constraints = [models.UniqueConstraint(fields=["curriculum", "partner"], name="edition_unique_per_partner")]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")

    def __str__(self):
        return f"{self.curriculum.slug} · {self.partner.name}"

    @property
    def languages(self):
        """The languages the edition's own text is written and translated in: the core's source, then the partner's."""
        codes = [self.curriculum.source_language, *self.partner.languages]
        return [
            code for index, code in enumerate(codes) if code in settings.LANGUAGE_CODES and code not in codes[:index]
        ]

    @property
    def source_language(self):
        """The language the partner writes its own text in (its first language); the others translate it."""
        return next((code for code in self.partner.languages if code in settings.LANGUAGE_CODES), None) or (
            self.curriculum.source_language
        )


class EditionText:
    """What an override and a local block share: the partner's own text, translated like the core's."""

    @property
    def source_language(self):
        """The edition's source language, or (a block the partner wrote only in another of its languages) that one.

        Without the second rule a Jordanian partner's override written only in English would have no source
        and no translator would ever see it.
        """
        edition = self.edition
        for code in [edition.source_language, *edition.languages]:
            if getattr(self, f"body_{code}", "") or getattr(self, f"title_{code}", ""):
                return code
        return edition.source_language


class BlockAdaptation(EditionText, models.Model):
    """An edition's own text for an upstream block, or the decision to hide it.

    `block_key` names the upstream block (a core block, or a local block of the
    parent partner for an affiliate). `based_on` keeps the upstream text the
    adaptation was made against: when the upstream changes, the editor sees the
    difference and decides.
    """

    class Action(models.TextChoices):
        OVERRIDE = "override", _("Own text")
        HIDE = "hide", _("Hidden")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="adaptations", verbose_name=_("edition")
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+", verbose_name=_("module"))
    block_key = models.SlugField(_("block key"), max_length=80)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    based_on = models.JSONField(_("upstream text adapted"), default=dict, blank=True)
    based_on_version = models.PositiveIntegerField(_("upstream version adapted"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "module", "block_key"], name="adaptation_unique_per_block")
        ]
        verbose_name = _("block adaptation")
        verbose_name_plural = _("block adaptations")

    def __str__(self):
        return f"{self.edition} · {self.module.slug}/{self.block_key} ({self.action})"


class LocalBlock(EditionText, models.Model):
    """A block an edition adds to a module, placed after an upstream block (or at the start)."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="local_blocks", verbose_name=_("edition")
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+", verbose_name=_("module"))
    key = models.SlugField(_("key"), max_length=80)
    after_key = models.SlugField(
        _("after block"), max_length=80, blank=True, help_text=_("Empty: at the start of the module.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=Block.Kind.choices, default=Block.Kind.TEXT)
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["module", "after_key", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "module", "key"], name="local_block_unique_key")]
        verbose_name = _("local block")
        verbose_name_plural = _("local blocks")

    def __str__(self):
        return f"{self.edition} · {self.module.slug}/{self.key} (local)"


class EditionVersion(models.Model):
    """An immutable snapshot of an edition's adaptation layer, taken when the partner publishes it."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="versions", verbose_name=_("edition"))
    number = models.PositiveIntegerField(_("number"))
    snapshot = SnapshotField(_("snapshot"))
    core_versions = models.JSONField(_("core versions"), default=dict, help_text=_("Module slug → version number."))
    change_note = models.CharField(_("change note"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("published by")
    )

    class Meta:
        ordering = ["edition", "-number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="edition_version_number_unique")]
        verbose_name = _("edition version")
        verbose_name_plural = _("edition versions")

    def __str__(self):
        return f"{self.edition} v{self.number}"


class CoreSuggestion(models.Model):
    """A partner's proposal that its own text for a block (an override or a local block) become the core text.

    The suggested text is copied when it is made (in the curriculum's source language), so the
    secretariat decides on exactly what it reviewed; `based_on` is the core text the partner
    adapted, to warn when the core changed since.
    """

    class Kind(models.TextChoices):
        OVERRIDE = "override", _("Own text for a core block")
        LOCAL = "local", _("Local block")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("edition")
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("module"))
    # The core block's key (an override) or the local block's key.
    block_key = models.SlugField(_("block key"), max_length=80)
    kind = models.CharField(_("kind of suggestion"), max_length=10, choices=Kind.choices)
    block_kind = models.CharField(
        _("kind of block"), max_length=20, choices=Block.Kind.choices, default=Block.Kind.TEXT
    )
    after_key = models.SlugField(_("after block"), max_length=80, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("suggested title"), max_length=200, blank=True)
    body = models.TextField(_("suggested text"))
    based_on = models.JSONField(_("core text adapted"), default=dict, blank=True)
    based_on_version = models.PositiveIntegerField(_("core version adapted"), null=True, blank=True)
    # The revision of the partner's block when suggested: a later edit is not silently removed on acceptance.
    source_revision = models.PositiveIntegerField(_("revision suggested"), default=0)
    message = models.TextField(_("why"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision_reason = models.TextField(_("reason given"), max_length=1000, blank=True)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    created_at = models.DateTimeField(_("suggested"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    core_version = models.ForeignKey(
        ModuleVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("core version published"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "module", "block_key"],
                condition=models.Q(status="open"),
                name="one_open_suggestion_per_block",
            )
        ]
        verbose_name = _("suggestion to the core")
        verbose_name_plural = _("suggestions to the core")

    def __str__(self):
        return f"{self.edition} · {self.module.slug}/{self.block_key} ({self.status})"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def adapted_core_text(self):
        """(title, body) of the core block as the partner adapted it, in the suggestion's language."""
        title, body = self.based_on.get("title", ""), self.based_on.get("body", "")
        # Older adaptations recorded the source language's text as plain strings.
        title = title.get(self.language, "") if isinstance(title, dict) else title
        body = body.get(self.language, "") if isinstance(body, dict) else body
        return title or "", body or ""
