from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from curriculum.models import Curriculum, EditionVersion, ModuleVersion, Partner
from curriculum.roles import is_secretariat

from .models import Person, Resource, Workshop
from .permissions import partners_editable_by
from .selectors import ReachFilters


class ModuleVersionField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, version):
        return _("%(module)s · version %(number)d") % {
            "module": version.module.title or version.module.slug,
            "number": version.number,
        }


class WorkshopForm(forms.ModelForm):
    module_versions = ModuleVersionField(
        queryset=ModuleVersion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Modules used"),
        help_text=_("The published version of each module that was taught."),
    )
    new_facilitators = forms.CharField(
        label=_("Other facilitators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name a line; they are added to the partner's people."),
    )

    class Meta:
        model = Workshop
        fields = [
            "kind",
            "partner",
            "country",
            "place",
            "start_date",
            "end_date",
            "language",
            "curriculum",
            "edition_version",
            "module_versions",
            "facilitators",
            "new_facilitators",
            "participants_women",
            "participants_men",
            "participants_total",
            "pre_score",
            "post_score",
            "parent_tot",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "facilitators": forms.CheckboxSelectMultiple,
            "country": forms.TextInput(attrs={"maxlength": 2, "size": 3, "dir": "ltr"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = partners_editable_by(user)
        self.fields["partner"].queryset = partners.order_by("name")
        self.fields["curriculum"].queryset = Curriculum.objects.filter(is_published=True)
        self.fields["module_versions"].queryset = (
            ModuleVersion.objects.filter(module__curriculum__is_published=True)
            .select_related("module")
            .order_by("module__curriculum", "module__position", "-number")
        )
        self.fields["facilitators"].queryset = Person.objects.filter(partner__in=partners)
        # An affiliate may teach its parent partner's edition.
        self.fields["edition_version"].queryset = (
            EditionVersion.objects.filter(
                Q(edition__partner__in=partners) | Q(edition__partner__affiliates__in=partners)
            )
            .select_related("edition__partner", "edition__curriculum")
            .distinct()
        )
        # Regional ToTs bring several partners together: any partner's ToT can be the origin.
        tots = Workshop.objects.filter(kind__in=Workshop.TOT_KINDS).select_related("partner")
        if self.instance.pk:
            tots = tots.exclude(pk=self.instance.pk)
        self.fields["parent_tot"].queryset = tots
        self.fields["parent_tot"].label_from_instance = lambda tot: f"{tot} · {tot.partner.name}"
        if not self.is_bound and not self.instance.pk and partners.count() == 1:
            partner = partners.get()
            self.initial.setdefault("partner", partner.pk)
            self.initial.setdefault("country", partner.country)

    def clean_country(self):
        country = self.cleaned_data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise forms.ValidationError(_("Enter a two-letter ISO country code."))
        return country

    def clean(self):
        cleaned = super().clean()
        curriculum = cleaned.get("curriculum")
        versions = cleaned.get("module_versions") or []
        if curriculum and any(version.module.curriculum_id != curriculum.pk for version in versions):
            self.add_error("module_versions", _("Choose modules of the chosen curriculum."))
        modules = [version.module_id for version in versions]
        if len(modules) != len(set(modules)):
            self.add_error("module_versions", _("Choose one version of each module."))
        self.new_facilitator_names = [
            name.strip() for name in cleaned.get("new_facilitators", "").splitlines() if name.strip()
        ]
        if any(len(name) > 200 for name in self.new_facilitator_names):
            self.add_error("new_facilitators", _("A name is longer than 200 characters."))
        return cleaned

    def model_data(self):
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in {"module_versions", "facilitators", "new_facilitators"}
        }


class WorkshopImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, with the template's header."))


class ReachFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.order_by("name"), required=False, to_field_name="slug"
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", "—"), *settings.LANGUAGES])
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", "—"), *Workshop.Kind.choices])
    module = forms.SlugField(label=_("Module"), required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((year, year) for year in years)]

    def filters(self):
        if not self.is_valid():
            return ReachFilters()
        data = self.cleaned_data
        return ReachFilters(
            year=data["year"],
            country=data["country"].upper(),
            partner=data["partner"].slug if data["partner"] else "",
            language=data["language"],
            kind=data["kind"],
            module=data["module"],
        )


class ReviewRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ResourceForm(forms.ModelForm):
    """English title (the fallback for every language), and the page's language when it is another one."""

    upload = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("External link"), required=False, max_length=500, assume_scheme="https")
    tag_names = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=400)

    class Meta:
        model = Resource
        fields = ["kind", "year", "language", "partner"]

    def __init__(self, *args, user, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["partner"].queryset = partners_editable_by(user).order_by("name")
        self.fields["partner"].required = not is_secretariat(user)
        self.text_languages = ["en"] if language == "en" else ["en", language]
        names = dict(settings.LANGUAGES)
        for code in self.text_languages:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": names[code]}, max_length=200, required=code == "en"
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=_("Description (%(language)s)") % {"language": names[code]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("upload")) == bool(cleaned.get("url")):
            raise forms.ValidationError(_("Give either a file or an external link."))
        url = cleaned.get("url") or ""
        if url and not url.lower().startswith(("https://", "http://")):
            self.add_error("url", _("Links must start with https:// or http://."))
        return cleaned

    def model_data(self):
        data = {name: self.cleaned_data[name] for name in [*self.Meta.fields, "url"]}
        for code in self.text_languages:
            data[f"title_{code}"] = self.cleaned_data[f"title_{code}"]
            data[f"description_{code}"] = self.cleaned_data[f"description_{code}"]
        data["title"] = self.cleaned_data["title_en"]
        return data

    def tags(self):
        return [name.strip() for name in self.cleaned_data["tag_names"].split(",") if name.strip()][:20]


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", "—"), *Resource.Kind.choices])
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", "—"), *settings.LANGUAGES])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.order_by("name"), required=False, to_field_name="slug"
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True)

    def search_arguments(self):
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "kind": data["kind"],
            "language": data["language"],
            "year": data["year"],
            "partner": data["partner"].slug if data["partner"] else "",
            "tag": data["tag"],
        }
