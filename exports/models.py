import uuid

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Renders of one job before it fails for good (a poison document must not loop forever).
MAX_ATTEMPTS = 3


class ExportJobQuerySet(models.QuerySet):
    """The job's state changes, each one conditional UPDATE: of two workers racing for a step, one wins.

    Each returns the number of rows it changed, so a caller knows whether it won (0: another
    worker, the sweeper or a failure got there first). Call them on `filter(pk=...)`.
    """

    def claim(self):
        """A queued job starts rendering: once, whichever worker gets the message (a second claim changes nothing)."""
        now = timezone.now()
        return self.filter(status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING,
            stage=ExportJob.Stage.RESOLVING,
            progress=5,
            started_at=now,
            touched_at=now,
            attempts=F("attempts") + 1,
        )

    def progress(self, stage, progress):
        """A step of the render, which also shows the worker is alive."""
        return self.update(stage=stage, progress=progress, touched_at=timezone.now())

    def parts_record(self, fingerprints, *, pending=None):
        """The manual is printed in parts: these are its parts' fingerprints, in order, and those to lay out.

        `pending` (by default all of them) are the parts no earlier render left behind; the
        workers claim them one at a time (part_claim), from the first.
        """
        return self.update(
            parts=fingerprints,
            parts_pending=list(fingerprints if pending is None else pending),
            parts_claimed=0,
            stage=ExportJob.Stage.PARTS,
            progress=10,
            touched_at=timezone.now(),
        )

    def part_claim(self, *, stored_before=0, total=0):
        """The next part to lay out, for whichever worker asks, and how many are left after it: (None, 0) when all are taken.

        One counter, moved by one conditional UPDATE in a transaction and read back inside it:
        the row stays locked until the transaction commits (PostgreSQL's row lock, SQLite's
        write lock), so two workers asking at once get two parts. A job no longer laying out
        its parts (failed, joining, done) gives none. The same update moves the progress shown,
        from 10% to 85% as the parts are given out: `stored_before` of the `total` were kept
        from earlier renders (an edit's manual is nearly done before it begins).
        """
        changes = {"parts_claimed": F("parts_claimed") + 1, "touched_at": timezone.now()}
        if total:
            # The parts given out before this one, whichever workers took them: it never moves back.
            given_out = (F("parts_claimed") + stored_before) * 75 / total
            changes["progress"] = Least(
                Value(85), Value(10) + given_out, output_field=models.PositiveSmallIntegerField()
            )
        with transaction.atomic():
            if not self.filter(status=ExportJob.Status.RUNNING, stage=ExportJob.Stage.PARTS).update(**changes):
                return None, 0
            claimed, pending = self.values_list("parts_claimed", "parts_pending").get()
        if claimed > len(pending):
            return None, 0
        return pending[claimed - 1], len(pending) - claimed

    def part_stored(self, *, done, total):
        """One more part of the manual is stored: progress from 10% to 85% as they land."""
        return self.progress(ExportJob.Stage.PARTS, 10 + int(75 * done / total))

    def assembling(self):
        """Every part is there: of the workers that see it, the one that moves the job on joins the manual."""
        return self.filter(status=ExportJob.Status.RUNNING, stage=ExportJob.Stage.PARTS).update(
            stage=ExportJob.Stage.ASSEMBLING, progress=88, touched_at=timezone.now()
        )

    def done(self, *, name, file_size, page_count, report, started_at):
        """The file is stored; the render time counts from the claim, whichever workers took part."""
        now = timezone.now()
        return self.update(
            status=ExportJob.Status.DONE,
            stage=ExportJob.Stage.STORED,
            progress=100,
            file=name,
            file_size=file_size,
            page_count=page_count,
            report=report,
            error="",
            finished_at=now,
            render_seconds=round((now - started_at).total_seconds(), 3),
        )

    def fail(self, message, *, now=None):
        """The job failed with a message for the person who asked; a finished file is never failed afterwards."""
        return self.exclude(status=ExportJob.Status.DONE).update(
            status=ExportJob.Status.FAILED,
            stage=ExportJob.Stage.FAILED,
            error=str(message)[:2000],
            finished_at=now or timezone.now(),
        )

    def requeue(self, *, status):
        """A failed job, or a done one whose file went missing, is queued again (if still in `status`)."""
        return self.filter(status=status).update(
            status=ExportJob.Status.QUEUED, stage=ExportJob.Stage.WAITING, progress=0, error=""
        )

    def lost(self):
        """Running jobs whose worker died go back to the queue while they have attempts left."""
        return self.filter(status=ExportJob.Status.RUNNING, attempts__lt=MAX_ATTEMPTS).update(
            status=ExportJob.Status.QUEUED, stage=ExportJob.Stage.WAITING, progress=0, enqueued_at=None
        )

    def enqueued(self):
        """The queue took the job's message."""
        return self.filter(status=ExportJob.Status.QUEUED).update(
            stage=ExportJob.Stage.WAITING, enqueued_at=timezone.now()
        )

    def queue_down(self):
        """The queue could not be reached: the job is kept, and the sweeper sends it when the queue is back."""
        return self.filter(status=ExportJob.Status.QUEUED).update(stage=ExportJob.Stage.QUEUE_DOWN, enqueued_at=None)

    def asked_again(self):
        return self.update(requested_count=F("requested_count") + 1)


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
    # Those of them this render lays out (no earlier render left them), and how many workers have claimed.
    parts_pending = models.JSONField(_("parts to lay out"), default=list, blank=True)
    parts_claimed = models.PositiveIntegerField(_("parts claimed"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_count = models.PositiveIntegerField(_("requests"), default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    render_seconds = models.FloatField(_("render time (s)"), null=True, blank=True)
    # Last sign of life of a render in progress; a manual in parts moves it as each part lands.
    touched_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

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
