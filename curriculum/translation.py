from modeltranslation.translator import TranslationOptions, register

from .models import Block, BlockAdaptation, Curriculum, LocalBlock, Module, Partner


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


@register(BlockAdaptation)
class BlockAdaptationTranslation(TranslationOptions):
    fields = ("title", "body")


@register(LocalBlock)
class LocalBlockTranslation(TranslationOptions):
    fields = ("title", "body")
