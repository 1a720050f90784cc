"""Services of the curriculum: publishing, resolving editions, JSON exchange."""

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from .markup import disallowed_markup, markdown_to_html
from .models import Block, Curriculum, Module, ModuleVersion, Partner

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
    return ModuleVersion.objects.create(
        module=module,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        change_note=change_note[:300],
        published_by=user,
    )


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


@dataclass(frozen=True)
class ResolvedBlock:
    key: str
    kind: str
    title: str
    body: str
    language: str
    is_fallback: bool
    source: str = "core"
    is_stale: bool = False

    @property
    def direction(self):
        return language_direction(self.language)

    @property
    def kind_label(self):
        return Block.Kind(self.kind).label

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
            "modules": [
                [m.slug, m.kind, m.title, m.topic, m.summary, m.duration_minutes, m.version_id]
                + [[b.key, b.kind, b.title, b.body, b.language] for b in m.blocks]
                for m in self.modules
            ],
        }
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def _resolve_module(snapshot, language, version=None):
    title, title_language = pick(snapshot["title"], language)
    summary, summary_language = pick(snapshot.get("summary", {}), language)
    topic, _topic_language = pick(snapshot.get("topic", {}), language)
    blocks = []
    for block in snapshot["blocks"]:
        body, body_language = pick(block.get("body", {}), language)
        block_title, _title_language = pick(block.get("title", {}), body_language)
        if not block_title:
            block_title, _title_language = pick(block.get("title", {}), language)
        blocks.append(
            ResolvedBlock(
                key=block["key"],
                kind=block["kind"],
                title=block_title,
                body=body,
                language=body_language,
                is_fallback=body_language != language,
                is_stale=body_language in block.get("stale", ()),
            )
        )
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
        blocks=blocks,
    )


def published_versions(curriculum, version_ids=None):
    """The latest published version of each module (or exactly the pinned ones), in one query."""
    if version_ids is not None:
        return ModuleVersion.objects.filter(pk__in=version_ids, module__curriculum=curriculum)
    latest_number = ModuleVersion.objects.filter(module=OuterRef("module")).order_by("-number").values("number")[:1]
    return ModuleVersion.objects.filter(module__curriculum=curriculum, number=Subquery(latest_number))


def edition_resolve(*, curriculum, language, partner=None, version_ids=None, draft=False):
    """The ordered, fully resolved modules and blocks of an edition, in a constant number of queries.

    Trainers and PDFs see published versions only; `draft=True` shows editors
    the current text; `version_ids` pins the exact versions a job was asked for.
    """
    if draft:
        modules = curriculum.modules.order_by("position", "id").prefetch_related("blocks")
        # Drafts leave out snapshot facts (staleness): they would cost a query per module.
        resolved = [
            _resolve_module(module_snapshot(module, module.blocks.all(), facts=False), language) for module in modules
        ]
    else:
        versions = published_versions(curriculum, version_ids)
        resolved = [_resolve_module(version.snapshot, language, version) for version in versions]
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
    )


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
    if v.errors:
        shown = v.errors[:20]
        more = len(v.errors) - len(shown)
        message = "\n".join(shown)
        if more:
            message += "\n" + _("…and %(count)s more problems.") % {"count": more}
        raise CurriculumImportError(message)
    return clean


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
    }
