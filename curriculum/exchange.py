"""The JSON exchange of a curriculum and its editions: validating a file completely, importing it whole, exporting."""

import re

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .adaptation import edition_get_or_create
from .markup import disallowed_markup
from .models import Block, BlockAdaptation, Curriculum, Edition, LocalBlock, Module, Partner
from .publishing import curriculum_publish, edition_publish
from .translated import BLOCK_FIELDS, CURRICULUM_FIELDS, MODULE_FIELDS, set_translations, translations_of

JSON_FORMAT_VERSION = 1


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


def _is_based_on(value):
    """A `based_on`: texts by field, each a text or (since every adapted language is kept) texts by language."""

    def texts(item):
        return isinstance(item, str) or (isinstance(item, dict) and all(isinstance(t, str) for t in item.values()))

    return isinstance(value, dict) and all(texts(item) for item in value.values())


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
        entry = {
            "partner": partner,
            "published": bool(item.get("published")),
            "private": bool(item.get("private")),
            "adaptations": [],
            "locals": [],
        }
        for j, adaptation in enumerate(item.get("adaptations") or []):
            where = f"{path}.adaptations[{j}]"
            if not isinstance(adaptation, dict) or adaptation.get("module") not in modules:
                v.fail(where, _("names no module of this curriculum"))
                continue
            action = _choice(v, adaptation.get("action"), BlockAdaptation.Action.values, f"{where}.action")
            based_on = adaptation.get("based_on") or {}
            if not _is_based_on(based_on):
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
        if item["private"] and not edition.is_private:
            # Before publishing, so no stranger hears of it; an import never makes a private edition public.
            edition.is_private = True
            edition.save(update_fields=["is_private"])
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
            set_translations(row, "title", adaptation["title"])
            set_translations(row, "body", adaptation["body"])
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
            set_translations(row, "title", local["title"])
            set_translations(row, "body", local["body"])
            row.save()
        if publish and item["published"]:
            edition_publish(edition=edition, user=user, change_note=_("Imported"))


@transaction.atomic
def curriculum_import(*, data, publish=True, user=None, change_note=""):
    """Create or replace a curriculum from its JSON form, all or nothing; publish it unless told not to."""
    clean = curriculum_validate(data)
    curriculum = Curriculum.objects.filter(slug=clean["slug"]).first() or Curriculum(slug=clean["slug"])
    curriculum.source_language = clean["source_language"]
    for name in CURRICULUM_FIELDS:
        set_translations(curriculum, name, clean[name])
    curriculum.save()
    existing_modules = {module.slug: module for module in curriculum.modules.all()}
    for position, item in enumerate(clean["modules"], start=1):
        module = existing_modules.pop(item["slug"], None) or Module(curriculum=curriculum, slug=item["slug"])
        module.position = position
        module.kind = item["kind"]
        module.duration_minutes = item["duration_minutes"]
        for name in MODULE_FIELDS:
            set_translations(module, name, item[name])
        module.save()
        existing_blocks = {block.key: block for block in module.blocks.all()}
        for block_position, block_item in enumerate(item["blocks"], start=1):
            block = existing_blocks.pop(block_item["key"], None) or Block(module=module, key=block_item["key"])
            block.position = block_position
            block.kind = block_item["kind"]
            for name in BLOCK_FIELDS:
                set_translations(block, name, block_item[name])
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
            "private": edition.is_private,
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
