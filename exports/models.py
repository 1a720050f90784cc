import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    """One rendering of one edition; the row, not Celery's result backend, is the truth about it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Stage(models.TextChoices):
        WAITING = "waiting", _("Waiting for a free worker")
        QUEUE_DOWN = (
            "queue_down",
            _("The rendering queue is unavailable; your request is kept and will start when it is back"),
        )
        RESOLVING = "resolving", _("Gathering the edition's content")
        LAYOUT = "layout", _("Laying out pages")
        PARTS = "parts", _("Laying out the modules")
        ASSEMBLING = "assembling", _("Joining the modules into one PDF")
        WRITING = "writing", _("Writing the PDF")
        STORED = "stored", _("Ready to download")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Facilitator manual")
        REVIEW = "review", _("State of the Partnership review")
        MODULE = "module", _("One module")
        HANDOUTS = "handouts", _("Participant handout pack")

    class Profile(models.TextChoices):
        A4 = "a4", _("A4")
        LETTER = "letter", _("US Letter")
        A5 = "a5", _("A5")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # sha256 of the resolved content, language, partner, profile and renderer
    # versions: identical requests share one job and one render.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    kind = models.CharField(_("document"), max_length=24, choices=Kind.choices, default=Kind.MANUAL)
    # Whatever else a document kind needs to be rebuilt (a module slug, a year...).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    curriculum = models.ForeignKey(
        "curriculum.Curriculum",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("curriculum"),
    )
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("partner"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    profile = models.CharField(_("print profile"), max_length=16, choices=Profile.choices, default=Profile.A4)
    module_versions = models.JSONField(_("module versions"), default=list)
    edition_versions = models.JSONField(_("edition versions"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.WAITING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), blank=True, max_length=200)
    file_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    # A manual printed in parts: the fingerprint of each module's part, in order (RenderedPart).
    parts = models.JSONField(_("parts"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_count = models.PositiveIntegerField(_("requests"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    render_seconds = models.FloatField(_("render time (s)"), null=True, blank=True)
    # Last sign of life of a render in progress; a manual in parts moves it as each part lands.
    touched_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        # Sort by creation time, not by the random UUID primary key.
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="exportjob_status_enqueued")]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self):
        return f"{self.download_filename()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("exports:job", kwargs={"job_id": self.id})

    @property
    def is_finished(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}

    def storage_name(self):
        """Where the finished PDF lives: content-addressed, so it never overwrites another edition's file."""
        return f"{settings.EXPORTS_STORAGE_DIR}/{self.fingerprint[:2]}/{self.fingerprint}.pdf"

    def download_filename(self):
        parts = [self.curriculum.slug if self.curriculum_id else self.kind]
        if self.curriculum_id:
            parts.append(self.partner.slug if self.partner_id else "core")
        if self.kind != self.Kind.MANUAL:
            parts += [self.kind, *(str(value) for key, value in sorted(self.params.items()) if key != "grayscale")]
        parts.append(self.language)
        if self.profile != self.Profile.A4:
            parts.append(self.profile)
        if self.params.get("grayscale"):
            parts.append("grayscale")
        return "-".join(parts) + ".pdf"


class RenderedPart(models.Model):
    """One module laid out as a part of a manual, kept so an unchanged module is never laid out twice.

    The fingerprint hashes the part's print HTML with the renderer's versions: any edition,
    paper or language whose module prints the same shares it (exports/assembly.py).
    """

    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    module = models.CharField(_("module"), max_length=120)
    file = models.FileField(_("file"), max_length=200)
    file_size = models.PositiveIntegerField(_("file size"))
    page_count = models.PositiveIntegerField(_("pages"))
    render_seconds = models.FloatField(_("render time (s)"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    refused_urls = models.JSONField(_("refused URLs"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    used_at = models.DateTimeField(_("last used"), auto_now_add=True)

    class Meta:
        verbose_name = _("rendered part")
        verbose_name_plural = _("rendered parts")

    def __str__(self):
        return f"{self.module} ({self.fingerprint[:8]}, {self.page_count} p.)"

    @staticmethod
    def storage_name(fingerprint):
        return f"{settings.EXPORTS_STORAGE_DIR}/parts/{fingerprint[:2]}/{fingerprint}.pdf"
