import shutil
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.celery import app
from curriculum.models import Curriculum, Partner
from exports import storage
from exports.models import ExportJob
from exports.services import ExportError, export_job_render, export_request


def pdf_worker_running(timeout=1.5):
    """True when a Celery worker consuming the PDF queue answers."""
    try:
        queues = app.control.inspect(timeout=timeout).active_queues() or {}
    except Exception:  # the broker itself is down
        return False
    return any(queue["name"] == "pdf" for worker in queues.values() for queue in worker)


class Command(BaseCommand):
    help = "Write an edition's facilitator manual PDF, through the queue when a worker runs, or here with --inline."

    def add_arguments(self, parser):
        parser.add_argument("--curriculum", required=True, help="Curriculum slug")
        parser.add_argument("--language", required=True, choices=settings.LANGUAGE_CODES)
        parser.add_argument("--partner", help="Partner slug (default: the core edition)")
        parser.add_argument("--profile", default="a4", choices=ExportJob.Profile.values)
        parser.add_argument("--document", default="manual", choices=ExportJob.Kind.values)
        parser.add_argument("--module", help="Module slug, with --document module")
        parser.add_argument("--grayscale", action="store_true", help="Photocopier variant")
        parser.add_argument("--output", "-o", required=True, help="PDF file to write")
        parser.add_argument("--inline", action="store_true", help="Render in this process instead of the queue")
        parser.add_argument("--timeout", type=int, default=600, help="Seconds to wait for the worker")

    def handle(self, *args, **options):
        curriculum = Curriculum.objects.filter(slug=options["curriculum"]).first()
        if curriculum is None:
            raise CommandError(f"No curriculum with the slug '{options['curriculum']}'.")
        partner = None
        if options["partner"]:
            partner = Partner.objects.filter(slug=options["partner"]).first()
            if partner is None:
                raise CommandError(f"No partner with the slug '{options['partner']}'.")
        inline = options["inline"]
        if not inline and not pdf_worker_running():
            self.stderr.write("No PDF worker answered; rendering in this process.")
            inline = True
        try:
            job = export_request(
                curriculum=curriculum,
                language=options["language"],
                partner=partner,
                profile=options["profile"],
                kind=options["document"],
                params={"module": options["module"], "grayscale": options["grayscale"]},
                enqueue=not inline,
            )
        except ExportError as error:
            raise CommandError(str(error)) from error
        if job.status == ExportJob.Status.DONE:
            self.stderr.write("This edition was rendered before; using the stored file.")
        elif inline:
            export_job_render(job_id=job.pk)
        else:
            job = self._wait(job, options["timeout"])
        job.refresh_from_db()
        if job.status != ExportJob.Status.DONE:
            raise CommandError(job.error or f"The export did not finish (status: {job.status}).")
        with storage.open_stored(job.file.name) as source, open(options["output"], "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {options['output']} ({job.page_count} pages, {job.file_size} bytes).")
        )

    def _wait(self, job, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                return job
            if (job.stage, job.progress) != last:
                last = (job.stage, job.progress)
                self.stderr.write(f"{job.progress:3d}% {job.get_stage_display()}")
            time.sleep(0.5)
        raise CommandError(f"No result after {timeout} s; the job {job.pk} stays queued.")
