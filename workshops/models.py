from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from curriculum.roles import is_secretariat

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class PartnerScopedQuerySet(models.QuerySet):
    def editable_by(self, user):
        """Everything for the secretariat; a partner editor's own partners' records only.

        An editor of a partner does not see its affiliates' records: affiliates are
        autonomous organisations that record their own (the secretariat sees both).
        """
        if is_secretariat(user):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(partner__memberships__user=user)


class Person(models.Model):
    """A facilitator or trainee; linked to the ToT where she was trained, when she was."""

    name = models.CharField(_("name"), max_length=200)
    partner = models.ForeignKey(
        "curriculum.Partner", on_delete=models.PROTECT, related_name="people", verbose_name=_("partner")
    )
    trained_at = models.ForeignKey(
        "Workshop",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainees",
        verbose_name=_("trained at"),
        help_text=_("The Training of Trainers where she was trained."),
    )
    # Names are seen by the partner and the secretariat only; a public report (the yearly review)
    # names a person only when her consent is recorded here.
    publish_consent = models.BooleanField(
        _("agreed to be named in public reports"),
        default=False,
        help_text=_("Tick only when she said yes; otherwise reports count her without her name."),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["partner", "name"], name="person_name_unique_in_partner")]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.publish_consent and self.consent_recorded_at is None:
            from django.utils import timezone

            self.consent_recorded_at = timezone.now()
        elif not self.publish_consent:
            self.consent_recorded_at = None
        super().save(*args, **kwargs)

    def clean(self):
        if self.trained_at_id and not self.trained_at.is_tot:
            raise ValidationError({"trained_at": _("Choose a Training of Trainers.")})


class Workshop(models.Model):
    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        NATIONAL_TOT = "national_tot", _("National Training of Trainers")
        REGIONAL_TOT = "regional_tot", _("Regional Training of Trainers")

    TOT_KINDS = (Kind.NATIONAL_TOT, Kind.REGIONAL_TOT)

    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.WORKSHOP)
    partner = models.ForeignKey(
        "curriculum.Partner", on_delete=models.PROTECT, related_name="workshops", verbose_name=_("partner")
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    place = models.CharField(_("place"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    curriculum = models.ForeignKey(
        "curriculum.Curriculum", on_delete=models.PROTECT, related_name="workshops", verbose_name=_("curriculum")
    )
    # The partner's published adaptation taught, if not the core curriculum.
    edition_version = models.ForeignKey(
        "curriculum.EditionVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workshops",
        verbose_name=_("edition used"),
        help_text=_("Empty for the core curriculum."),
    )
    # The exact published versions taught, so a record says which text was used.
    module_versions = models.ManyToManyField(
        "curriculum.ModuleVersion", blank=True, related_name="workshops", verbose_name=_("modules used")
    )
    facilitators = models.ManyToManyField(
        Person, blank=True, related_name="facilitated", verbose_name=_("facilitators")
    )
    participants_women = models.PositiveIntegerField(_("women"), default=0)
    participants_men = models.PositiveIntegerField(_("men"), default=0)
    participants_total = models.PositiveIntegerField(
        _("participants in total"),
        help_text=_("At least women plus men: some participants do not say, or are neither."),
    )
    pre_score = models.DecimalField(
        _("self-assessment before (1–5)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    post_score = models.DecimalField(
        _("self-assessment after (1–5)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=SCORE_VALIDATORS,
    )
    parent_tot = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replications",
        verbose_name=_("replication of"),
        help_text=_("The Training of Trainers where the facilitators were trained."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(participants_total__gte=F("participants_women") + F("participants_men")),
                name="workshop_total_covers_women_and_men",
            ),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="workshop_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["start_date"], name="workshop_start"),
            models.Index(fields=["partner", "start_date"], name="workshop_partner_start"),
        ]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return f"{self.get_kind_display()} · {self.place} · {self.start_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("workshops:edit", kwargs={"pk": self.pk})

    @property
    def is_tot(self):
        return self.kind in self.TOT_KINDS

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("The workshop cannot end before it starts.")
        if self.participants_total is not None:
            counted = (self.participants_women or 0) + (self.participants_men or 0)
            if self.participants_total < counted:
                errors["participants_total"] = _(
                    "The total (%(total)d) is smaller than women plus men (%(counted)d)."
                ) % {"total": self.participants_total, "counted": counted}
        if self.edition_version_id and self.partner_id and self.curriculum_id:
            edition = self.edition_version.edition
            lineage = set(self.partner.lineage_ids or [self.partner_id])
            if edition.curriculum_id != self.curriculum_id or edition.partner_id not in lineage:
                errors["edition_version"] = _("Choose an edition of this curriculum by this partner or its parent.")
        if self.parent_tot_id:
            if not self.parent_tot.is_tot:
                errors["parent_tot"] = _("A workshop can only replicate a Training of Trainers.")
            elif self.pk and self.parent_tot_id == self.pk:
                errors["parent_tot"] = _("A workshop cannot replicate itself.")
            elif self.start_date and self.parent_tot.start_date >= self.start_date:
                # Strictly before: this also makes a loop in the cascade impossible.
                errors["parent_tot"] = _("The Training of Trainers must come before its replications.")
        if errors:
            raise ValidationError(errors)


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name or self.slug


class Resource(models.Model):
    """A document of the partnership's library: an uploaded file or a link (films, external publications)."""

    class Kind(models.TextChoices):
        PUBLICATION = "publication", _("Publication")
        REPORT = "report", _("Report")
        FILM = "film", _("Film")
        HISTORICAL = "historical", _("Historical document")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PUBLICATION)
    tags = models.ManyToManyField(Tag, blank=True, related_name="resources", verbose_name=_("tags"))
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    language = models.CharField(_("language of the document"), max_length=8, choices=settings.LANGUAGES)
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
        verbose_name=_("partner"),
    )
    file = models.FileField(_("file"), upload_to="resources/", max_length=300, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True, editable=False)
    file_size = models.PositiveIntegerField(_("file size"), null=True, blank=True, editable=False)
    url = models.URLField(_("external link"), blank=True, max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = PartnerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="resource_file_or_link",
            )
        ]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.title_en or self.title

    def get_absolute_url(self):
        return reverse("workshops:resource-download", kwargs={"pk": self.pk}) if self.file else self.url
