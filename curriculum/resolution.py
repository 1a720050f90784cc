"""Resolving an edition: the ordered, fully resolved modules and blocks a page or a PDF shows."""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property

from django.db import models
from django.utils.translation import gettext_lazy

from .approval import approved_translations, edition_approvals, first_left_out
from .markup import markdown_to_html
from .models import Block, Curriculum, Module, Partner
from .publishing import edition_layer_snapshot, module_snapshot, published_edition_versions, published_versions
from .translated import language_chain, language_direction, pick, translations_of

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
    # The language of a translation left out because no reviewer approved it (approved-only editions).
    unapproved_language: str = ""

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
    approved_only: bool = False

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

    @property
    def unapproved_blocks(self):
        return [
            f"{module.slug}/{block.key}:{block.unapproved_language}"
            for module in self.modules
            for block in module.blocks
            if block.unapproved_language
        ]

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
        if self.approved_only:
            # The marker of a translation left out for review prints too (other editions' digests stay as they were).
            payload["approved_only"] = self.unapproved_blocks
        encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        return hashlib.sha256(encoded).hexdigest()


def adapted_languages(upstream, own_languages, source_language):
    """The languages an adaptation of an upstream block is compared in: the core's source language and its own.

    A partner that writes only in Tajik has no English text to compare: when
    the upstream block has no text in these languages, all of its languages count.
    """
    languages = {source_language, *own_languages}
    if not any(upstream["body"].get(code) for code in languages):
        languages |= {code for code, text in upstream["body"].items() if text}
    return sorted(languages)


def upstream_text(block, languages):
    """The part of an upstream block whose change makes an adaptation of it stale, by language."""
    return {
        "title": {code: block["title"].get(code, "") for code in languages},
        "body": {code: block["body"].get(code, "") for code in languages},
    }


def _based_on_by_language(based_on, source_language):
    # Adaptations recorded before every adapted language was kept hold the source language's text as plain strings.
    title, body = based_on.get("title", ""), based_on.get("body", "")
    if isinstance(title, str) or isinstance(body, str):
        return {
            "title": {source_language: title if isinstance(title, str) else ""},
            "body": {source_language: body if isinstance(body, str) else ""},
        }
    return {"title": title or {}, "body": body or {}}


def upstream_change(based_on, block, source_language):
    """(language, text adapted, text now) of the first language, the source first, in which the upstream changed."""
    recorded = _based_on_by_language(based_on or {}, source_language)
    languages = sorted(set(recorded["title"]) | set(recorded["body"]), key=lambda code: (code != source_language, code))
    for code in languages or [source_language]:
        before = {field: recorded[field].get(code, "") for field in ("title", "body")}
        now = {field: block[field].get(code, "") for field in ("title", "body")}
        if before != now or not based_on:
            return code, before, now
    return None


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
    upstream_keys = {block["key"] for block in blocks}
    locals_by_anchor = {}
    for local in sorted(layer.get("locals", {}).get(module_slug, []), key=lambda item: item.get("position", 0)):
        # A local block whose key the upstream now has was taken into it (an accepted suggestion to the core):
        # a layer published before that shows the upstream's block, once.
        if local["key"] not in upstream_keys:
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
            "stale_languages": local.get("stale", []),
        }

    visible = [local_block(local) for local in locals_by_anchor.pop("", [])]
    hidden = []
    for block in blocks:
        adaptation = adaptations.get(f"{module_slug}/{block['key']}")
        if adaptation is None:
            visible.append(block)
        else:
            changed = upstream_change(adaptation.get("based_on"), block, source_language) is not None
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
                        "stale_languages": adaptation.get("stale", []),
                    }
                )
        visible.extend(local_block(local) for local in locals_by_anchor.pop(block["key"], []))
    # Local blocks whose anchor left the upstream stay, at the end, rather than vanish.
    for orphans in locals_by_anchor.values():
        visible.extend(local_block(local) for local in orphans)
    return visible, hidden


def _pick_block(block, language, module_slug="", approvals=None, source_language="en"):
    unapproved = ""
    if approvals is not None and block["source"] == Source.CORE:
        # Partners' own text (overrides, local blocks) is theirs to publish: only core translations wait for review.
        ref, stale = f"{module_slug}/{block['key']}", block["stale_languages"]
        bodies = approved_translations(block["body"], approvals, "block", ref, "body", source_language, stale)
        titles = approved_translations(block["title"], approvals, "block", ref, "title", source_language, stale)
        unapproved = first_left_out(block["body"], bodies, language)
        block = {**block, "body": bodies, "title": titles}
    body, body_language = pick(block["body"], language)
    if not body and block["body"]:
        # An override written only in languages off this chain: show it rather than nothing.
        body_language, body = next(iter(block["body"].items()))
    block_title, _title_language = pick(block["title"], body_language)
    if not block_title:
        block_title, _title_language = pick(block["title"], language)
    chain = language_chain(language)
    if unapproved and body_language in chain and chain.index(unapproved) > chain.index(body_language):
        unapproved = ""  # left out further down the chain than the translation shown: nothing stood in for it
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
        unapproved_language=unapproved,
    )


def _resolve_module(snapshot, language, version=None, layers=(), source_language="en", approvals=None):
    texts = {name: snapshot.get(name, {}) for name in ("title", "summary", "topic")}
    if approvals is not None:
        texts = {
            name: approved_translations(values, approvals, "module", snapshot["slug"], name, source_language)
            for name, values in texts.items()
        }
    title, title_language = pick(texts["title"], language)
    summary, summary_language = pick(texts["summary"], language)
    topic, _topic_language = pick(texts["topic"], language)
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
        blocks=[_pick_block(block, language, snapshot["slug"], approvals, source_language) for block in blocks],
        hidden=[_pick_block(block, language, snapshot["slug"], approvals, source_language) for block in hidden],
    )


def _layer_source(partner):
    return Source.AFFILIATE if partner.parent_id else Source.PARTNER


def edition_layers(*, curriculum, partner, draft=False, edition_version_ids=None):
    """The adaptation layers over the core for a partner, ancestors first.

    Returns (layers, {partner slug: published version number}, [published version ids]).
    """
    return _edition_layers(
        curriculum=curriculum, partner=partner, draft=draft, edition_version_ids=edition_version_ids
    )[:3]


def _edition_layers(*, curriculum, partner, draft, edition_version_ids):
    # Also says whether the partner's own published edition shows approved translations only.
    layers, edition_versions, version_ids, approved_only = [], {}, [], False
    if partner is None:
        return layers, edition_versions, version_ids, approved_only
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
                    # Drafts leave out snapshot facts (staleness), as the core's drafts do.
                    "layer": edition_layer_snapshot(curriculum=curriculum, partner=partner, facts=False),
                    "source": _layer_source(partner),
                    "source_name": partner.name,
                    "version": None,
                }
            )
        elif version is not None:
            edition_versions[version.edition.partner.slug] = version.number
            version_ids.append(version.pk)
            if partner_id == partner.pk:
                approved_only = version.edition.approved_translations_only
            layers.append(
                {
                    "layer": version.snapshot,
                    "source": _layer_source(version.edition.partner),
                    "source_name": version.edition.partner.name,
                    "version": version.number,
                }
            )
    return layers, edition_versions, version_ids, approved_only


def edition_resolve(
    *,
    curriculum,
    language,
    partner=None,
    version_ids=None,
    edition_version_ids=None,
    draft=False,
    approved_only=None,
):
    """The ordered, fully resolved modules and blocks of an edition, in a constant number of queries.

    Trainers and PDFs see published versions only. `draft=True` shows an editor
    the current text of the top layer (the core, or the partner's own
    adaptations over published upstream layers). `version_ids` and
    `edition_version_ids` pin exactly the versions a job was asked for.
    A published edition shows approved translations only when the curriculum or the
    partner's edition asks for it (`approved_only` overrides that); drafts show every translation.
    """
    layers, edition_versions, pinned_layer_ids, edition_approved_only = _edition_layers(
        curriculum=curriculum, partner=partner, draft=draft, edition_version_ids=edition_version_ids
    )
    if approved_only is None:
        approved_only = not draft and (curriculum.approved_translations_only or edition_approved_only)
    approvals = edition_approvals(curriculum=curriculum, language=language) if approved_only else None
    source_language = curriculum.source_language
    if draft and partner is None:
        modules = curriculum.modules.order_by("position", "id").prefetch_related("blocks")
        # Drafts leave out snapshot facts (staleness): they would cost a query per module.
        resolved = [
            _resolve_module(
                module_snapshot(module, module.blocks.all(), facts=False),
                language,
                source_language=source_language,
                approvals=approvals,
            )
            for module in modules
        ]
    else:
        resolved = [
            _resolve_module(version.snapshot, language, version, layers, source_language, approvals)
            for version in published_versions(curriculum, version_ids)
        ]
        resolved.sort(key=lambda module: (module.position, module.slug))
    titles, descriptions = translations_of(curriculum, "title"), translations_of(curriculum, "description")
    if approvals is not None:
        titles = approved_translations(titles, approvals, "curriculum", curriculum.slug, "title", source_language)
        descriptions = approved_translations(
            descriptions, approvals, "curriculum", curriculum.slug, "description", source_language
        )
    title, title_language = pick(titles, language)
    description, description_language = pick(descriptions, language)
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
        approved_only=approved_only,
    )


def module_raw_blocks(snapshot, version_number, layers, source_language):
    """A module's blocks after every layer, every language kept: (visible, hidden) block dicts."""
    blocks, hidden = _core_blocks(snapshot, version_number), []
    for layer in layers:
        blocks, layer_hidden = _apply_layer(snapshot["slug"], blocks, source_language=source_language, **layer)
        hidden.extend(layer_hidden)
    return blocks, hidden
