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
    document = forms.ChoiceField(
        choices=ExportJob.Kind.choices, initial=ExportJob.Kind.MANUAL, label=_("Document"), required=False
    )
    # The curriculum page lists the edition's modules; the service refuses a slug it does not have.
    module = forms.SlugField(required=False, label=_("Module"))
    profile = forms.ChoiceField(choices=ExportJob.Profile.choices, initial=ExportJob.Profile.A4, label=_("Paper size"))
    grayscale = forms.BooleanField(required=False, label=_("For a photocopier (grayscale)"))

    def clean(self):
        cleaned = super().clean()
        cleaned["document"] = cleaned.get("document") or ExportJob.Kind.MANUAL
        if cleaned["document"] == ExportJob.Kind.MODULE and not cleaned.get("module"):
            self.add_error("module", _("Choose the module to print."))
        return cleaned

    def export_params(self):
        """The job parameters this request asks for."""
        params = {"grayscale": self.cleaned_data["grayscale"]}
        if self.cleaned_data["document"] == ExportJob.Kind.MODULE:
            params["module"] = self.cleaned_data["module"]
        return params
