from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DownloadFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), required=False)
    edition = forms.ChoiceField(label=_("Edition"), required=False)

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("All languages")), *settings.LANGUAGES]
        self.fields["edition"].choices = [
            ("", _("All editions")),
            ("core", _("Core curriculum")),
            *[(partner.slug, partner.name) for partner in partners],
        ]


class SinceForm(forms.Form):
    since = forms.DateField(
        label=_("Date printed on your copy"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("It is on the cover and in the footer of every page."),
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"))
