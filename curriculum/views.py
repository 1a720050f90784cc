from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from exports.forms import EditionExportForm

from .models import Curriculum, Partner
from .resolution import edition_resolve
from .roles import can_view_partner_edition, is_secretariat


def _visible_curriculum(request, slug):
    curriculum = get_object_or_404(Curriculum, slug=slug)
    if not curriculum.is_published and not is_secretariat(request.user):
        raise Http404
    return curriculum


def _partner_from(request, curriculum):
    slug = request.GET.get("edition")
    partner = get_object_or_404(Partner, slug=slug) if slug else None
    if not can_view_partner_edition(request.user, curriculum, partner):
        raise Http404  # a private edition, as if it did not exist
    return partner


def catalogue(request):
    curricula = Curriculum.objects.filter(is_published=True).order_by("slug")
    return render(request, "curriculum/catalogue.html", {"curricula": curricula})


def curriculum_detail(request, slug):
    curriculum = _visible_curriculum(request, slug)
    language = get_language()
    partner = _partner_from(request, curriculum)
    edition = edition_resolve(
        curriculum=curriculum, language=language, partner=partner, draft=not curriculum.is_published and not partner
    )
    form = EditionExportForm(
        initial={"language": language, "curriculum": curriculum.slug, "partner": partner.slug if partner else None}
    )
    partners = Partner.objects.filter(parent__isnull=True).prefetch_related("affiliates")
    return render(
        request,
        "curriculum/curriculum_detail.html",
        {"curriculum": curriculum, "edition": edition, "form": form, "partners": partners},
    )


def module_detail(request, slug, module_slug):
    curriculum = _visible_curriculum(request, slug)
    partner = _partner_from(request, curriculum)
    edition = edition_resolve(
        curriculum=curriculum,
        language=get_language(),
        partner=partner,
        draft=not curriculum.is_published and not partner,
    )
    modules = edition.modules
    index = next((i for i, module in enumerate(modules) if module.slug == module_slug), None)
    if index is None:
        raise Http404
    module = modules[index]
    return render(
        request,
        "curriculum/module_detail.html",
        {
            "curriculum": curriculum,
            "edition": edition,
            "module": module,
            "previous": modules[index - 1] if index > 0 else None,
            "next": modules[index + 1] if index + 1 < len(modules) else None,
            "rtl_languages": settings.RTL_LANGUAGES,
        },
    )
