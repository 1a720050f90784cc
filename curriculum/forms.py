from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import Block, Edition, Partner
from .translated import language_direction


class BlockTextForm(forms.Form):
    """A block's title and body in each of the edition's languages, with the revision the editor started from."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, languages, with_kind=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        if with_kind:
            self.fields["kind"] = forms.ChoiceField(choices=Block.Kind.choices, label=_("Kind"))
        for code in languages:
            name = get_language_info(code)["name_local"]
            direction = language_direction(code)
            attrs = {"lang": code, "dir": direction}
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 8}),
                help_text=_("Markdown: blank line between paragraphs, - for lists, **bold**."),
            )

    def language_fields(self):
        return [(code, self[f"title_{code}"], self[f"body_{code}"]) for code in self.languages]

    def texts(self, name):
        return {code: self.cleaned_data.get(f"{name}_{code}", "") for code in self.languages}

    def clean(self):
        cleaned = super().clean()
        if not any((cleaned.get(f"body_{code}") or "").strip() for code in self.languages):
            raise forms.ValidationError(_("Write the block's text in at least one language."))
        return cleaned


class ChangeNoteForm(forms.Form):
    change_note = forms.CharField(
        label=_("What changed"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 60})
    )


class PartnerLocationForm(forms.ModelForm):
    """How much of its location a partner shows the public."""

    class Meta:
        model = Partner
        fields = ["location_visibility"]
        widgets = {"location_visibility": forms.RadioSelect}


class EditionPrivacyForm(forms.ModelForm):
    """Who sees an edition (everyone, or only the partner's members and chosen affiliates), and which translations."""

    class Meta:
        model = Edition
        fields = ["is_private", "shared_with", "approved_translations_only"]
        widgets = {"shared_with": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only its own affiliates: sharing with another organisation is the secretariat's business, not a checkbox.
        # (lineage_ids is JSON: SQLite cannot filter inside it, and partners are a few hundred at most.)
        partner_id = self.instance.partner_id
        affiliates = [
            pk for pk, lineage in Partner.objects.values_list("pk", "lineage_ids") if partner_id in (lineage or [])[1:]
        ]
        self.fields["shared_with"].queryset = Partner.objects.filter(pk__in=affiliates).order_by("name")


class SuggestionForm(forms.Form):
    message = forms.CharField(
        label=_("Why should the core change?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("The secretariat reads this beside your text and the current core text."),
    )


class SuggestionDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, for the partner"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        help_text=_("Required to decline; sent to the partner's editors either way."),
    )
    confirm = forms.BooleanField(
        label=_("I compared the texts: replace the current core text with the partner's."),
        required=False,
    )
