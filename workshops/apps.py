from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = _("Workshops and reach")

    def ready(self):
        # The yearly review renders through the export pipeline as a document kind of its own.
        from exports import documents
        from exports.rendering import PDF_STYLESHEET

        from .review import REVIEW_TEMPLATE, build_review

        # What its rendering reads (the template links review.css): only these go into its fingerprint.
        documents.register("review", build_review, templates=(REVIEW_TEMPLATE,), stylesheets=(PDF_STYLESHEET,))
