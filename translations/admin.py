from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from config.admin import RecordAdmin
from curriculum.models import Block, Module

from .models import TranslationRecord, TranslatorGrant
from .services import source_texts, translation_records_keep_current


class MinorEditForm(forms.ModelForm):
    minor_edit = forms.BooleanField(
        label=_("Minor edit (keep translations current)"),
        required=False,
        help_text=_("For typo fixes: translations of the text you change here are not marked as needing review."),
    )


class MinorEditAdminMixin:
    """Adds the "minor edit" checkbox to a content admin: ticked, the object's (and a module's blocks') translations stay current."""

    form = MinorEditForm

    def save_model(self, request, obj, form, change):
        # The source as it was before this save: only translations that were current stay current.
        self._previous_sources = {}
        if change and form.cleaned_data.get("minor_edit"):
            self._previous_sources[(type(obj), obj.pk)] = source_texts(obj)
            if isinstance(obj, Module):
                for block in obj.blocks.all():
                    self._previous_sources[(Block, block.pk)] = source_texts(block)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        related = list(obj.blocks.all()) if isinstance(obj, Module) else []
        for each in [obj, *related]:
            previous = getattr(self, "_previous_sources", {}).get((type(each), each.pk))
            if previous:
                translation_records_keep_current(obj=each, previous_sources=previous)


@admin.register(TranslatorGrant)
class TranslatorGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "partner", "may_review")
    list_filter = ("language", "may_review")
    autocomplete_fields = ("user",)


@admin.register(TranslationRecord)
class TranslationRecordAdmin(RecordAdmin):
    list_display = (
        "content_type", "object_id", "field", "language", "translated_at", "translated_by", "review_state",
    )  # fmt: skip
    list_filter = ("language", "content_type", "review_state")

    def has_change_permission(self, request, obj=None):
        return False
