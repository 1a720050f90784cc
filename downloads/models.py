import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


class Subscription(models.Model):
    """A trainer's opt-in to an e-mail when a new version of an edition is published."""

    email = models.EmailField(_("e-mail"))
    curriculum = models.ForeignKey(
        "curriculum.Curriculum", on_delete=models.CASCADE, related_name="+", verbose_name=_("curriculum")
    )
    partner = models.ForeignKey(
        "curriculum.Partner",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("partner"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_notified_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "curriculum", "partner", "language"], name="subscription_unique"),
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self):
        return (
            f"{self.email} → {self.curriculum.slug}/{self.partner.slug if self.partner_id else 'core'}/{self.language}"
        )
