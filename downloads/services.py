"""Services of the download centre: current editions, what changed since a copy, notifications."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.mail import send_mail
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from curriculum.changes import block_changes
from curriculum.models import EditionVersion, ModuleVersion, Partner
from curriculum.resolution import edition_resolve
from curriculum.roles import can_view_partner_edition, private_editions_hidden_from
from exports.models import ExportJob

from .models import Subscription

logger = logging.getLogger(__name__)
CORE = "core"


class EditionNotFound(Exception):
    pass


def published_partners(curriculum):
    """Partners (and affiliates) that have published an edition of this curriculum."""
    return Partner.objects.filter(editions__curriculum=curriculum, editions__versions__isnull=False).distinct()


def visible_partners(curriculum, user):
    """The published partners' editions this person may see: private ones only for their own people."""
    hidden = private_editions_hidden_from(user, curriculum)
    partners = published_partners(curriculum)
    if not hidden:
        return partners
    return partners.exclude(pk__in=[partner.pk for partner in partners if hidden.intersection(partner.lineage_ids)])


def edition_partner(*, curriculum, edition_slug, user):
    """None for the core edition, else the partner; only curricula and editions that are published (and visible)."""
    if not curriculum.is_published:
        raise EditionNotFound
    if edition_slug == CORE:
        return None
    partner = published_partners(curriculum).filter(slug=edition_slug).first()
    if partner is None or not can_view_partner_edition(user, curriculum, partner):
        raise EditionNotFound
    return partner


@dataclass
class DownloadRow:
    partner: Partner | None
    language: str
    job: ExportJob | None

    @property
    def edition_slug(self):
        return self.partner.slug if self.partner else CORE


def _latest_ids(queryset, group_field):
    latest = (
        queryset.model.objects.filter(**{group_field: OuterRef(group_field)}).order_by("-number").values("number")[:1]
    )
    return queryset.filter(number=Subquery(latest))


def download_rows(*, curriculum, user, language=None, edition_slug=None):
    """Each published edition and language with its current manual, when one is rendered: a few queries in all."""
    partners = list(visible_partners(curriculum, user).order_by("name"))
    if edition_slug:
        partners = [partner for partner in partners if partner.slug == edition_slug]
    current_modules = sorted(
        _latest_ids(ModuleVersion.objects.filter(module__curriculum=curriculum), "module").values_list("pk", flat=True)
    )
    current_layers = {
        partner_id: pk
        for pk, partner_id in _latest_ids(
            EditionVersion.objects.filter(edition__curriculum=curriculum), "edition"
        ).values_list("pk", "edition__partner_id")
    }
    jobs = {}
    for job in ExportJob.objects.filter(
        curriculum=curriculum, status=ExportJob.Status.DONE, kind=ExportJob.Kind.MANUAL, profile=ExportJob.Profile.A4
    ).order_by("finished_at"):
        jobs[
            (job.partner_id, job.language, tuple(sorted(job.module_versions)), tuple(sorted(job.edition_versions)))
        ] = job
    rows = []
    editions = ([] if edition_slug not in (None, "", CORE) else [None]) + partners
    for partner in editions:
        languages = settings.LANGUAGE_CODES if partner is None else partner.languages
        layers = tuple(
            sorted(current_layers[pk] for pk in (partner.lineage_ids if partner else []) if pk in current_layers)
        )
        for code in languages:
            if language and code != language:
                continue
            job = jobs.get((partner.pk if partner else None, code, tuple(current_modules), layers))
            rows.append(DownloadRow(partner=partner, language=code, job=job))
    return rows


def versions_as_of(*, curriculum, partner, when):
    """The module and edition versions that were current at a moment: what a copy printed then contained."""
    modules = ModuleVersion.objects.filter(module__curriculum=curriculum, published_at__lte=when).filter(
        number=Subquery(
            ModuleVersion.objects.filter(module=OuterRef("module"), published_at__lte=when)
            .order_by("-number")
            .values("number")[:1]
        )
    )
    layers = EditionVersion.objects.filter(
        edition__curriculum=curriculum,
        edition__partner_id__in=partner.lineage_ids if partner else [],
        published_at__lte=when,
    ).filter(
        number=Subquery(
            EditionVersion.objects.filter(edition=OuterRef("edition"), published_at__lte=when)
            .order_by("-number")
            .values("number")[:1]
        )
    )
    return list(modules.values_list("pk", flat=True)), list(layers.values_list("pk", flat=True))


def _resolved_blocks(module):
    return [(block.key, block.title, block.body, block) for block in (module.blocks if module else [])]


def edition_changes_since(*, curriculum, partner, language, since):
    """What changed in an edition since a copy printed on `since`: changed modules and blocks, with word diffs."""
    module_ids, layer_ids = versions_as_of(curriculum=curriculum, partner=partner, when=since)
    then = edition_resolve(
        curriculum=curriculum, partner=partner, language=language, version_ids=module_ids, edition_version_ids=layer_ids
    )
    now = edition_resolve(curriculum=curriculum, partner=partner, language=language)
    old_modules = {module.slug: module for module in then.modules}
    changes = []
    for module in now.modules:
        before = old_modules.get(module.slug)
        blocks = [
            change for change in block_changes(_resolved_blocks(before), _resolved_blocks(module)) if change.changed
        ]
        if blocks or before is None:
            changes.append({"module": module, "new": before is None, "blocks": blocks})
    return changes


def subscription_request(*, email, curriculum, partner, language, confirm_url_for):
    """Record an opt-in and send the confirmation e-mail; nothing is sent to an unconfirmed address after that."""
    subscription, _created = Subscription.objects.get_or_create(
        email=email.strip().lower(), curriculum=curriculum, partner=partner, language=language
    )
    if subscription.confirmed_at is None:
        with translation.override(language):
            send_mail(
                _("Confirm: new versions of %(title)s") % {"title": curriculum.title},
                _(
                    "Someone (we hope you) asked to be told by e-mail when a new version of this edition is "
                    "published. Confirm by opening this link:\n\n%(url)s\n\nIf it was not you, ignore this message."
                )
                % {"url": confirm_url_for(subscription)},
                None,
                [subscription.email],
            )
    return subscription


def subscription_confirm(*, token):
    subscription = Subscription.objects.filter(token=token).select_related("curriculum", "partner").first()
    if subscription and subscription.confirmed_at is None:
        edition = edition_resolve(
            curriculum=subscription.curriculum, partner=subscription.partner, language=subscription.language
        )
        subscription.confirmed_at = timezone.now()
        subscription.last_notified_digest = edition.content_digest()
        subscription.save(update_fields=["confirmed_at", "last_notified_digest"])
    return subscription


def subscription_cancel(*, token):
    return Subscription.objects.filter(token=token).delete()[0] > 0


def _may_be_told(subscription):
    """A private edition's news goes only to addresses of people who may see it, never to strangers."""
    if can_view_partner_edition(AnonymousUser(), subscription.curriculum, subscription.partner):
        return True
    people = get_user_model().objects.filter(email__iexact=subscription.email, is_active=True)
    return any(can_view_partner_edition(user, subscription.curriculum, subscription.partner) for user in people)


def subscribers_notify(*, curriculum_id, site_url):
    """E-mail every confirmed subscriber whose edition's published content changed since we last wrote."""
    sent = 0
    subscriptions = Subscription.objects.filter(
        curriculum_id=curriculum_id, confirmed_at__isnull=False, curriculum__is_published=True
    ).select_related("curriculum", "partner")
    for subscription in subscriptions:
        if not _may_be_told(subscription):
            continue
        edition = edition_resolve(
            curriculum=subscription.curriculum, partner=subscription.partner, language=subscription.language
        )
        digest = edition.content_digest()
        if digest == subscription.last_notified_digest:
            continue
        edition_slug = subscription.partner.slug if subscription.partner else CORE
        with translation.override(subscription.language):
            link = site_url + reverse(
                "downloads:edition", args=[subscription.curriculum.slug, edition_slug, subscription.language]
            )
            unsubscribe = site_url + reverse("downloads:unsubscribe", args=[subscription.token])
            send_mail(
                _("A new version of %(title)s is published") % {"title": edition.title},
                _(
                    "The edition you follow has changed. See what is new and download it:\n\n%(link)s\n\nStop these e-mails: %(unsubscribe)s"
                )
                % {"link": link, "unsubscribe": unsubscribe},
                None,
                [subscription.email],
            )
        Subscription.objects.filter(pk=subscription.pk).update(last_notified_digest=digest)
        sent += 1
    return sent


@dataclass
class OfflineMember:
    filename: str
    job: ExportJob


def offline_members(*, curriculum, partner, language, admit=None):
    """The files of an edition's offline package, each a (possibly still rendering) export job.

    The edition is resolved once and every document of the package is asked for with it.
    """
    from exports.services import export_request

    edition = edition_resolve(curriculum=curriculum, language=language, partner=partner)
    members = [
        OfflineMember(
            "manual.pdf",
            export_request(curriculum=curriculum, language=language, partner=partner, edition=edition, admit=admit),
        ),
    ]
    if any(block.kind == "handout" for module in edition.modules for block in module.blocks):
        members.append(
            OfflineMember(
                "handouts.pdf",
                export_request(
                    curriculum=curriculum,
                    language=language,
                    partner=partner,
                    kind=ExportJob.Kind.HANDOUTS,
                    edition=edition,
                    admit=admit,
                ),
            )
        )
    for number, module in enumerate(edition.modules, start=1):
        members.append(
            OfflineMember(
                f"modules/{number:02d}-{module.slug}.pdf",
                export_request(
                    curriculum=curriculum,
                    language=language,
                    partner=partner,
                    kind=ExportJob.Kind.MODULE,
                    params={"module": module.slug},
                    edition=edition,
                    admit=admit,
                ),
            )
        )
    return edition, members


OFFLINE_INDEX = "downloads/offline_index.html"


def offline_package_fingerprint(members):
    """The package is the same package while its PDFs and its index page (with what it includes) are the same."""
    import hashlib

    from exports.fingerprints import template_files

    digest = hashlib.sha256("".join(member.job.fingerprint for member in members).encode())
    for name, path in sorted(template_files([OFFLINE_INDEX]).items()):
        digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def offline_package(*, curriculum, partner, language, admit=None):
    """The stored ZIP of an edition (built from its rendered PDFs), or None while some are still rendering.

    Returns (storage name or None, fingerprint, members).
    """
    import hashlib
    import io
    import json
    import zipfile

    from django.template.loader import render_to_string

    from exports import storage

    edition, members = offline_members(curriculum=curriculum, partner=partner, language=language, admit=admit)
    fingerprint = offline_package_fingerprint(members)
    name = storage.offline_package_name(fingerprint)
    if any(member.job.status != ExportJob.Status.DONE for member in members):
        return None, fingerprint, members
    if storage.stored(name):
        return name, fingerprint, members
    files = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in members:
            data = storage.read(member.job.file.name)
            # PDFs are already compressed: stored as they are, they open straight from the archive.
            archive.writestr(member.filename, data, compress_type=zipfile.ZIP_STORED)
            files.append(
                {
                    "file": member.filename,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "bytes": len(data),
                    "pages": member.job.page_count,
                    "document": member.job.kind,
                    "module": member.job.params.get("module"),
                }
            )
        manifest = {
            "curriculum": curriculum.slug,
            "title": edition.title,
            "edition": partner.slug if partner else CORE,
            "language": language,
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "module_versions": {module.slug: module.version_number for module in edition.modules},
            "edition_versions": edition.edition_versions,
            "files": files,
        }
        archive.writestr(
            "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2), compress_type=zipfile.ZIP_DEFLATED
        )
        with translation.override(language):
            index = render_to_string(OFFLINE_INDEX, {"manifest": manifest, "edition": edition, "partner": partner})
        archive.writestr("index.html", index, compress_type=zipfile.ZIP_DEFLATED)
    storage.store_file(name, buffer.getvalue())
    return name, fingerprint, members
