from modeltranslation.translator import TranslationOptions, register

from .models import Resource, Tag


@register(Resource)
class ResourceTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)
