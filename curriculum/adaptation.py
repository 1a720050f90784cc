"""Adapting an edition block by block: override, hide, inherit, local blocks, and what changed upstream since."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from .changes import snapshot_changes, word_diff
from .models import Block, BlockAdaptation, Edition, LocalBlock, Module, ModuleVersion
from .publishing import published_versions
from .resolution import adapted_languages, edition_layers, module_raw_blocks, upstream_change, upstream_text
from .translated import language_direction, pick, set_translations, translations_of


class AdaptationError(Exception):
    """An adaptation that cannot be made; the message says why."""


class AdaptationConflict(AdaptationError):
    """Someone saved this block since the form was opened: nothing was overwritten."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this block after you opened it. Compare both texts and save again."))
        self.current = current


def edition_get_or_create(*, curriculum, partner):
    edition, _created = Edition.objects.get_or_create(curriculum=curriculum, partner=partner)
    return edition


def upstream_blocks(*, curriculum, partner, module):
    """The blocks a partner adapts in a module: the published text of its upstream (core, or its parent's edition)."""
    version = published_versions(curriculum).filter(module=module).first()
    if version is None:
        raise AdaptationError(_("This module has no published version to adapt yet."))
    layers = edition_layers(curriculum=curriculum, partner=partner.parent)[0] if partner.parent_id else []
    visible, _hidden = module_raw_blocks(version.snapshot, version.number, layers, curriculum.source_language)
    return version, {block["key"]: block for block in visible}


def _upstream_block(edition, module, block_key):
    version, blocks = upstream_blocks(curriculum=edition.curriculum, partner=edition.partner, module=module)
    if block_key not in blocks:
        raise AdaptationError(_("This block is not in the upstream edition any more."))
    return version, blocks[block_key]


def _based_on(edition, upstream, own_body):
    """The upstream text an adaptation is made against, in the languages it is compared in."""
    own = [code for code, text in own_body.items() if text]
    return upstream_text(upstream, adapted_languages(upstream, own, edition.curriculum.source_language))


def _check_revision(current, expected_revision):
    """Refuse a save made from a form opened before someone else's save (revision 0: opened before it existed)."""
    if expected_revision is not None and current is not None and current.revision != expected_revision:
        raise AdaptationConflict(current)


@transaction.atomic
def adaptation_override(*, edition, module, block_key, title, body, user=None, expected_revision=None):
    """Give an upstream block the edition's own text (by language); it records the upstream text it was based on."""
    version, upstream = _upstream_block(edition, module, block_key)
    current = BlockAdaptation.objects.select_for_update().filter(edition=edition, module=module, block_key=block_key)
    adaptation = current.first()
    _check_revision(adaptation, expected_revision)
    clean_body = {code: text for code, text in body.items() if text and text.strip()}
    if not clean_body:
        raise AdaptationError(_("Write the block's text in at least one language, or keep the core text."))
    if adaptation is None:
        adaptation = BlockAdaptation(edition=edition, module=module, block_key=block_key, revision=0)
    adaptation.action = BlockAdaptation.Action.OVERRIDE
    set_translations(adaptation, "title", {code: text for code, text in title.items() if text})
    set_translations(adaptation, "body", clean_body)
    adaptation.based_on = _based_on(edition, upstream, clean_body)
    adaptation.based_on_version = version.number
    adaptation.revision += 1
    adaptation.updated_by = user
    adaptation.save()
    return adaptation


@transaction.atomic
def adaptation_hide(*, edition, module, block_key, user=None):
    """Hide an upstream block in this edition."""
    version, upstream = _upstream_block(edition, module, block_key)
    adaptation, _created = BlockAdaptation.objects.update_or_create(
        edition=edition,
        module=module,
        block_key=block_key,
        defaults={
            "action": BlockAdaptation.Action.HIDE,
            "based_on": _based_on(edition, upstream, {}),
            "based_on_version": version.number,
            "updated_by": user,
        },
    )
    set_translations(adaptation, "title", {})
    set_translations(adaptation, "body", {})
    adaptation.revision += 1
    adaptation.save()
    return adaptation


def adaptation_inherit(*, edition, module, block_key):
    """Drop the edition's adaptation of a block: it shows (and follows) the upstream text again."""
    BlockAdaptation.objects.filter(edition=edition, module=module, block_key=block_key).delete()


@transaction.atomic
def adaptation_acknowledge(*, edition, module, block_key, user=None):
    """Keep the edition's own text (or hiding) after an upstream change: it is current again."""
    version, upstream = _upstream_block(edition, module, block_key)
    adaptation = BlockAdaptation.objects.select_for_update().get(edition=edition, module=module, block_key=block_key)
    adaptation.based_on = _based_on(edition, upstream, translations_of(adaptation, "body"))
    adaptation.based_on_version = version.number
    adaptation.revision += 1
    adaptation.updated_by = user
    adaptation.save()
    return adaptation


def _new_local_key(edition, module):
    taken = set(LocalBlock.objects.filter(module=module).values_list("key", flat=True))
    taken |= set(module.blocks.values_list("key", flat=True))
    prefix = f"{edition.partner.slug[:60]}-local"
    number = 1
    while f"{prefix}-{number}" in taken:
        number += 1
    return f"{prefix}-{number}"


@transaction.atomic
def local_block_save(
    *, edition, module, kind, title, body, after_key="", local=None, user=None, expected_revision=None
):
    """Add a local block after an upstream block (or at the start), or save an existing one."""
    clean_body = {code: text for code, text in body.items() if text and text.strip()}
    if not clean_body:
        raise AdaptationError(_("Write the block's text in at least one language."))
    if kind not in Block.Kind.values:
        raise AdaptationError(_("Choose what kind of block this is."))
    if local is None:
        if after_key:
            _upstream_block(edition, module, after_key)
        siblings = LocalBlock.objects.filter(edition=edition, module=module, after_key=after_key)
        local = LocalBlock(
            edition=edition,
            module=module,
            key=_new_local_key(edition, module),
            after_key=after_key,
            position=(max(siblings.values_list("position", flat=True), default=0) + 1),
            revision=0,
        )
    else:
        locked = LocalBlock.objects.select_for_update().get(pk=local.pk)
        _check_revision(locked, expected_revision)
        local = locked
    local.kind = kind
    set_translations(local, "title", {code: text for code, text in title.items() if text})
    set_translations(local, "body", clean_body)
    local.revision += 1
    local.updated_by = user
    local.save()
    return local


@transaction.atomic
def local_block_move(*, local, offset):
    """Move a local block up (-1) or down (+1) among the local blocks at the same place."""
    siblings = list(
        LocalBlock.objects.select_for_update()
        .filter(edition=local.edition, module=local.module, after_key=local.after_key)
        .order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == local.pk)
    target = index + offset
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings, start=1):
            if sibling.position != position:
                LocalBlock.objects.filter(pk=sibling.pk).update(position=position)


def local_block_delete(*, local):
    local.delete()


@dataclass
class StaleAdaptation:
    module: Module
    block_key: str
    action: str
    adaptation: BlockAdaptation
    upstream_title: str
    diff_html: str
    own_text: str
    upstream_version: int
    language: str  # the language the change is shown in

    @property
    def direction(self):
        return language_direction(self.language)


def edition_stale_adaptations(*, edition):
    """Adaptations whose upstream block changed since they were made: 'core changed since you adapted it'."""
    source_language = edition.curriculum.source_language
    adaptations = list(edition.adaptations.select_related("module").order_by("module__position", "block_key"))
    stale = []
    cache = {}
    for adaptation in adaptations:
        module = adaptation.module
        if module.pk not in cache:
            try:
                cache[module.pk] = upstream_blocks(
                    curriculum=edition.curriculum, partner=edition.partner, module=module
                )
            except AdaptationError:
                cache[module.pk] = (None, {})
        version, blocks = cache[module.pk]
        upstream = blocks.get(adaptation.block_key)
        if upstream is None:
            continue
        change = upstream_change(adaptation.based_on, upstream, source_language)
        if change is None:
            continue
        language, before, now = change
        stale.append(
            StaleAdaptation(
                module=module,
                block_key=adaptation.block_key,
                action=adaptation.action,
                adaptation=adaptation,
                upstream_title=now["title"],
                diff_html=word_diff(before["body"], now["body"]),
                own_text=pick(translations_of(adaptation, "body"), language)[0],
                upstream_version=version.number,
                language=language,
            )
        )
    return stale


def edition_core_changes(*, edition):
    """Modules whose core text changed since the edition was last published, with a diff per changed block."""
    latest = edition.versions.order_by("-number").first()
    if latest is None:
        return []
    source_language = edition.curriculum.source_language
    current = {version.snapshot["slug"]: version for version in published_versions(edition.curriculum)}
    wanted = [
        (slug, number)
        for slug, number in latest.core_versions.items()
        if slug in current and current[slug].number != number
    ]
    if not wanted:
        return []
    old_versions = {
        (version.module.slug, version.number): version
        for version in ModuleVersion.objects.filter(module__curriculum=edition.curriculum).select_related("module")
        if (version.module.slug, version.number) in set(wanted)
    }
    changes = []
    for slug, number in wanted:
        old, new = old_versions.get((slug, number)), current[slug]
        blocks = [
            change
            for change in snapshot_changes(old.snapshot if old else None, new.snapshot, source_language)
            if change.changed
        ]
        changes.append({"module": slug, "from": number, "to": new.number, "note": new.change_note, "blocks": blocks})
    return changes
