from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "translations"
    verbose_name = _("Translations")

    def connect_signals(self):
        from . import memory, signals

        signals.connect()
        memory.connect()  # after the records' receivers: memory reads the records they write

    def ready(self):
        from curriculum.models import BlockAdaptation, LocalBlock
        from curriculum.translated import BLOCK_FIELDS

        from .services import translated_model_register

        # A partner's own text is translated and tracked like the core's (before the signals connect to it).
        translated_model_register(BlockAdaptation, BLOCK_FIELDS)
        translated_model_register(LocalBlock, BLOCK_FIELDS)
        self.connect_signals()
        from curriculum.publishing import SNAPSHOT_BLOCK_FACTS

        from .services import stale_languages_of_blocks

        if stale_languages_of_blocks not in SNAPSHOT_BLOCK_FACTS:
            SNAPSHOT_BLOCK_FACTS.append(stale_languages_of_blocks)
        from curriculum.approval import APPROVALS

        from .review import curriculum_approvals

        if curriculum_approvals not in APPROVALS:
            APPROVALS.append(curriculum_approvals)
        from celery.signals import task_prerun

        from .catalogs import catalogs_refresh_if_published

        # A worker picks up catalogs a translator published, before each task.
        task_prerun.connect(lambda **kwargs: catalogs_refresh_if_published(), weak=False, dispatch_uid="catalogs")
