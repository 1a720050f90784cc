from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from curriculum.translated import language_direction

from .matching import term_key

TEXT_LENGTH = 200


class Edited(models.Model):
    """Who changed a glossary row last and when: the list and the admin show it."""

    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        abstract = True


class Term(Edited):
    """A contested term of the source language ("leadership", "empowerment") and why its rendering matters."""

    text = models.CharField(_("term"), max_length=TEXT_LENGTH)
    language = models.CharField(
        _("source language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # The term as matching and uniqueness see it: "Leadership" and "leadership " are one term.
    key = models.CharField(max_length=TEXT_LENGTH, editable=False)
    note = models.TextField(_("note"), blank=True, help_text=_("The contested meaning: why the rendering matters."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["language", "key"], name="glossary_term_unique")]
        ordering = ["key"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.text

    def save(self, *args, **kwargs):
        self.text = " ".join(self.text.split())
        self.key = term_key(self.text)
        if kwargs.get("update_fields") is not None and "text" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "key"}
        super().save(*args, **kwargs)


class RenderingQuerySet(models.QuerySet):
    def network(self):
        return self.filter(partner__isnull=True)

    def for_edition(self, partner):
        """The network's renderings and those of a partner's lineage (itself, its parent...): the candidates."""
        if partner is None:
            return self.network()
        return self.filter(
            models.Q(partner__isnull=True) | models.Q(partner_id__in=partner.lineage_ids or [partner.pk])
        )


class Rendering(Edited):
    """The preferred rendering of a term in one language, for the network or for one partner's editions."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="renderings", verbose_name=_("term"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="glossary_renderings",
        verbose_name=_("partner"),
        help_text=_("Leave empty for the whole network; a partner's rendering overrides it in the partner's editions."),
    )
    text = models.CharField(_("preferred rendering"), max_length=TEXT_LENGTH)
    variants = models.TextField(
        _("also accepted"),
        blank=True,
        help_text=_("Other forms that count as the preferred rendering (inflections, plural), one per line."),
    )
    avoid = models.TextField(
        _("forms to avoid"),
        blank=True,
        help_text=_(
            "Renderings advised against (the contested ones), one per line: a translation using one is warned about."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    objects = RenderingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "language", "partner"], name="glossary_rendering_unique"),
            # NULLs are distinct in a unique constraint: the network's rendering needs its own.
            models.UniqueConstraint(
                fields=["term", "language"],
                condition=models.Q(partner__isnull=True),
                name="glossary_rendering_unique_network",
            ),
        ]
        ordering = ["term__key", "language", "partner__name"]
        verbose_name = _("glossary rendering")
        verbose_name_plural = _("glossary renderings")

    def __str__(self):
        return f"{self.term} → {self.language}: {self.text}" + (f" ({self.partner})" if self.partner_id else "")

    def clean(self):
        super().clean()
        if self.term_id and self.language == self.term.language:
            raise ValidationError({"language": _("A rendering is in another language than its term.")})

    @property
    def direction(self):
        return language_direction(self.language)

    @property
    def forms(self):
        """The preferred rendering and every accepted variant: a translation using any of them follows the glossary."""
        return [self.text, *self.variant_list]

    @property
    def variant_list(self):
        return _lines(self.variants)

    @property
    def avoid_list(self):
        return _lines(self.avoid)


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]
