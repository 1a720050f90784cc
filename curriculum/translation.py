from modeltranslation.translator import TranslationOptions, register

from .models import Block, Curriculum, Module, Partner


@register(Curriculum)
class CurriculumTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Module)
class ModuleTranslation(TranslationOptions):
    fields = ("title", "topic", "summary")


@register(Block)
class BlockTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Partner)
class PartnerTranslation(TranslationOptions):
    fields = ("description",)
