import hashlib
import mimetypes
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from curriculum.models import Curriculum, Partner
from exports.models import ExportJob
from exports.services import ExportError, export_request, previous_done_job
from exports.serving import stored_file_response

from . import services
from .forms import DownloadFilterForm, SinceForm, SubscribeForm
from .models import Subscription


def _edition(curriculum_slug, edition_slug, language):
    curriculum = get_object_or_404(Curriculum, slug=curriculum_slug, is_published=True)
    if language not in settings.LANGUAGE_CODES:
        raise Http404
    try:
        partner = services.edition_partner(curriculum=curriculum, edition_slug=edition_slug)
    except services.EditionNotFound:
        raise Http404 from None
    return curriculum, partner


def centre(request):
    curricula = list(Curriculum.objects.filter(is_published=True).order_by("slug"))
    sections = []
    form = None
    for curriculum in curricula:
        form = DownloadFilterForm(
            request.GET or None, partners=services.published_partners(curriculum).order_by("name")
        )
        filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        rows = services.download_rows(
            curriculum=curriculum, language=filters.get("language") or None, edition_slug=filters.get("edition") or None
        )
        sections.append({"curriculum": curriculum, "rows": rows})
    return render(request, "downloads/centre.html", {"sections": sections, "form": form})


def edition_page(request, curriculum_slug, edition_slug, language):
    curriculum, partner = _edition(curriculum_slug, edition_slug, language)
    [row] = services.download_rows(curriculum=curriculum, language=language, edition_slug=edition_slug) or [None]
    return render(
        request,
        "downloads/edition.html",
        {
            "curriculum": curriculum,
            "partner": partner,
            "language": language,
            "edition_slug": edition_slug,
            "job": row.job if row else None,
            "since_form": SinceForm(),
            "subscribe_form": SubscribeForm(),
        },
    )


@require_http_methods(["GET", "HEAD"])
def edition_manual(request, curriculum_slug, edition_slug, language):
    """The permanent link of an edition's manual: always its current published version."""
    curriculum, partner = _edition(curriculum_slug, edition_slug, language)
    try:
        job = export_request(curriculum=curriculum, language=language, partner=partner)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("downloads:edition", curriculum_slug, edition_slug, language)
    if job.status == ExportJob.Status.FAILED:
        # The current version cannot be rendered now (disk full, a broken document): serve the last good one.
        job = previous_done_job(job) or job
    if job.status != ExportJob.Status.DONE:
        # Being rendered (or queued while the queue is down): show its progress, never a second render.
        return redirect(job)
    return stored_file_response(
        request,
        name=job.file.name,
        etag_value=job.fingerprint,
        last_modified=job.finished_at,
        filename=job.download_filename(),
        content_type="application/pdf",
        # The link stays, the content changes: always ask whether it is still current.
        cache_control="public, max-age=0, must-revalidate",
    )


def whats_new(request, curriculum_slug, edition_slug, language):
    curriculum, partner = _edition(curriculum_slug, edition_slug, language)
    form = SinceForm(request.GET or None)
    changes = None
    if form.is_valid():
        since = timezone.make_aware(datetime.combine(form.cleaned_data["since"], time.max))
        changes = services.edition_changes_since(curriculum=curriculum, partner=partner, language=language, since=since)
    return render(
        request,
        "downloads/whats_new.html",
        {
            "curriculum": curriculum,
            "partner": partner,
            "language": language,
            "edition_slug": edition_slug,
            "form": form,
            "changes": changes,
        },
    )


@require_POST
def subscribe(request, curriculum_slug, edition_slug, language):
    curriculum, partner = _edition(curriculum_slug, edition_slug, language)
    form = SubscribeForm(request.POST)
    if form.is_valid():
        services.subscription_request(
            email=form.cleaned_data["email"],
            curriculum=curriculum,
            partner=partner,
            language=language,
            confirm_url_for=lambda subscription: request.build_absolute_uri(
                reverse("downloads:confirm", args=[subscription.token])
            ),
        )
        messages.success(request, _("Check your e-mail: open the link we sent to confirm."))
    else:
        messages.error(request, _("Enter a valid e-mail address."))
    return redirect("downloads:edition", curriculum_slug, edition_slug, language)


def confirm(request, token):
    subscription = services.subscription_confirm(token=token)
    if subscription is None:
        raise Http404
    return render(request, "downloads/subscription.html", {"subscription": subscription, "confirmed": True})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    if request.method == "POST":
        services.subscription_cancel(token=token)
        return render(request, "downloads/subscription.html", {"cancelled": True})
    subscription = get_object_or_404(Subscription, token=token)
    return render(request, "downloads/subscription.html", {"subscription": subscription})


@require_http_methods(["GET", "HEAD"])
def edition_offline(request, curriculum_slug, edition_slug, language):
    """One ZIP to take an edition offline: manual, handout pack, per-module PDFs, manifest, index page."""
    curriculum, partner = _edition(curriculum_slug, edition_slug, language)
    try:
        name, fingerprint, members = services.offline_package(curriculum=curriculum, partner=partner, language=language)
    except ExportError as error:
        messages.error(request, str(error))
        return redirect("downloads:edition", curriculum_slug, edition_slug, language)
    if name is None:
        # Some files are still being rendered: show them, the page refreshes itself.
        return render(
            request,
            "downloads/offline_preparing.html",
            {"curriculum": curriculum, "partner": partner, "language": language, "members": members},
            status=202,
        )
    slug = f"{curriculum.slug}-{edition_slug}-{language}-offline.zip"
    return stored_file_response(
        request,
        name=name,
        etag_value=fingerprint,
        last_modified=max(member.job.finished_at for member in members),
        filename=slug,
        content_type="application/zip",
        cache_control="public, max-age=0, must-revalidate",
    )


@require_http_methods(["GET", "HEAD"])
def partner_logo(request, filename):
    """A partner's logo, read through the storage (this host's disk or the bucket), at the URL its field gives."""
    name = f"{Partner.logo.field.upload_to}{filename}"
    # Only a file some partner has as its logo: the route must not reach any other stored file.
    if not Partner.objects.filter(logo=name).exists():
        raise Http404
    return stored_file_response(
        request,
        name=name,
        # An upload never replaces another under its name (the storage gives a new one), so the name is the version.
        etag_value=hashlib.sha256(name.encode()).hexdigest(),
        last_modified=None,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        cache_control="public, max-age=86400",
    )
