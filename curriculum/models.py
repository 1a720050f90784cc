from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Curriculum(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    source_language = models.CharField(_("source language"), max_length=8, choices=settings.LANGUAGES, default="en")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Only published curricula reach trainers.")
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
    snapshot = models.JSONField(_("snapshot"))
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
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="partners/logos/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name

    @property
    def is_affiliate(self):
        return self.parent_id is not None

    def lineage(self):
        """The partner and its ancestors, nearest first (affiliate, partner)."""
        chain, seen, node = [], set(), self
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


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
