from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops and reach")

    def ready(self):
        # The yearly review renders through the export pipeline as a document kind of its own.
        from exports import documents

        from .review import build_review

        documents.register("review", build_review)
