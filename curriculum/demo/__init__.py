"""Demo content: a leadership handbook in many languages, fictional partners, a login per persona."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from curriculum.adaptation import adaptation_hide, adaptation_override, edition_get_or_create, local_block_save
from curriculum.exchange import curriculum_import
from curriculum.models import Edition, Module, Partner, PartnerMembership
from curriculum.publishing import edition_publish
from curriculum.translated import BLOCK_FIELDS, MODULE_FIELDS
from translations.models import TranslatorGrant

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "demo-password"


def curriculum_data(directory):
    """Merge en.json with every <language>.json beside it into one import-shaped document."""
    base = json.loads((directory / "en.json").read_text(encoding="utf-8"))
    merged = {
        "slug": base["slug"],
        "source_language": base.get("source_language", "en"),
        "title": {"en": base["title"]},
        "description": {"en": base["description"]},
        "modules": [],
    }
    module_index = {}
    for module in base["modules"]:
        item = {
            "slug": module["slug"],
            "kind": module["kind"],
            "duration_minutes": module.get("duration_minutes"),
            **{name: {"en": module[name]} for name in MODULE_FIELDS if module.get(name)},
            "blocks": [
                {"key": block["key"], "kind": block["kind"], **{name: {"en": block[name]} for name in BLOCK_FIELDS}}
                for block in module["blocks"]
            ],
        }
        merged["modules"].append(item)
        module_index[module["slug"]] = (item, {block["key"]: block for block in item["blocks"]})
    for path in sorted(directory.glob("*.json")):
        code = path.stem
        if code == "en" or code not in settings.LANGUAGE_CODES:
            continue
        translated = json.loads(path.read_text(encoding="utf-8"))
        for name in ("title", "description"):
            if translated.get(name):
                merged[name][code] = translated[name]
        for module in translated.get("modules", []):
            if module.get("slug") not in module_index:
                continue
            item, blocks = module_index[module["slug"]]
            for name in MODULE_FIELDS:
                if module.get(name):
                    item.setdefault(name, {})[code] = module[name]
            for block in module.get("blocks", []):
                target = blocks.get(block.get("key"))
                if target is None:
                    continue
                for name in BLOCK_FIELDS:
                    if block.get(name):
                        target[name][code] = block[name]
    return merged


def _load_partners():
    partners = json.loads((DEMO_DIR / "partners.json").read_text(encoding="utf-8"))
    by_slug = {}
    # Parents first, so an affiliate can point at its partner.
    for item in sorted(partners, key=lambda partner: partner.get("parent") is not None):
        partner, _created = Partner.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "country": item["country"],
                "city": item.get("city", ""),
                "latitude": item.get("latitude"),
                "longitude": item.get("longitude"),
                "location_visibility": item.get("location_visibility", Partner.LocationVisibility.COUNTRY),
                "languages": item.get("languages", []),
                "description_en": item.get("description", ""),
                "parent": by_slug.get(item.get("parent")),
            },
        )
        by_slug[partner.slug] = partner
    return by_slug


DEMO_USERS = [
    # username, persona, partner slug or languages
    ("admin", "superuser", None),
    ("secretariat", "secretariat", None),
    ("partner-editor", "partner", "jasmine-bridge-collective"),
    ("partner-editor-tj", "partner", "chashma-womens-alliance"),
    ("affiliate-editor", "partner", "chashma-khujand"),
    ("translator-ar", "translator", "ar"),
    ("translator-fa", "translator", "fa"),
    ("translator-ru", "translator", "ru"),
    # Approves Arabic translations (a translator of Arabic whose grant also lets her review).
    ("reviewer-ar", "reviewer", "ar"),
    # Uzbek for Chashma's editions only: its affiliate in Khujand works in Uzbek (language@partner).
    ("translator-chashma-uz", "translator", "uz@chashma-womens-alliance"),
    ("trainer", "trainer", None),
]


def _secretariat_group():
    group, _created = Group.objects.get_or_create(name="secretariat")
    permissions = Permission.objects.filter(content_type__app_label__in=["curriculum", "exports", "glossary"])
    group.permissions.set(permissions)
    return group


@transaction.atomic
def demo_users(partners):
    User = get_user_model()
    secretariat = _secretariat_group()
    created = []
    for username, persona, scope in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, email=f"{username}@example.org")
            user.set_password(DEMO_PASSWORD)
            created.append(username)
        user.is_superuser = persona == "superuser"
        user.is_staff = persona in {"superuser", "secretariat"}
        user.save()
        if persona == "secretariat":
            user.groups.add(secretariat)
        elif persona == "partner":
            PartnerMembership.objects.get_or_create(user=user, partner=partners[scope])
        elif persona == "translator" and "@" in scope:
            language, _at, partner_slug = scope.partition("@")
            TranslatorGrant.objects.get_or_create(user=user, language=language, partner=partners[partner_slug])
        elif persona in {"translator", "reviewer"}:
            group, _created = Group.objects.get_or_create(name=f"translators-{scope}")
            user.groups.add(group)
            if persona == "reviewer":
                TranslatorGrant.objects.update_or_create(
                    user=user, language=scope, partner=None, defaults={"may_review": True}
                )
    return created


def _with_core_change(data, change):
    """The demo curriculum as it is after the secretariat's demo change to the core."""
    for module in data["modules"]:
        if module["slug"] == change["module"]:
            for block in module["blocks"]:
                if block["key"] == change["block"]:
                    old, new = change["replace"]
                    block["body"]["en"] = block["body"]["en"].replace(old, new)
    return data


def demo_adaptations(curriculum, partners, spec):
    """Partners and an affiliate adapt the core (own text, hidden blocks, local scenarios), publish; one keeps it private."""
    modules = {module.slug: module for module in Module.objects.filter(curriculum=curriculum)}
    for item in spec["editions"]:
        edition = edition_get_or_create(curriculum=curriculum, partner=partners[item["partner"]])
        if item.get("private"):
            # Seen only by its own members (and chosen affiliates), private before it is published.
            edition.is_private = True
            edition.save(update_fields=["is_private"])
            edition.shared_with.set([partners[slug] for slug in item.get("shared_with", [])])
        for override in item["overrides"]:
            adaptation_override(
                edition=edition,
                module=modules[override["module"]],
                block_key=override["block"],
                title=override["title"],
                body=override["body"],
            )
        for hidden in item["hidden"]:
            adaptation_hide(edition=edition, module=modules[hidden["module"]], block_key=hidden["block"])
        for local in item["locals"]:
            local_block_save(
                edition=edition,
                module=modules[local["module"]],
                after_key=local["after"],
                kind=local["kind"],
                title=local["title"],
                body=local["body"],
            )
        edition_publish(edition=edition, change_note=item["change_note"])


@transaction.atomic
def demo_load():
    """Load (or refresh) the demo curricula, partners and persona logins; running it twice changes nothing.

    On the first load, partners adapt the core and then the secretariat changes a
    block they adapted, so the "core changed since you adapted it" flow has
    something to show. Later loads import the changed core and change nothing.
    """
    spec = json.loads((DEMO_DIR / "adaptations.json").read_text(encoding="utf-8"))
    partners = _load_partners()
    first_load = not Edition.objects.filter(curriculum__slug="leading-to-choices").exists()
    data = curriculum_data(DEMO_DIR / "leading-to-choices")
    changed = _with_core_change(json.loads(json.dumps(data)), spec["core_change"])
    curriculum = curriculum_import(data=data if first_load else changed, change_note="Demo content")
    if first_load:
        demo_adaptations(curriculum, partners, spec)
        curriculum_import(data=changed, change_note=spec["core_change"]["change_note"])
    users = demo_users(partners)
    return {"curricula": [curriculum], "partners": partners, "new_users": users}
