from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self):
        # Every process that renders (web, CLI, workers) is a Django process: patch WeasyPrint here, once.
        from django.core import checks

        from . import serving, weasyprint_actualtext

        weasyprint_actualtext.install()
        checks.register(serving.serving_check)
