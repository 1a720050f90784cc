"""The adaptation workspace: partner and affiliate editors adapt their edition block by block."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .adaptation import (
    AdaptationConflict,
    AdaptationError,
    adaptation_acknowledge,
    adaptation_hide,
    adaptation_inherit,
    adaptation_override,
    edition_core_changes,
    edition_get_or_create,
    edition_stale_adaptations,
    local_block_delete,
    local_block_move,
    local_block_save,
    upstream_blocks,
)
from .changes import snapshot_changes
from .forms import BlockTextForm, ChangeNoteForm, EditionPrivacyForm, PartnerLocationForm
from .models import BlockAdaptation, CoreSuggestion, Curriculum, LocalBlock, Module, Partner, PartnerMembership
from .publishing import edition_publish, module_publish, module_snapshot
from .resolution import edition_resolve
from .roles import can_edit_edition, is_secretariat
from .suggestions import suggestion_counts
from .translated import language_direction, translations_of


def edition_editor_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, curriculum_slug, partner_slug, *args, **kwargs):
        curriculum = get_object_or_404(Curriculum, slug=curriculum_slug, is_published=True)
        partner = get_object_or_404(Partner, slug=partner_slug)
        if not can_edit_edition(request.user, partner):
            raise PermissionDenied
        edition = edition_get_or_create(curriculum=curriculum, partner=partner)
        return view(request, edition, *args, **kwargs)

    return wrapper


def _module(edition, module_slug):
    return get_object_or_404(Module, curriculum=edition.curriculum, slug=module_slug)


def _edition_url(edition, name="workspace:edition", **kwargs):
    return reverse(
        name, kwargs={"curriculum_slug": edition.curriculum.slug, "partner_slug": edition.partner.slug, **kwargs}
    )


@login_required
def workspace_index(request):
    memberships = PartnerMembership.objects.filter(user=request.user).select_related("partner__parent")
    curricula = Curriculum.objects.filter(is_published=True)
    core, suggestions = None, {}
    if is_secretariat(request.user):
        # The secretariat edits the core in the admin and publishes it here: every module, drafts included.
        modules = Module.objects.annotate(latest=Max("versions__number")).order_by("position", "id")
        core = list(Curriculum.objects.order_by("slug").prefetch_related(Prefetch("modules", queryset=modules)))
        counts = suggestion_counts()
        for curriculum in core:
            curriculum.open_suggestions = counts.get(curriculum.pk, 0)
        suggestions = sum(counts.values())
    return render(
        request,
        "workspace/index.html",
        {"memberships": memberships, "curricula": curricula, "core": core, "open_suggestions": suggestions},
    )


@edition_editor_required
def edition_overview(request, edition):
    resolved = edition_resolve(
        curriculum=edition.curriculum, partner=edition.partner, language=get_language(), draft=True
    )
    return render(
        request,
        "workspace/edition.html",
        {
            "edition": edition,
            "resolved": resolved,
            "stale": edition_stale_adaptations(edition=edition),
            "core_changes": edition_core_changes(edition=edition),
            "versions": edition.versions.order_by("-number")[:10],
            "publish_form": ChangeNoteForm(),
            "privacy_form": EditionPrivacyForm(instance=edition),
            "source_language": edition.curriculum.source_language,
            "source_direction": language_direction(edition.curriculum.source_language),
        },
    )


@edition_editor_required
def module_workspace(request, edition, module_slug):
    module = _module(edition, module_slug)
    resolved = edition_resolve(
        curriculum=edition.curriculum, partner=edition.partner, language=get_language(), draft=True
    )
    resolved_module = next((item for item in resolved.modules if item.slug == module.slug), None)
    if resolved_module is None:
        messages.error(request, _("This module has no published version to adapt yet."))
        return redirect(_edition_url(edition))
    stale = {item.block_key for item in edition_stale_adaptations(edition=edition) if item.module.pk == module.pk}
    # Only the edition's own text can be suggested to the core, not its parent partner's.
    own_keys = set(
        BlockAdaptation.objects.filter(
            edition=edition, module=module, action=BlockAdaptation.Action.OVERRIDE
        ).values_list("block_key", flat=True)
    ) | set(LocalBlock.objects.filter(edition=edition, module=module).values_list("key", flat=True))
    suggestions = list(CoreSuggestion.objects.filter(edition=edition, module=module).select_related("core_version"))
    return render(
        request,
        "workspace/module.html",
        {
            "edition": edition,
            "module": resolved_module,
            "module_obj": module,
            "stale_keys": stale,
            "own_keys": own_keys,
            "suggestions": suggestions,
            "open_suggestion_keys": {item.block_key for item in suggestions if item.is_open},
        },
    )


def _block_form(request, edition, initial, with_kind=False):
    languages = edition.languages
    if request.method == "POST":
        return BlockTextForm(request.POST, languages=languages, with_kind=with_kind)
    return BlockTextForm(initial=initial, languages=languages, with_kind=with_kind)


def _save_block(request, form, save):
    """Run a block save; on a conflict, keep the editor's text in the form and return the saved one."""
    try:
        save()
    except AdaptationConflict as error:
        form.data = form.data.copy()
        form.data["revision"] = error.current.revision
        messages.error(request, str(error))
        return False, error.current
    except AdaptationError as error:
        messages.error(request, str(error))
        return False, None
    messages.success(request, _("Saved. Publish the edition when it is ready for trainers."))
    return True, None


def _initial_from(obj_or_block, revision):
    initial = {"revision": revision}
    for name in ("title", "body"):
        values = obj_or_block[name] if isinstance(obj_or_block, dict) else translations_of(obj_or_block, name)
        initial.update({f"{name}_{code}": text for code, text in values.items()})
    return initial


@edition_editor_required
def block_override(request, edition, module_slug, block_key):
    module = _module(edition, module_slug)
    try:
        version, blocks = upstream_blocks(curriculum=edition.curriculum, partner=edition.partner, module=module)
    except AdaptationError as error:
        messages.error(request, str(error))
        return redirect(_edition_url(edition))
    upstream = blocks.get(block_key)
    if upstream is None:
        messages.error(request, _("This block is not in the upstream edition any more."))
        return redirect(_edition_url(edition, "workspace:module", module_slug=module.slug))
    adaptation = BlockAdaptation.objects.filter(
        edition=edition, module=module, block_key=block_key, action=BlockAdaptation.Action.OVERRIDE
    ).first()
    initial = _initial_from(adaptation, adaptation.revision) if adaptation else _initial_from(upstream, 0)
    form = _block_form(request, edition, initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_block(
            request,
            form,
            lambda: adaptation_override(
                edition=edition,
                module=module,
                block_key=block_key,
                title=form.texts("title"),
                body=form.texts("body"),
                user=request.user,
                expected_revision=form.cleaned_data["revision"] or 0,
            ),
        )
        if saved:
            return redirect(_edition_url(edition, "workspace:module", module_slug=module.slug))
    return render(
        request,
        "workspace/block_form.html",
        {
            "edition": edition,
            "module": module,
            "form": form,
            "upstream": upstream,
            "upstream_version": version.number,
            "conflict": conflict,
            "conflict_texts": translations_of(conflict, "body") if conflict else {},
            "heading": _("Own text for this block"),
        },
    )


@require_POST
@edition_editor_required
def block_action(request, edition, module_slug, block_key, action):
    if action not in {"hide", "inherit", "acknowledge"}:
        raise Http404
    module = _module(edition, module_slug)
    try:
        if action == "hide":
            adaptation_hide(edition=edition, module=module, block_key=block_key, user=request.user)
            messages.success(request, _("The block is hidden in your edition."))
        elif action == "inherit":
            adaptation_inherit(edition=edition, module=module, block_key=block_key)
            messages.success(request, _("The block follows the upstream text again."))
        elif action == "acknowledge":
            adaptation_acknowledge(edition=edition, module=module, block_key=block_key, user=request.user)
            messages.success(request, _("Your version is kept and marked current."))
    except (AdaptationError, BlockAdaptation.DoesNotExist):
        messages.error(request, _("This block cannot be changed that way now."))
    return redirect(request.POST.get("next") or _edition_url(edition, "workspace:module", module_slug=module.slug))


@edition_editor_required
def local_block_form(request, edition, module_slug, key=None):
    module = _module(edition, module_slug)
    local = get_object_or_404(LocalBlock, edition=edition, module=module, key=key) if key else None
    initial = _initial_from(local, local.revision) | {"kind": local.kind} if local else {"kind": "scenario"}
    form = _block_form(request, edition, initial, with_kind=True)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = _save_block(
            request,
            form,
            lambda: local_block_save(
                edition=edition,
                module=module,
                local=local,
                after_key=request.GET.get("after", "") if local is None else local.after_key,
                kind=form.cleaned_data["kind"],
                title=form.texts("title"),
                body=form.texts("body"),
                user=request.user,
                expected_revision=form.cleaned_data["revision"] if local else None,
            ),
        )
        if saved:
            return redirect(_edition_url(edition, "workspace:module", module_slug=module.slug))
    return render(
        request,
        "workspace/block_form.html",
        {
            "edition": edition,
            "module": module,
            "form": form,
            "conflict": conflict,
            "conflict_texts": translations_of(conflict, "body") if conflict else {},
            "heading": _("Local block") if local else _("New local block"),
        },
    )


@require_POST
@edition_editor_required
def local_block_action(request, edition, module_slug, key, action):
    if action not in {"delete", "up", "down"}:
        raise Http404
    module = _module(edition, module_slug)
    local = get_object_or_404(LocalBlock, edition=edition, module=module, key=key)
    if action == "delete":
        local_block_delete(local=local)
        messages.success(request, _("The local block was removed."))
    elif action in ("up", "down"):
        local_block_move(local=local, offset=-1 if action == "up" else 1)
    return redirect(_edition_url(edition, "workspace:module", module_slug=module.slug))


@require_POST
@edition_editor_required
def edition_publish_view(request, edition):
    form = ChangeNoteForm(request.POST)
    form.is_valid()
    version = edition_publish(edition=edition, user=request.user, change_note=form.cleaned_data.get("change_note", ""))
    messages.success(request, _("Edition published as version %(number)s.") % {"number": version.number})
    return redirect(_edition_url(edition))


def secretariat_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_secretariat(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_POST
@edition_editor_required
def edition_privacy(request, edition):
    """The partner keeps its edition to its own members and chosen affiliates, or opens it to everyone."""
    form = EditionPrivacyForm(request.POST, instance=edition)
    if form.is_valid():
        form.save()
        if edition.is_private:
            messages.success(request, _("This edition is now private: others get no page, no PDF and no e-mail."))
        else:
            messages.success(request, _("This edition is now public."))
    else:
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(_edition_url(edition))


@login_required
def partner_location(request, partner_slug):
    """The partner's own editors (and the secretariat) choose how much of its location the public sees."""
    partner = get_object_or_404(Partner, slug=partner_slug)
    if not (
        is_secretariat(request.user) or PartnerMembership.objects.filter(user=request.user, partner=partner).exists()
    ):
        raise Http404  # another partner's settings: as if it did not exist
    form = PartnerLocationForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved: the map, partner pages and PDFs now show this."))
        return redirect("workspace:partner-location", partner_slug=partner.slug)
    return render(request, "workspace/partner_location.html", {"partner": partner, "form": form})


@secretariat_required
def core_module_publish(request, curriculum_slug, module_slug):
    module = get_object_or_404(Module, curriculum__slug=curriculum_slug, slug=module_slug)
    latest = module.versions.order_by("-number").first()
    draft = module_snapshot(module, module.blocks.order_by("position", "id"))
    form = ChangeNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        version = module_publish(module=module, user=request.user, change_note=form.cleaned_data["change_note"])
        if latest and version.pk == latest.pk:
            messages.info(request, _("Nothing changed since version %(number)s.") % {"number": latest.number})
        else:
            messages.success(request, _("Published as version %(number)s.") % {"number": version.number})
        return redirect("workspace:core-publish", curriculum_slug=curriculum_slug, module_slug=module_slug)
    language = module.curriculum.source_language
    return render(
        request,
        "workspace/core_publish.html",
        {
            "module": module,
            "latest": latest,
            "rows": snapshot_changes(latest.snapshot if latest else None, draft, language),
            "unchanged": latest is not None and latest.snapshot == draft,
            "form": form,
            "language": language,
            "direction": language_direction(language),
        },
    )


def module_versions_compare(request, curriculum_slug, module_slug):
    """Any two published versions of a module, side by side as a word diff in the page language."""
    module = get_object_or_404(
        Module, curriculum__slug=curriculum_slug, curriculum__is_published=True, slug=module_slug
    )
    versions = list(module.versions.order_by("-number"))
    if not versions:
        raise Http404
    numbers = {version.number: version for version in versions}
    try:
        new = numbers[int(request.GET.get("to", versions[0].number))]
        old = numbers.get(int(request.GET.get("from", new.number - 1)))
    except (KeyError, ValueError):
        raise Http404 from None
    language = request.GET.get("language") or get_language()
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = module.curriculum.source_language
    return render(
        request,
        "workspace/compare.html",
        {
            "module": module,
            "versions": versions,
            "old": old,
            "new": new,
            "rows": snapshot_changes(old.snapshot if old else None, new.snapshot, language),
            "language": language,
            "direction": language_direction(language),
        },
    )
