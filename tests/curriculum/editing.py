"""Steps the curriculum tests share: read an edition's modules, make a core edit and publish it."""

from curriculum.models import Block
from curriculum.publishing import module_publish
from curriculum.resolution import edition_resolve


def resolved_modules(edition_, language="en", draft=False, partner=None):
    resolved = edition_resolve(
        curriculum=edition_.curriculum, partner=partner or edition_.partner, language=language, draft=draft
    )
    return {module.slug: module for module in resolved.modules}


def core_edit(module, key, text):
    block = Block.objects.get(module=module, key=key)
    block.body_en = text
    block.save()
    return module_publish(module=module, change_note="Core fix")
