from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from curriculum.models import Partner

from .models import ExportJob


class EditionExportForm(forms.Form):
    curriculum = forms.SlugField(widget=forms.HiddenInput)
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        label=_("Edition"),
        empty_label=_("Core curriculum (no partner adaptation)"),
    )
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=_("Language"))
    profile = forms.ChoiceField(choices=ExportJob.Profile.choices, initial=ExportJob.Profile.A4, label=_("Paper size"))
