"""Publishing: freezing a module or a partner's layer as an immutable numbered version, and reading what is published.

Editions, PDFs, adaptations and workshop records point at these versions, so any PDF can be
reproduced and any change explained with a diff.
"""

from django.db import transaction
from django.db.models import OuterRef, Subquery

from .models import BlockAdaptation, Edition, EditionVersion, LocalBlock, Module, ModuleVersion
from .signals import content_published
from .translated import BLOCK_FIELDS, MODULE_FIELDS, translations_of

# Apps add facts to each block of a published snapshot: fn(blocks) -> {block.pk: {name: value}}
# (the translations app adds "stale": the languages whose translation lags behind the source).
# The blocks are of one model: core blocks, or a partner's overrides, or its local blocks.
SNAPSHOT_BLOCK_FACTS = []


def module_snapshot(module, blocks, *, facts=True):
    """The JSON that a published version freezes: every field in every language."""
    blocks = list(blocks)
    extra = _facts_of(blocks) if facts else {}
    return {
        "slug": module.slug,
        "kind": module.kind,
        "position": module.position,
        "duration_minutes": module.duration_minutes,
        **{name: translations_of(module, name) for name in MODULE_FIELDS},
        "blocks": [
            {
                "key": block.key,
                "kind": block.kind,
                **{name: translations_of(block, name) for name in BLOCK_FIELDS},
                **extra.get(block.pk, {}),
            }
            for block in blocks
        ],
    }


@transaction.atomic
def module_publish(*, module, user=None, change_note=""):
    """Freeze the module's current text as a new numbered version; unchanged text makes no new version."""
    # Lock the module row so two editors publishing at once get distinct numbers.
    Module.objects.select_for_update().filter(pk=module.pk).first()
    snapshot = module_snapshot(module, module.blocks.order_by("position", "id"))
    latest = module.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return latest
    version = ModuleVersion.objects.create(
        module=module,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        change_note=change_note[:300],
        published_by=user,
    )
    content_published.send(sender=ModuleVersion, curriculum=module.curriculum, partner=None)
    return version


@transaction.atomic
def curriculum_publish(*, curriculum, user=None, change_note=""):
    """Publish every module of a curriculum and open it to trainers."""
    versions = [
        module_publish(module=module, user=user, change_note=change_note)
        for module in curriculum.modules.order_by("position", "id")
    ]
    if not curriculum.is_published:
        curriculum.is_published = True
        curriculum.save(update_fields=["is_published", "updated_at"])
    return versions


def published_versions(curriculum, version_ids=None):
    """The latest published version of each module (or exactly the pinned ones), in one query."""
    if version_ids is not None:
        return ModuleVersion.objects.filter(pk__in=version_ids, module__curriculum=curriculum)
    latest_number = ModuleVersion.objects.filter(module=OuterRef("module")).order_by("-number").values("number")[:1]
    return ModuleVersion.objects.filter(module__curriculum=curriculum, number=Subquery(latest_number))


def published_edition_versions(curriculum, partner_ids, version_ids=None):
    """The latest published layer of each edition of these partners (or the pinned ones), in one query."""
    versions = EditionVersion.objects.select_related("edition__partner").filter(
        edition__curriculum=curriculum, edition__partner_id__in=partner_ids
    )
    if version_ids is not None:
        return versions.filter(pk__in=version_ids)
    latest_number = EditionVersion.objects.filter(edition=OuterRef("edition")).order_by("-number").values("number")[:1]
    return versions.filter(number=Subquery(latest_number))


def _facts_of(objects):
    extra = {}
    for facts_of in SNAPSHOT_BLOCK_FACTS:
        for pk, values in facts_of(objects).items():
            extra.setdefault(pk, {}).update(values)
    return extra


def edition_layer_snapshot(*, curriculum, partner, facts=True):
    """The JSON of a partner's current (draft) adaptation layer: what publishing its edition freezes.

    With `facts`, the partner's own text carries the snapshot facts the core's blocks do (which
    translations are stale), so its PDFs mark them; drafts leave them out (two queries more).
    """
    own = {"edition__curriculum": curriculum, "edition__partner": partner}
    # The edition and its partner ride along: a block's source language is the edition's.
    related = ("module", "edition__partner", "edition__curriculum")
    adaptations = list(BlockAdaptation.objects.filter(**own).select_related(*related))
    local_blocks = list(LocalBlock.objects.filter(**own).select_related(*related))
    overrides = [adaptation for adaptation in adaptations if adaptation.action == BlockAdaptation.Action.OVERRIDE]
    adaptation_facts = _facts_of(overrides) if facts and overrides else {}
    local_facts = _facts_of(local_blocks) if facts and local_blocks else {}
    layer = {"adaptations": {}, "locals": {}}
    for adaptation in adaptations:
        entry = {
            "action": adaptation.action,
            "based_on": adaptation.based_on,
            "based_on_version": adaptation.based_on_version,
        }
        if adaptation.action == BlockAdaptation.Action.OVERRIDE:
            entry["title"] = translations_of(adaptation, "title")
            entry["body"] = translations_of(adaptation, "body")
            entry.update(adaptation_facts.get(adaptation.pk, {}))
        layer["adaptations"][f"{adaptation.module.slug}/{adaptation.block_key}"] = entry
    for local in local_blocks:
        layer["locals"].setdefault(local.module.slug, []).append(
            {
                "key": local.key,
                "kind": local.kind,
                "after": local.after_key,
                "position": local.position,
                "title": translations_of(local, "title"),
                "body": translations_of(local, "body"),
                **local_facts.get(local.pk, {}),
            }
        )
    for items in layer["locals"].values():
        items.sort(key=lambda item: (item["after"], item["position"], item["key"]))
    return layer


@transaction.atomic
def edition_publish(*, edition, user=None, change_note=""):
    """Freeze the edition's adaptations as a new numbered version; an unchanged edition makes none."""
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    snapshot = edition_layer_snapshot(curriculum=edition.curriculum, partner=edition.partner)
    core_versions = {version.snapshot["slug"]: version.number for version in published_versions(edition.curriculum)}
    latest = edition.versions.order_by("-number").first()
    if latest is not None and latest.snapshot == snapshot:
        return latest
    version = EditionVersion.objects.create(
        edition=edition,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        core_versions=core_versions,
        change_note=change_note[:300],
        published_by=user,
    )
    content_published.send(sender=EditionVersion, curriculum=edition.curriculum, partner=edition.partner)
    return version
