from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.throttling import Throttle, client_address
from curriculum.models import Curriculum
from curriculum.roles import can_view_partner_edition

from .forms import EditionExportForm
from .models import ExportJob
from .services import ExportError, export_request
from .serving import stored_file_response


@require_POST
def request_export(request):
    per_client = Throttle("export-requests", limit=settings.EXPORT_REQUESTS_PER_MINUTE, window_seconds=60)
    if not per_client.hit(client_address(request)):
        response = render(request, "exports/too_many.html", status=429)
        response["Retry-After"] = "60"
        return response
    form = EditionExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("curriculum:catalogue")
    curriculum = get_object_or_404(Curriculum, slug=form.cleaned_data["curriculum"], is_published=True)
    if not can_view_partner_edition(request.user, curriculum, form.cleaned_data["partner"]):
        raise Http404  # a private edition: no PDF for others
    try:
        job = export_request(
            curriculum=curriculum,
            language=form.cleaned_data["language"],
            partner=form.cleaned_data["partner"],
            profile=form.cleaned_data["profile"],
            kind=form.cleaned_data["document"],
            params=form.export_params(),
        )
    except ExportError as error:
        messages.error(request, str(error))
        return redirect(curriculum)
    return redirect(job)


def _job(request, job_id):
    job = get_object_or_404(
        ExportJob.objects.select_related("curriculum", "partner"), pk=job_id, curriculum__is_published=True
    )
    if not can_view_partner_edition(request.user, job.curriculum, job.partner):
        raise Http404
    return job


@require_GET
def job_detail(request, job_id):
    return render(request, "exports/job_detail.html", {"job": _job(request, job_id)})


@require_GET
def job_status(request, job_id):
    job = _job(request, job_id)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "stage": job.stage,
            "stage_label": job.get_stage_display(),
            "progress": job.progress,
            "error": job.error,
            "page_count": job.page_count,
            "file_size": job.file_size,
            "download_url": request.build_absolute_uri(job.get_absolute_url() + "download/")
            if job.status == ExportJob.Status.DONE
            else None,
        },
        headers={"Cache-Control": "no-store"},
    )


@require_http_methods(["GET", "HEAD"])
def job_download(request, job_id):
    job = _job(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return stored_file_response(
        request,
        name=job.file.name,
        etag_value=job.fingerprint,
        last_modified=job.finished_at,
        filename=job.download_filename(),
        content_type="application/pdf",
        # A job's file never changes: its name is the hash of what it contains.
        cache_control="public, max-age=31536000, immutable",
    )
