from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from curriculum.models import Partner
from curriculum.translated import language_direction

from .exchange import MAX_FILE_BYTES
from .models import TEXT_LENGTH
from .services import RenderingInput


class RenderingsForm(forms.Form):
    """The preferred rendering, accepted variants and note of one term in each of some languages."""

    def __init__(self, *args, languages, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages = languages
        for code in languages:
            name = get_language_info(code)["name_local"]
            attrs = {"lang": code, "dir": language_direction(code)}
            self.fields[f"rendering_{code}"] = forms.CharField(
                label=_("Preferred rendering (%(language)s)") % {"language": name},
                required=False,
                max_length=TEXT_LENGTH,
                widget=forms.TextInput(attrs=attrs),
            )
            self.fields[f"variants_{code}"] = forms.CharField(
                label=_("Also accepted (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 2}),
                help_text=_("Inflected or plural forms that count as the preferred rendering, one per line."),
            )
            self.fields[f"avoid_{code}"] = forms.CharField(
                label=_("Forms to avoid (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 2}),
                help_text=_(
                    "Contested renderings a translation should not use, one per line: the editor warns about them."
                ),
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Note (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={**attrs, "rows": 2}),
            )

    def language_rows(self):
        return [
            (code, *(self[f"{name}_{code}"] for name in ("rendering", "variants", "avoid", "note")))
            for code in self.languages
        ]

    def renderings(self):
        data = self.cleaned_data
        return {
            code: RenderingInput(
                data[f"rendering_{code}"], data[f"variants_{code}"], data[f"note_{code}"], data[f"avoid_{code}"]
            )
            for code in self.languages
        }

    @classmethod
    def initial_from(cls, renderings):
        initial = {}
        for rendering in renderings:
            initial[f"rendering_{rendering.language}"] = rendering.text
            initial[f"variants_{rendering.language}"] = rendering.variants
            initial[f"note_{rendering.language}"] = rendering.note
            initial[f"avoid_{rendering.language}"] = rendering.avoid
        return initial


class TermForm(RenderingsForm):
    """A network term, its note and the network's renderings in every other language."""

    text = forms.CharField(label=_("Term"), max_length=TEXT_LENGTH)
    language = forms.ChoiceField(label=_("Language of the term"), choices=settings.LANGUAGES)
    note = forms.CharField(
        label=_("Why it is contested"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The meanings the term carries and why the network chose its renderings."),
    )

    field_order = ["text", "language", "note"]

    def __init__(self, *args, term_language=settings.LANGUAGE_CODE, **kwargs):
        languages = [code for code in settings.LANGUAGE_CODES if code != term_language]
        super().__init__(*args, languages=languages, **kwargs)

    def term_fields(self):
        return [self["text"], self["language"], self["note"]]

    def clean(self):
        cleaned = super().clean()
        language = cleaned.get("language")
        if language and cleaned.get(f"rendering_{language}"):
            self.add_error(f"rendering_{language}", _("The term is in this language: it needs no rendering here."))
        return cleaned

    def renderings(self):
        language = self.cleaned_data["language"]
        return {code: value for code, value in super().renderings().items() if code != language}


class GlossaryFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=Partner.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("The network"),
    )
    q = forms.CharField(label=_("Term contains"), required=False, max_length=TEXT_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]


class GlossaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("TBX or CSV file"),
        help_text=_("TBX-Basic or TBX v3, or CSV (UTF-8) with the columns term, language, rendering, partner, note."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
