"""Every persona × every route of the URL configuration, with the expected answer.

The routes are read from the URL configuration: a new view without a rule here fails
`test_every_route_has_a_rule`. State-changing requests from refused personas must change
nothing (no audit event, no new export job, no new subscription).
"""

import uuid
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEvent
from curriculum.adaptation import adaptation_override, edition_get_or_create, local_block_save
from curriculum.models import ModuleVersion, PartnerMembership
from curriculum.publishing import edition_publish
from curriculum.suggestions import suggestion_make
from downloads.models import Subscription
from exports import services as export_services
from exports.models import ExportJob
from glossary.models import Rendering, Term
from tests.factories import RenderingFactory, TermFactory, UserFactory
from translations.services import text_hash
from workshops.models import Person, Resource, Workshop

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous", "trainer", "partner_editor", "affiliate_editor", "other_editor",
    "translator_fa", "translator_ar", "secretariat", "superuser", "staff_only", "secretariat_group_only",
]  # fmt: skip
EVERYONE = set(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
OWN_PARTNER = {"partner_editor"}
# Superusers and the `secretariat` group, with or without staff status; staff status alone is not in it.
SECRETARIAT = {"secretariat", "superuser", "secretariat_group_only"}
WORKSHOP_EDITORS = {"partner_editor", "affiliate_editor", "other_editor"} | SECRETARIAT
PERSIAN = {"translator_fa"} | SECRETARIAT  # the secretariat may translate any language
TRANSLATORS = {"translator_fa", "translator_ar"} | SECRETARIAT
# Tamkeen's edition is in English and Arabic and its own text is in English: Arabic translators only.
ARABIC = {"translator_ar"} | SECRETARIAT
# Those who write or translate content read the glossary; a plain account (trainer, staff only) does not.
GLOSSARY_READERS = {"partner_editor", "affiliate_editor", "other_editor"} | TRANSLATORS


# route name → (allowed personas for GET, allowed personas for POST or None when POST is not accepted)
RULES = {
    "set_language": (EVERYONE, EVERYONE),
    "robots": (EVERYONE, None),
    "login": (EVERYONE, EVERYONE),
    "logout": (None, EVERYONE),
    "curriculum:catalogue": (EVERYONE, None),
    "curriculum:detail": (EVERYONE, None),
    "curriculum:module": (EVERYONE, None),
    "curriculum:module-versions": (EVERYONE, None),
    "workspace:index": (SIGNED_IN, None),
    "workspace:core-publish": (SECRETARIAT, SECRETARIAT),
    "workspace:partner-location": (OWN_PARTNER | SECRETARIAT, OWN_PARTNER | SECRETARIAT),
    "workspace:edition": (OWN_PARTNER, None),
    "workspace:publish": (None, OWN_PARTNER),
    "workspace:privacy": (None, OWN_PARTNER),
    "workspace:module": (OWN_PARTNER, None),
    "workspace:override": (OWN_PARTNER, OWN_PARTNER),
    "workspace:block-action": (None, OWN_PARTNER),
    "workspace:local-new": (OWN_PARTNER, OWN_PARTNER),
    "workspace:local-edit": (OWN_PARTNER, OWN_PARTNER),
    "workspace:local-action": (None, OWN_PARTNER),
    "workspace:suggest": (OWN_PARTNER, OWN_PARTNER),
    "workspace:suggestions": (SECRETARIAT, None),
    "workspace:suggestion": (SECRETARIAT, None),
    "workspace:suggestion-decide": (None, SECRETARIAT),
    "audit:trail": (SECRETARIAT, None),
    "exports:request": (None, EVERYONE),
    "exports:job": (EVERYONE, None),
    "exports:status": (EVERYONE, None),
    "exports:download": (EVERYONE, None),
    "downloads:centre": (EVERYONE, None),
    "downloads:edition": (EVERYONE, None),
    "downloads:manual": (EVERYONE, None),
    "downloads:offline": (EVERYONE, None),
    "partner-logo": (EVERYONE, None),
    "downloads:whats-new": (EVERYONE, None),
    "downloads:subscribe": (None, EVERYONE),
    "downloads:confirm": (EVERYONE, None),
    "downloads:unsubscribe": (EVERYONE, EVERYONE),
    "workshops:partner-map": (EVERYONE, None),
    "workshops:resources": (EVERYONE, None),
    "workshops:resource-add": (WORKSHOP_EDITORS, WORKSHOP_EDITORS),
    "workshops:resource-download": (EVERYONE, None),
    "workshops:list": (WORKSHOP_EDITORS, None),
    "workshops:create": (WORKSHOP_EDITORS, WORKSHOP_EDITORS),
    "workshops:edit": ({"partner_editor"} | SECRETARIAT, {"partner_editor"} | SECRETARIAT),
    "workshops:import": (WORKSHOP_EDITORS, WORKSHOP_EDITORS),
    "workshops:import-template": (WORKSHOP_EDITORS, None),
    "workshops:people": (WORKSHOP_EDITORS, None),
    "workshops:people-export": ({"partner_editor"} | SECRETARIAT, None),
    "workshops:people-delete": (None, {"partner_editor"} | SECRETARIAT),
    "workshops:person": (None, {"partner_editor"} | SECRETARIAT),
    "workshops:reach": (SECRETARIAT, None),
    "workshops:reach-csv": (SECRETARIAT, None),
    "workshops:review": (SECRETARIAT, None),
    "workshops:review-request": (None, SECRETARIAT),
    "workshops:review-download": (SECRETARIAT, None),
    "translations:workspace": (TRANSLATORS, None),
    "translations:matrix": (TRANSLATORS, None),
    "translations:download": (PERSIAN, None),
    "translations:upload": (None, PERSIAN),
    "translations:curriculum_editor": (PERSIAN, PERSIAN),
    "translations:editor": (PERSIAN, PERSIAN),
    "translations:edition_matrix": (TRANSLATORS, None),
    "translations:edition_download": (ARABIC, None),
    "translations:edition_upload": (None, ARABIC),
    "translations:edition_editor": (ARABIC, ARABIC),
    # Like the core's: reviewing needs a reviewer's grant (tests/translations/test_edition_workspace.py has them).
    "translations:edition_review": (None, SECRETARIAT),
    "glossary:list": (GLOSSARY_READERS, None),
    "glossary:export": (GLOSSARY_READERS, None),
    "glossary:term-new": (SECRETARIAT, SECRETARIAT),
    "glossary:term-edit": (SECRETARIAT, SECRETARIAT),
    "glossary:term-remove": (None, SECRETARIAT),
    "glossary:import": (SECRETARIAT, SECRETARIAT),
    # A partner's renderings: its own members and the secretariat; not its affiliate's nor another partner's editor.
    "glossary:partner-renderings": (OWN_PARTNER | SECRETARIAT, OWN_PARTNER | SECRETARIAT),
    "glossary:partner-import": (OWN_PARTNER | SECRETARIAT, OWN_PARTNER | SECRETARIAT),
    # Reviewing needs a reviewer's grant (tests/translations/test_review.py has reviewers and the refused).
    "translations:review": (None, SECRETARIAT),
    # Rosetta's two redirects lead to the file list, which applies the rules.
    "rosetta-old-home-redirect": (EVERYONE, None),
    "rosetta-file-list-redirect": (EVERYONE, None),
    "rosetta-file-list": ({"translator_fa", "translator_ar"} | SECRETARIAT, None),
    "rosetta-form": ({"translator_fa", "superuser"}, None),
    "rosetta-download-file": ({"translator_fa", "superuser"}, None),
    "rosetta.translate_text": ({"translator_fa", "translator_ar"} | SECRETARIAT, None),
}
# Rosetta's own form URL is shadowed by ours (the locked, validated save); both carry the same name.


def named_routes(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(part for part in (namespace, pattern.name) if part)


def test_every_route_has_a_rule():
    missing = sorted(set(named_routes()) - set(RULES))
    assert missing == [], f"routes without a permission rule: {missing}"


def test_staff_status_alone_is_answered_like_a_trainer_and_the_group_like_the_secretariat():
    """Keeps the table honest: one rule for "is this the secretariat?", whatever the route."""
    for route, answers in RULES.items():
        for allowed in filter(None, answers):
            assert ("staff_only" in allowed) == ("trainer" in allowed), route
            assert ("secretariat_group_only" in allowed) == ("secretariat" in allowed), route


@pytest.fixture
def world(handbook, partner, affiliate, other_partner, settings, tmp_path, staff_only, secretariat_group_only):
    """Objects for every route: a partner edition with a local block, a rendered PDF, a workshop, a resource..."""
    users = {"anonymous": None, "trainer": UserFactory(username="trainer")}
    users["staff_only"], users["secretariat_group_only"] = staff_only, secretariat_group_only
    for name, member_of in (
        ("partner_editor", partner),
        ("affiliate_editor", affiliate),
        ("other_editor", other_partner),
    ):
        users[name] = UserFactory(username=name.replace("_", "-"))
        PartnerMembership.objects.create(user=users[name], partner=member_of)
    for language in ("fa", "ar"):
        users[f"translator_{language}"] = UserFactory(username=f"translator-{language}")
        users[f"translator_{language}"].groups.add(Group.objects.get_or_create(name=f"translators-{language}")[0])
    users["secretariat"] = UserFactory(username="secretariat", is_staff=True)
    users["secretariat"].groups.add(Group.objects.get_or_create(name="secretariat")[0])
    users["superuser"] = UserFactory(username="root", is_staff=True, is_superuser=True)

    module = handbook.modules.get(slug="session-1")
    edition = edition_get_or_create(curriculum=handbook, partner=partner)
    adaptation_override(edition=edition, module=module, block_key="facilitator-note", title={}, body={"en": "Ours."})
    local = local_block_save(edition=edition, module=module, kind="text", title={}, body={"en": "Local."})
    edition_publish(edition=edition)
    suggestion, _created = suggestion_make(
        edition=edition, module=module, block_key="facilitator-note", message="Ours."
    )
    job = export_services.export_request(curriculum=handbook, language="en", enqueue=False)
    export_services.export_job_render(job_id=job.pk)
    review = ExportJob.objects.create(
        fingerprint=uuid.uuid4().hex, kind="review", params={"year": 2025}, language="en",
        status=ExportJob.Status.DONE, file=default_storage.save("exports/review.pdf", ContentFile(b"%PDF-1.7 review")),
    )  # fmt: skip
    workshop = Workshop.objects.create(
        partner=partner, kind=Workshop.Kind.WORKSHOP, country="JO", place="Irbid", start_date=date(2025, 3, 4),
        end_date=date(2025, 3, 5), language="ar", curriculum=handbook, participants_women=10, participants_men=0,
        participants_total=10,
    )  # fmt: skip
    workshop.module_versions.set(ModuleVersion.objects.all())
    person = Person.objects.create(partner=partner, name="Facilitator Name")
    workshop.facilitators.add(person)
    resource = Resource.objects.create(
        title_en="Annual report", language="en", file=ContentFile(b"%PDF-1.7 report", name="report.pdf"),
        file_type="application/pdf", file_size=15,
    )  # fmt: skip
    subscription = Subscription.objects.create(email="t@example.org", curriculum=handbook, language="en")
    term = RenderingFactory(term=TermFactory(pk=4242, text="leadership"), language="ar", text="قيادة").term
    partner.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n logo"))
    kwargs = {
        "curriculum:detail": {"slug": handbook.slug},
        "curriculum:module": {"slug": handbook.slug, "module_slug": "session-1"},
        "curriculum:module-versions": {"curriculum_slug": handbook.slug, "module_slug": "session-1"},
        "workspace:core-publish": {"curriculum_slug": handbook.slug, "module_slug": "session-1"},
        "workspace:partner-location": {"partner_slug": partner.slug},
        "exports:job": {"job_id": job.pk},
        "exports:status": {"job_id": job.pk},
        "exports:download": {"job_id": job.pk},
        "downloads:edition": {"curriculum_slug": handbook.slug, "edition_slug": partner.slug, "language": "en"},
        "downloads:manual": {"curriculum_slug": handbook.slug, "edition_slug": "core", "language": "en"},
        "downloads:offline": {"curriculum_slug": handbook.slug, "edition_slug": "core", "language": "en"},
        "partner-logo": {"filename": partner.logo.name.rsplit("/", 1)[-1]},
        "downloads:whats-new": {"curriculum_slug": handbook.slug, "edition_slug": "core", "language": "en"},
        "downloads:subscribe": {"curriculum_slug": handbook.slug, "edition_slug": "core", "language": "en"},
        "downloads:confirm": {"token": subscription.token},
        "downloads:unsubscribe": {"token": subscription.token},
        "workshops:resource-download": {"pk": resource.pk},
        "workshops:edit": {"pk": workshop.pk},
        "workshops:people-export": {"partner_slug": partner.slug},
        "workshops:people-delete": {"partner_slug": partner.slug},
        "workshops:person": {"pk": person.pk, "action": "consent"},
        "workshops:reach-csv": {"dimension": "country"},
        "workshops:review-download": {"job_id": review.pk},
        "translations:matrix": {"slug": handbook.slug},
        "translations:download": {"slug": handbook.slug, "language": "fa", "file_format": "po"},
        "translations:upload": {"slug": handbook.slug, "language": "fa"},
        "translations:curriculum_editor": {"slug": handbook.slug, "language": "fa"},
        "translations:editor": {"slug": handbook.slug, "language": "fa", "module_slug": "session-1"},
        "translations:edition_matrix": {"slug": handbook.slug, "partner_slug": partner.slug},
        "translations:edition_download": {
            "slug": handbook.slug,
            "partner_slug": partner.slug,
            "language": "ar",
            "file_format": "po",
        },
        "translations:edition_upload": {"slug": handbook.slug, "partner_slug": partner.slug, "language": "ar"},
        "translations:edition_editor": {
            "slug": handbook.slug,
            "partner_slug": partner.slug,
            "language": "ar",
            "module_slug": "session-1",
        },
        "translations:review": {"slug": handbook.slug, "language": "fa"},
        "translations:edition_review": {"slug": handbook.slug, "partner_slug": partner.slug, "language": "ar"},
        "rosetta-file-list": {"po_filter": "project"},
        "glossary:export": {"file_format": "tbx"},
        "glossary:term-edit": {"pk": term.pk},
        "glossary:term-remove": {"pk": term.pk},
        "glossary:partner-renderings": {"partner_slug": partner.slug, "pk": term.pk},
        "glossary:partner-import": {"partner_slug": partner.slug},
        "rosetta-form": {"po_filter": "project", "lang_id": "fa", "idx": 0},
        "rosetta-download-file": {"po_filter": "project", "lang_id": "fa", "idx": 0},
    }
    edition_kwargs = {"curriculum_slug": handbook.slug, "partner_slug": partner.slug}
    for name in ("workspace:edition", "workspace:publish", "workspace:privacy"):
        kwargs[name] = edition_kwargs
    for name in ("workspace:module", "workspace:local-new"):
        kwargs[name] = {**edition_kwargs, "module_slug": "session-1"}
    kwargs["workspace:override"] = {**edition_kwargs, "module_slug": "session-1", "block_key": "facilitator-note"}
    kwargs["workspace:block-action"] = {**kwargs["workspace:override"], "action": "hide"}
    kwargs["workspace:local-edit"] = {**edition_kwargs, "module_slug": "session-1", "key": local.key}
    kwargs["workspace:local-action"] = {**kwargs["workspace:local-edit"], "action": "delete"}
    kwargs["workspace:suggest"] = kwargs["workspace:override"]
    kwargs["workspace:suggestion"] = {"pk": suggestion.pk}
    kwargs["workspace:suggestion-decide"] = {"pk": suggestion.pk, "decision": "accept"}
    post_data = {
        "exports:request": {"curriculum": handbook.slug, "language": "en", "profile": "a4"},
        "workspace:override": {"revision": 1, "body_en": "Changed."},
        "workspace:local-edit": {"revision": 1, "kind": "text", "body_en": "Changed."},
        "workspace:local-new": {"kind": "text", "body_en": "New."},
        "workspace:publish": {"change_note": "x"},
        "workspace:core-publish": {"change_note": "x"},
        "workspace:suggest": {"message": "Better for everyone."},
        "workspace:suggestion-decide": {"reason": "Thank you.", "confirm": "on"},
        "workspace:partner-location": {"location_visibility": "hidden"},
        "workspace:privacy": {"is_private": "on"},
        "downloads:subscribe": {"email": "new@example.org"},
        "set_language": {"language": "fr"},
        "glossary:term-new": {"text": "consensus", "language": "en", "rendering_ar": "توافق"},
        "glossary:term-edit": {"text": "leadership", "language": "en", "rendering_ar": "ريادة"},
        "glossary:partner-renderings": {"rendering_ar": "ريادة"},
        "translations:review": {
            "review": "approve:curriculum:title",
            "b:curriculum:title": text_hash(handbook.title_fa),
        },
    }
    return {"users": users, "kwargs": kwargs, "post": post_data, "handbook": handbook}


def _refused(response, url):
    if response.status_code in (403, 404, 405):
        return True
    # Sent to sign in, or (rosetta) sent back to a page that applies the rules.
    location = response.get("Location", "")
    return response.status_code == 302 and (
        "/accounts/login/" in location or (url.startswith("/rosetta/files/project/fa/") and url not in location)
    )


def _changes():
    return (
        AuditEvent.objects.count(),
        ExportJob.objects.count(),
        Subscription.objects.count(),
        list(Term.objects.order_by("pk").values_list("pk", "text", "note")),
        list(Rendering.objects.order_by("pk").values_list("pk", "term_id", "language", "partner_id", "text")),
    )


@pytest.mark.parametrize("route", sorted(RULES))
def test_every_persona_gets_the_expected_answer(client, world, route, settings):
    settings.EXPORT_REQUESTS_PER_MINUTE = 1000
    get_allowed, post_allowed = RULES[route]
    url = reverse(route, kwargs=world["kwargs"].get(route))
    failures = []
    for persona in PERSONAS:
        client.logout()
        if world["users"][persona] is not None:
            client.force_login(world["users"][persona])
        for method, allowed in (("get", get_allowed), ("post", post_allowed)):
            if route == "downloads:unsubscribe":
                # The previous persona's POST did unsubscribe: each persona starts subscribed.
                Subscription.objects.get_or_create(
                    token=world["kwargs"][route]["token"],
                    defaults={"email": "t@example.org", "curriculum": world["handbook"], "language": "en"},
                )
            if route == "glossary:term-remove" and not Term.objects.filter(pk=4242).exists():
                # The previous persona's POST did remove it: each persona starts with the term.
                RenderingFactory(term=TermFactory(pk=4242, text="leadership"), language="ar", text="قيادة")
            before = _changes()
            response = (
                getattr(client, method)(url, world["post"].get(route, {})) if method == "post" else client.get(url)
            )
            if allowed is None:
                if method == "get" and not _refused(response, url):
                    failures.append(f"{persona} GET: {response.status_code}, expected a refusal")
                continue
            refused = _refused(response, url)
            if persona in allowed and refused:
                failures.append(f"{persona} {method.upper()}: refused ({response.status_code})")
            if persona not in allowed:
                if not refused:
                    failures.append(f"{persona} {method.upper()}: allowed ({response.status_code})")
                if method == "post" and _changes() != before:
                    failures.append(f"{persona} POST: refused but something changed")
    assert not failures, "; ".join(failures)
