"""Pages of suggestions back to the core: a partner editor proposes, the secretariat reviews and decides."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .forms import SuggestionDecisionForm, SuggestionForm
from .models import CoreSuggestion
from .suggestions import (
    SuggestionDecided,
    SuggestionError,
    suggestion_accept,
    suggestion_decline,
    suggestion_draft,
    suggestion_make,
    suggestion_review,
    suggestions_open,
)
from .workspace import _edition_url, _module, edition_editor_required, secretariat_required


@edition_editor_required
def suggestion_new(request, edition, module_slug, block_key):
    """The partner editor sees the text she proposes against the core's, says why, and sends it."""
    module = _module(edition, module_slug)
    module_url = _edition_url(edition, "workspace:module", module_slug=module.slug)
    open_suggestion = CoreSuggestion.objects.filter(
        edition=edition, module=module, block_key=block_key, status=CoreSuggestion.Status.OPEN
    ).first()
    form = SuggestionForm(request.POST or None, initial={"message": open_suggestion.message if open_suggestion else ""})
    if request.method == "POST" and form.is_valid():
        try:
            _suggestion, created = suggestion_make(
                edition=edition,
                module=module,
                block_key=block_key,
                message=form.cleaned_data["message"],
                user=request.user,
            )
        except SuggestionError as error:
            form.add_error(None, str(error))
        else:
            if created:
                messages.success(request, _("Your suggestion was sent to the secretariat."))
            else:
                messages.success(request, _("Your open suggestion for this block was updated."))
            return redirect(module_url)
    try:
        preview = suggestion_review(
            suggestion=suggestion_draft(edition=edition, module=module, block_key=block_key), with_drafts=False
        )
    except SuggestionError as error:
        if request.method == "GET":
            messages.error(request, str(error))
            return redirect(module_url)
        preview = None  # the block changed meanwhile: the form stays, with the message typed and the error
    return render(
        request,
        "workspace/suggestion_form.html",
        {"edition": edition, "module": module, "form": form, "review": preview, "open_suggestion": open_suggestion},
    )


@require_safe
@secretariat_required
def suggestion_list(request):
    return render(request, "workspace/suggestions.html", {"reviews": suggestions_open()})


def _suggestion(pk):
    return get_object_or_404(
        CoreSuggestion.objects.select_related("edition__partner", "edition__curriculum", "module", "suggested_by"),
        pk=pk,
    )


def _review_page(request, suggestion, form=None, status=200):
    return render(
        request,
        "workspace/suggestion.html",
        {
            "review": suggestion_review(suggestion=suggestion),
            "suggestion": suggestion,
            "form": form or SuggestionDecisionForm(),
        },
        status=status,
    )


@require_safe
@secretariat_required
def suggestion_detail(request, pk):
    return _review_page(request, _suggestion(pk))


@require_POST
@secretariat_required
def suggestion_decide(request, pk, decision):
    if decision not in {"accept", "decline"}:
        raise Http404
    suggestion = _suggestion(pk)
    form = SuggestionDecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if decision == "accept":
            suggestion = suggestion_accept(
                suggestion=suggestion,
                user=request.user,
                confirmed=form.cleaned_data.get("confirm", False),
                reason=reason,
            )
            messages.success(
                request,
                _("Accepted: the core is now at version %(number)s and the partner follows it again.")
                % {"number": suggestion.core_version.number},
            )
        else:
            suggestion_decline(suggestion=suggestion, user=request.user, reason=reason)
            messages.success(request, _("Declined: the partner is told why."))
    except SuggestionDecided as error:
        messages.error(request, str(error))
        return redirect(reverse("workspace:suggestion", kwargs={"pk": suggestion.pk}))
    except SuggestionError as error:
        form.add_error(None, str(error))
        return _review_page(request, suggestion, form)
    return redirect("workspace:suggestions")
