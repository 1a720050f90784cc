"""Services of the curriculum: publishing, resolving editions, JSON exchange."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .markup import disallowed_markup, markdown_to_html
from .models import (
    Block,
    BlockAdaptation,
    Curriculum,
    Edition,
    EditionVersion,
    LocalBlock,
    Module,
    ModuleVersion,
    Partner,
)
from .signals import content_published

CURRICULUM_FIELDS = ("title", "description")
MODULE_FIELDS = ("title", "topic", "summary")
BLOCK_FIELDS = ("title", "body")
JSON_FORMAT_VERSION = 1


def language_chain(language):
    """The language itself, then its explicit fallbacks; every chain ends in English."""
    chain = [language]
    for code in settings.CONTENT_FALLBACKS.get(language, settings.CONTENT_FALLBACKS["default"]):
        if code not in chain:
            chain.append(code)
    return chain


def language_direction(language):
    return "rtl" if language in settings.RTL_LANGUAGES else "ltr"


def translations_of(obj, field_name):
    """Every non-empty translation of a modeltranslation field, by language."""
    values = {}
    for code in settings.LANGUAGE_CODES:
        value = getattr(obj, f"{field_name}_{code}", None)
        if value:
            values[code] = value
    return values


def pick(translations, language):
    """(text, language it is in) along the fallback chain; ("", language) if none."""
    for code in language_chain(language):
        if translations.get(code):
            return translations[code], code
    return "", language


# --- Snapshots and publishing ---------------------------------------------------


# Apps add facts to each block of a published snapshot: fn(blocks) -> {block.pk: {name: value}}
# (the translations app adds "stale": the languages whose translation lags behind the source).
SNAPSHOT_BLOCK_FACTS = []


def module_snapshot(module, blocks, *, facts=True):
    """The JSON that a published version freezes: every field in every language."""
    blocks = list(blocks)
    extra = {}
    for facts_of in SNAPSHOT_BLOCK_FACTS if facts else []:
        for pk, values in facts_of(blocks).items():
            extra.setdefault(pk, {}).update(values)
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


# --- Resolving an edition ---------------------------------------------------------
#
# An edition is a stack of layers: the core's published module versions, then
# each partner in the lineage (partner, then affiliate) applying its own layer
# of adaptations (override / hide a block, add local blocks). Layers are plain
# JSON (a published EditionVersion snapshot, or the live rows for a draft), so
# resolving takes a constant number of queries however large the edition is.


class Source(models.TextChoices):
    CORE = "core", gettext_lazy("Core")
    PARTNER = "partner", gettext_lazy("Partner")
    AFFILIATE = "affiliate", gettext_lazy("Affiliate")


@dataclass(frozen=True)
class ResolvedBlock:
    key: str
    kind: str
    title: str
    body: str
    language: str
    is_fallback: bool
    source: str = Source.CORE
    source_name: str = ""
    source_version: int | None = None
    adaptation: str = "inherited"  # inherited | override | local
    # The translation in `language` was made from an older source text (see translations).
    is_stale: bool = False
    # An adaptation made against upstream text that has changed since (see edition_stale_adaptations).
    upstream_changed: bool = False

    @property
    def direction(self):
        return language_direction(self.language)

    @property
    def kind_label(self):
        return Block.Kind(self.kind).label

    @property
    def source_label(self):
        return Source(self.source).label

    @cached_property
    def body_html(self):
        return markdown_to_html(self.body)


@dataclass(frozen=True)
class ResolvedModule:
    slug: str
    kind: str
    position: int
    duration_minutes: int | None
    title: str
    title_language: str
    topic: str
    summary: str
    summary_language: str
    version_id: int | None
    version_number: int | None
    blocks: list = field(default_factory=list)
    hidden: list = field(default_factory=list)

    @property
    def kind_label(self):
        return Module.Kind(self.kind).label

    @property
    def title_direction(self):
        return language_direction(self.title_language)

    @property
    def summary_direction(self):
        return language_direction(self.summary_language)

    @property
    def fallback_count(self):
        return sum(1 for block in self.blocks if block.is_fallback)


@dataclass(frozen=True)
class ResolvedEdition:
    curriculum: Curriculum
    partner: Partner | None
    language: str
    title: str
    title_language: str
    description: str
    description_language: str
    modules: list
    draft: bool = False
    edition_versions: dict = field(default_factory=dict)  # partner slug → published edition version number
    edition_version_ids: list = field(default_factory=list)

    @property
    def direction(self):
        return language_direction(self.language)

    @property
    def title_direction(self):
        return language_direction(self.title_language)

    @property
    def description_direction(self):
        return language_direction(self.description_language)

    @property
    def version_ids(self):
        return [module.version_id for module in self.modules if module.version_id]

    @property
    def block_count(self):
        return sum(len(module.blocks) for module in self.modules)

    @property
    def fallback_languages(self):
        return sorted({block.language for module in self.modules for block in module.blocks if block.is_fallback})

    def content_digest(self):
        """A hash of everything the edition shows; any change to the text changes it."""
        payload = {
            "curriculum": self.curriculum.slug,
            "title": [self.title, self.description],
            "partner": [self.partner.slug, self.partner.name] if self.partner else None,
            "language": self.language,
            "editions": self.edition_versions,
            "modules": [
                [m.slug, m.kind, m.title, m.topic, m.summary, m.duration_minutes, m.version_id]
                + [[b.key, b.kind, b.title, b.body, b.language, b.source, b.source_name] for b in m.blocks]
                for m in self.modules
            ],
        }
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def upstream_text(block, source_language):
    """The part of an upstream block whose change makes an adaptation of it stale."""
    return {
        "title": block["title"].get(source_language, ""),
        "body": block["body"].get(source_language, ""),
    }


def _core_blocks(snapshot, version_number):
    return [
        {
            "key": block["key"],
            "kind": block["kind"],
            "title": block.get("title", {}),
            "body": block.get("body", {}),
            "source": Source.CORE,
            "source_name": "",
            "source_version": version_number,
            "adaptation": "inherited",
            "upstream_changed": False,
            "stale_languages": block.get("stale", []),
        }
        for block in snapshot["blocks"]
    ]


def _apply_layer(module_slug, blocks, layer, *, source, source_name, version, source_language):
    """One partner's layer over the upstream blocks of a module: (visible blocks, hidden blocks)."""
    adaptations = layer.get("adaptations", {})
    locals_by_anchor = {}
    for local in sorted(layer.get("locals", {}).get(module_slug, []), key=lambda item: item.get("position", 0)):
        locals_by_anchor.setdefault(local.get("after", ""), []).append(local)

    def local_block(local):
        return {
            "key": local["key"],
            "kind": local["kind"],
            "title": local.get("title", {}),
            "body": local.get("body", {}),
            "source": source,
            "source_name": source_name,
            "source_version": version,
            "adaptation": "local",
            "upstream_changed": False,
            "stale_languages": [],
        }

    visible = [local_block(local) for local in locals_by_anchor.pop("", [])]
    hidden = []
    for block in blocks:
        adaptation = adaptations.get(f"{module_slug}/{block['key']}")
        if adaptation is None:
            visible.append(block)
        else:
            changed = adaptation.get("based_on") != upstream_text(block, source_language)
            if adaptation["action"] == "hide":
                hidden.append({**block, "upstream_changed": changed, "hidden_by": source_name})
            else:
                visible.append(
                    {
                        **block,
                        "title": adaptation.get("title") or block["title"],
                        "body": adaptation.get("body", {}),
                        "source": source,
                        "source_name": source_name,
                        "source_version": version,
                        "adaptation": "override",
                        "upstream_changed": changed,
                        "stale_languages": [],
                    }
                )
        visible.extend(local_block(local) for local in locals_by_anchor.pop(block["key"], []))
    # Local blocks whose anchor left the upstream stay, at the end, rather than vanish.
    for orphans in locals_by_anchor.values():
        visible.extend(local_block(local) for local in orphans)
    return visible, hidden


def _pick_block(block, language):
    body, body_language = pick(block["body"], language)
    if not body and block["body"]:
        # An override written only in languages off this chain: show it rather than nothing.
        body_language, body = next(iter(block["body"].items()))
    block_title, _title_language = pick(block["title"], body_language)
    if not block_title:
        block_title, _title_language = pick(block["title"], language)
    return ResolvedBlock(
        key=block["key"],
        kind=block["kind"],
        title=block_title,
        body=body,
        language=body_language,
        is_fallback=body_language != language,
        source=block["source"],
        source_name=block["source_name"],
        source_version=block["source_version"],
        adaptation=block["adaptation"],
        is_stale=body_language in block["stale_languages"],
        upstream_changed=block["upstream_changed"],
    )


def _resolve_module(snapshot, language, version=None, layers=(), source_language="en"):
    title, title_language = pick(snapshot["title"], language)
    summary, summary_language = pick(snapshot.get("summary", {}), language)
    topic, _topic_language = pick(snapshot.get("topic", {}), language)
    blocks, hidden = module_raw_blocks(snapshot, version.number if version else None, layers, source_language)
    return ResolvedModule(
        slug=snapshot["slug"],
        kind=snapshot["kind"],
        position=snapshot.get("position", 0),
        duration_minutes=snapshot.get("duration_minutes"),
        title=title,
        title_language=title_language,
        topic=topic,
        summary=summary,
        summary_language=summary_language,
        version_id=version.pk if version else None,
        version_number=version.number if version else None,
        blocks=[_pick_block(block, language) for block in blocks],
        hidden=[_pick_block(block, language) for block in hidden],
    )


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


def _layer_source(partner):
    return Source.AFFILIATE if partner.parent_id else Source.PARTNER


def edition_layers(*, curriculum, partner, draft=False, edition_version_ids=None):
    """The adaptation layers over the core for a partner, ancestors first.

    Returns (layers, {partner slug: published version number}, [published version ids]).
    """
    layers, edition_versions, version_ids = [], {}, []
    if partner is None:
        return layers, edition_versions, version_ids
    lineage = partner.lineage_ids or [partner.pk]
    upstream_ids = lineage[1:] if draft else lineage
    published = {
        version.edition.partner_id: version
        for version in published_edition_versions(curriculum, upstream_ids, edition_version_ids)
    }
    for partner_id in reversed(lineage):
        version = published.get(partner_id)
        if partner_id == partner.pk and draft:
            layers.append(
                {
                    "layer": edition_layer_snapshot(curriculum=curriculum, partner=partner),
                    "source": _layer_source(partner),
                    "source_name": partner.name,
                    "version": None,
                }
            )
        elif version is not None:
            edition_versions[version.edition.partner.slug] = version.number
            version_ids.append(version.pk)
            layers.append(
                {
                    "layer": version.snapshot,
                    "source": _layer_source(version.edition.partner),
                    "source_name": version.edition.partner.name,
                    "version": version.number,
                }
            )
    return layers, edition_versions, version_ids


def edition_resolve(*, curriculum, language, partner=None, version_ids=None, edition_version_ids=None, draft=False):
    """The ordered, fully resolved modules and blocks of an edition, in a constant number of queries.

    Trainers and PDFs see published versions only. `draft=True` shows an editor
    the current text of the top layer (the core, or the partner's own
    adaptations over published upstream layers). `version_ids` and
    `edition_version_ids` pin exactly the versions a job was asked for.
    """
    layers, edition_versions, pinned_layer_ids = edition_layers(
        curriculum=curriculum, partner=partner, draft=draft, edition_version_ids=edition_version_ids
    )
    source_language = curriculum.source_language
    if draft and partner is None:
        modules = curriculum.modules.order_by("position", "id").prefetch_related("blocks")
        # Drafts leave out snapshot facts (staleness): they would cost a query per module.
        resolved = [
            _resolve_module(
                module_snapshot(module, module.blocks.all(), facts=False), language, source_language=source_language
            )
            for module in modules
        ]
    else:
        resolved = [
            _resolve_module(version.snapshot, language, version, layers, source_language)
            for version in published_versions(curriculum, version_ids)
        ]
        resolved.sort(key=lambda module: (module.position, module.slug))
    title, title_language = pick(translations_of(curriculum, "title"), language)
    description, description_language = pick(translations_of(curriculum, "description"), language)
    return ResolvedEdition(
        curriculum=curriculum,
        partner=partner,
        language=language,
        title=title,
        title_language=title_language,
        description=description,
        description_language=description_language,
        modules=resolved,
        draft=draft,
        edition_versions=edition_versions,
        edition_version_ids=pinned_layer_ids,
    )


def module_raw_blocks(snapshot, version_number, layers, source_language):
    """A module's blocks after every layer, every language kept: (visible, hidden) block dicts."""
    blocks, hidden = _core_blocks(snapshot, version_number), []
    for layer in layers:
        blocks, layer_hidden = _apply_layer(snapshot["slug"], blocks, source_language=source_language, **layer)
        hidden.extend(layer_hidden)
    return blocks, hidden


def edition_layer_snapshot(*, curriculum, partner):
    """The JSON of a partner's current (draft) adaptation layer: what publishing its edition freezes."""
    adaptations = BlockAdaptation.objects.filter(
        edition__curriculum=curriculum, edition__partner=partner
    ).select_related("module")
    local_blocks = LocalBlock.objects.filter(edition__curriculum=curriculum, edition__partner=partner).select_related(
        "module"
    )
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
            }
        )
    for items in layer["locals"].values():
        items.sort(key=lambda item: (item["after"], item["position"], item["key"]))
    return layer


# --- JSON exchange ---------------------------------------------------------------


class CurriculumImportError(Exception):
    """A curriculum file that cannot be imported; the message names the problem and where it is."""


SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
MAX_TEXT_LENGTH = 100_000


class _Validator:
    def __init__(self):
        self.errors = []

    def fail(self, path, message):
        self.errors.append(f"{path}: {message}")

    def slug(self, value, path):
        if not isinstance(value, str) or not SLUG_RE.match(value) or len(value) > 80:
            self.fail(path, _("must be a slug of lowercase letters, digits and hyphens (at most 80 characters)"))
            return False
        return True

    def translations(self, value, path, *, required=False, markdown=False, max_length=MAX_TEXT_LENGTH):
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(path, _('must be an object of texts by language code, such as {"en": "…"}'))
            return {}
        clean = {}
        for code, text in value.items():
            where = f"{path}.{code}"
            if code not in settings.LANGUAGE_CODES:
                self.fail(
                    where,
                    _("unknown language code; configured: %(codes)s") % {"codes": ", ".join(settings.LANGUAGE_CODES)},
                )
                continue
            if not isinstance(text, str):
                self.fail(where, _("must be a text"))
                continue
            if len(text) > max_length:
                self.fail(where, _("is longer than %(max)s characters") % {"max": max_length})
                continue
            if "\x00" in text:
                self.fail(where, _("contains a NUL character"))
                continue
            problems = disallowed_markup(text) if markdown else (["<…>"] if re.search(r"<[a-zA-Z!/]", text) else [])
            if problems:
                self.fail(
                    where, _("contains markup that is not allowed: %(markup)s") % {"markup": ", ".join(problems[:5])}
                )
                continue
            clean[code] = text
        if required and not clean:
            self.fail(path, _("needs a text in at least one language"))
        return clean


def _choice(validator, value, choices, path):
    if value not in choices:
        validator.fail(path, _("must be one of %(choices)s") % {"choices": ", ".join(choices)})
        return None
    return value


def curriculum_validate(data):
    """Check a curriculum file completely; return it cleaned or raise with every problem found."""
    v = _Validator()
    if not isinstance(data, dict):
        raise CurriculumImportError(_("The file must contain one JSON object (a curriculum)."))
    clean = {"slug": data.get("slug"), "source_language": data.get("source_language", "en")}
    v.slug(clean["slug"], "slug")
    _choice(v, clean["source_language"], settings.LANGUAGE_CODES, "source_language")
    clean["title"] = v.translations(data.get("title"), "title", required=True, max_length=200)
    clean["description"] = v.translations(data.get("description"), "description")
    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        v.fail("modules", _("must be a non-empty list"))
        modules = []
    clean["modules"] = []
    seen_modules = set()
    for i, module in enumerate(modules):
        path = f"modules[{i}]"
        if not isinstance(module, dict):
            v.fail(path, _("must be an object"))
            continue
        if v.slug(module.get("slug"), f"{path}.slug"):
            if module["slug"] in seen_modules:
                v.fail(f"{path}.slug", _("'%(slug)s' appears twice") % {"slug": module["slug"]})
            seen_modules.add(module["slug"])
        duration = module.get("duration_minutes")
        if duration is not None and (
            not isinstance(duration, int) or isinstance(duration, bool) or not 0 < duration <= 10000
        ):
            v.fail(f"{path}.duration_minutes", _("must be a whole number of minutes"))
        clean_module = {
            "slug": module.get("slug"),
            "kind": _choice(v, module.get("kind", "session"), Module.Kind.values, f"{path}.kind"),
            "duration_minutes": duration,
            "title": v.translations(module.get("title"), f"{path}.title", required=True, max_length=200),
            "topic": v.translations(module.get("topic"), f"{path}.topic", max_length=120),
            "summary": v.translations(module.get("summary"), f"{path}.summary"),
            "blocks": [],
        }
        blocks = module.get("blocks", [])
        if not isinstance(blocks, list):
            v.fail(f"{path}.blocks", _("must be a list"))
            blocks = []
        seen_keys = set()
        for j, block in enumerate(blocks):
            bpath = f"{path}.blocks[{j}]"
            if not isinstance(block, dict):
                v.fail(bpath, _("must be an object"))
                continue
            key = block.get("key") or f"block-{j + 1}"
            if v.slug(key, f"{bpath}.key"):
                if key in seen_keys:
                    v.fail(f"{bpath}.key", _("'%(key)s' appears twice in this module") % {"key": key})
                seen_keys.add(key)
            clean_module["blocks"].append(
                {
                    "key": key,
                    "kind": _choice(v, block.get("kind", "text"), Block.Kind.values, f"{bpath}.kind"),
                    "title": v.translations(block.get("title"), f"{bpath}.title", max_length=200),
                    "body": v.translations(block.get("body"), f"{bpath}.body", markdown=True),
                }
            )
        clean["modules"].append(clean_module)
    clean["editions"] = _validate_editions(v, data.get("editions", []), clean)
    if v.errors:
        shown = v.errors[:20]
        more = len(v.errors) - len(shown)
        message = "\n".join(shown)
        if more:
            message += "\n" + _("…and %(count)s more problems.") % {"count": more}
        raise CurriculumImportError(message)
    return clean


def _validate_editions(v, editions, clean):
    if not isinstance(editions, list):
        v.fail("editions", _("must be a list"))
        return []
    modules = {module["slug"]: {block["key"] for block in module["blocks"]} for module in clean["modules"]}
    partners = {partner.slug: partner for partner in Partner.objects.filter(slug__in=[
        item.get("partner") for item in editions if isinstance(item, dict) and isinstance(item.get("partner"), str)
    ])}  # fmt: skip
    result = []
    for i, item in enumerate(editions):
        path = f"editions[{i}]"
        if not isinstance(item, dict):
            v.fail(path, _("must be an object"))
            continue
        partner = partners.get(item.get("partner"))
        if partner is None:
            v.fail(f"{path}.partner", _("no partner with this slug on this site; create it first"))
            continue
        entry = {"partner": partner, "published": bool(item.get("published")), "adaptations": [], "locals": []}
        for j, adaptation in enumerate(item.get("adaptations") or []):
            where = f"{path}.adaptations[{j}]"
            if not isinstance(adaptation, dict) or adaptation.get("module") not in modules:
                v.fail(where, _("names no module of this curriculum"))
                continue
            action = _choice(v, adaptation.get("action"), BlockAdaptation.Action.values, f"{where}.action")
            based_on = adaptation.get("based_on") or {}
            if not isinstance(based_on, dict) or not all(isinstance(text, str) for text in based_on.values()):
                v.fail(f"{where}.based_on", _("must be an object of texts"))
                based_on = {}
            entry["adaptations"].append(
                {
                    "module": adaptation["module"],
                    "block": adaptation.get("block") if v.slug(adaptation.get("block"), f"{where}.block") else None,
                    "action": action,
                    "title": v.translations(adaptation.get("title"), f"{where}.title", max_length=200),
                    "body": v.translations(adaptation.get("body"), f"{where}.body", markdown=True),
                    "based_on": based_on,
                    "based_on_version": adaptation.get("based_on_version")
                    if isinstance(adaptation.get("based_on_version"), int)
                    else None,
                }
            )
        for j, local in enumerate(item.get("locals") or []):
            where = f"{path}.locals[{j}]"
            if not isinstance(local, dict) or local.get("module") not in modules:
                v.fail(where, _("names no module of this curriculum"))
                continue
            v.slug(local.get("key"), f"{where}.key")
            if local.get("after") and not SLUG_RE.match(str(local.get("after"))):
                v.fail(f"{where}.after", _("must be a block key"))
            entry["locals"].append(
                {
                    "module": local["module"],
                    "key": local.get("key"),
                    "after": local.get("after") or "",
                    "position": local.get("position") if isinstance(local.get("position"), int) else j + 1,
                    "kind": _choice(v, local.get("kind", "text"), Block.Kind.values, f"{where}.kind"),
                    "title": v.translations(local.get("title"), f"{where}.title", max_length=200),
                    "body": v.translations(local.get("body"), f"{where}.body", markdown=True),
                }
            )
        result.append(entry)
    return result


def _editions_import(curriculum, editions, *, publish, user):
    modules = {module.slug: module for module in curriculum.modules.all()}
    # Parents before affiliates, so each layer is published over its upstream.
    for item in sorted(editions, key=lambda entry: len(entry["partner"].lineage_ids or [])):
        edition = edition_get_or_create(curriculum=curriculum, partner=item["partner"])
        edition.adaptations.all().delete()
        edition.local_blocks.all().delete()
        for adaptation in item["adaptations"]:
            row = BlockAdaptation(
                edition=edition,
                module=modules[adaptation["module"]],
                block_key=adaptation["block"],
                action=adaptation["action"],
                based_on=adaptation["based_on"],
                based_on_version=adaptation["based_on_version"],
                updated_by=user,
            )
            _set_translations(row, "title", adaptation["title"])
            _set_translations(row, "body", adaptation["body"])
            row.save()
        for local in item["locals"]:
            row = LocalBlock(
                edition=edition,
                module=modules[local["module"]],
                key=local["key"],
                after_key=local["after"],
                position=local["position"],
                kind=local["kind"],
                updated_by=user,
            )
            _set_translations(row, "title", local["title"])
            _set_translations(row, "body", local["body"])
            row.save()
        if publish and item["published"]:
            edition_publish(edition=edition, user=user, change_note=_("Imported"))


def _set_translations(obj, field_name, values):
    for code in settings.LANGUAGE_CODES:
        setattr(obj, f"{field_name}_{code}", values.get(code, "") or "")


@transaction.atomic
def curriculum_import(*, data, publish=True, user=None, change_note=""):
    """Create or replace a curriculum from its JSON form, all or nothing; publish it unless told not to."""
    clean = curriculum_validate(data)
    curriculum = Curriculum.objects.filter(slug=clean["slug"]).first() or Curriculum(slug=clean["slug"])
    curriculum.source_language = clean["source_language"]
    for name in CURRICULUM_FIELDS:
        _set_translations(curriculum, name, clean[name])
    curriculum.save()
    existing_modules = {module.slug: module for module in curriculum.modules.all()}
    for position, item in enumerate(clean["modules"], start=1):
        module = existing_modules.pop(item["slug"], None) or Module(curriculum=curriculum, slug=item["slug"])
        module.position = position
        module.kind = item["kind"]
        module.duration_minutes = item["duration_minutes"]
        for name in MODULE_FIELDS:
            _set_translations(module, name, item[name])
        module.save()
        existing_blocks = {block.key: block for block in module.blocks.all()}
        for block_position, block_item in enumerate(item["blocks"], start=1):
            block = existing_blocks.pop(block_item["key"], None) or Block(module=module, key=block_item["key"])
            block.position = block_position
            block.kind = block_item["kind"]
            for name in BLOCK_FIELDS:
                _set_translations(block, name, block_item[name])
            block.save()
        Block.objects.filter(pk__in=[block.pk for block in existing_blocks.values()]).delete()
    Module.objects.filter(pk__in=[module.pk for module in existing_modules.values()]).delete()
    if publish:
        curriculum_publish(curriculum=curriculum, user=user, change_note=change_note or _("Imported"))
    if clean["editions"]:
        _editions_import(curriculum, clean["editions"], publish=publish, user=user)
    return curriculum


def curriculum_export(*, curriculum):
    """The curriculum's current text as JSON-ready data (the shape `curriculum_import` reads)."""
    modules = curriculum.modules.order_by("position", "id").prefetch_related("blocks")
    return {
        "format_version": JSON_FORMAT_VERSION,
        "slug": curriculum.slug,
        "source_language": curriculum.source_language,
        "published": curriculum.is_published,
        **{name: translations_of(curriculum, name) for name in CURRICULUM_FIELDS},
        "modules": [
            {
                "slug": module.slug,
                "kind": module.kind,
                "duration_minutes": module.duration_minutes,
                **{name: translations_of(module, name) for name in MODULE_FIELDS},
                "blocks": [
                    {
                        "key": block.key,
                        "kind": block.kind,
                        **{name: translations_of(block, name) for name in BLOCK_FIELDS},
                    }
                    for block in module.blocks.all()
                ],
            }
            for module in modules
        ],
        "editions": editions_export(curriculum=curriculum),
    }


def editions_export(*, curriculum):
    """Every partner edition's current adaptations, so an edition can be backed up or moved."""
    adaptations = BlockAdaptation.objects.filter(edition__curriculum=curriculum).select_related("module")
    local_blocks = LocalBlock.objects.filter(edition__curriculum=curriculum).select_related("module")
    editions = {}
    for edition in Edition.objects.filter(curriculum=curriculum).select_related("partner"):
        editions[edition.pk] = {
            "partner": edition.partner.slug,
            "published": edition.versions.exists(),
            "adaptations": [],
            "locals": [],
        }
    for adaptation in adaptations.order_by("module__position", "block_key"):
        editions[adaptation.edition_id]["adaptations"].append(
            {
                "module": adaptation.module.slug,
                "block": adaptation.block_key,
                "action": adaptation.action,
                "title": translations_of(adaptation, "title"),
                "body": translations_of(adaptation, "body"),
                "based_on": adaptation.based_on,
                "based_on_version": adaptation.based_on_version,
            }
        )
    for local in local_blocks.order_by("module__position", "after_key", "position", "key"):
        editions[local.edition_id]["locals"].append(
            {
                "module": local.module.slug,
                "key": local.key,
                "after": local.after_key,
                "position": local.position,
                "kind": local.kind,
                "title": translations_of(local, "title"),
                "body": translations_of(local, "body"),
            }
        )
    return sorted(editions.values(), key=lambda item: item["partner"])


# --- Adapting an edition -------------------------------------------------------------


class AdaptationError(Exception):
    """An adaptation that cannot be made; the message says why."""


class AdaptationConflict(AdaptationError):
    """Someone saved this block since the form was opened: nothing was overwritten."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this block after you opened it. Compare both texts and save again."))
        self.current = current


WORD_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def word_diff(old, new):
    """An HTML word-level diff of two texts: <del> for removed words, <ins> for added ones (escaped)."""
    from difflib import SequenceMatcher

    from django.utils.html import escape

    old_words, new_words = WORD_RE.findall(old or ""), WORD_RE.findall(new or "")
    parts = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=old_words, b=new_words, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_words[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{escape(''.join(old_words[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            parts.append(f"<ins>{escape(''.join(new_words[j1:j2]))}</ins>")
    return "".join(parts)


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
    _set_translations(adaptation, "title", {code: text for code, text in title.items() if text})
    _set_translations(adaptation, "body", clean_body)
    adaptation.based_on = upstream_text(upstream, edition.curriculum.source_language)
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
            "based_on": upstream_text(upstream, edition.curriculum.source_language),
            "based_on_version": version.number,
            "updated_by": user,
        },
    )
    _set_translations(adaptation, "title", {})
    _set_translations(adaptation, "body", {})
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
    adaptation.based_on = upstream_text(upstream, edition.curriculum.source_language)
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
    _set_translations(local, "title", {code: text for code, text in title.items() if text})
    _set_translations(local, "body", clean_body)
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
        now = upstream_text(upstream, source_language)
        if now == adaptation.based_on:
            continue
        before = adaptation.based_on or {}
        stale.append(
            StaleAdaptation(
                module=module,
                block_key=adaptation.block_key,
                action=adaptation.action,
                adaptation=adaptation,
                upstream_title=now["title"],
                diff_html=word_diff(before.get("body", ""), now["body"]),
                own_text=pick(translations_of(adaptation, "body"), source_language)[0],
                upstream_version=version.number,
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
        old_blocks = {block["key"]: block for block in (old.snapshot["blocks"] if old else [])}
        blocks = []
        for block in new.snapshot["blocks"]:
            before = old_blocks.get(block["key"], {}).get("body", {}).get(source_language, "")
            after = block.get("body", {}).get(source_language, "")
            if before != after:
                blocks.append({"key": block["key"], "diff_html": word_diff(before, after)})
        changes.append({"module": slug, "from": number, "to": new.number, "note": new.change_note, "blocks": blocks})
    return changes
