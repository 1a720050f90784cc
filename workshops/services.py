"""Writes of the workshops app: recording a workshop, adding a document to the library."""

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from exports import storage

from .models import Person, Resource, Tag, Workshop
from .uploads import upload_check

# --- Recording -------------------------------------------------------------------


def _people_for(partner, names, trained_at=None):
    """Existing people of the partner by name, created when new (trained at the ToT the workshop replicates)."""
    people = []
    for name in names:
        person, _created = Person.objects.get_or_create(partner=partner, name=name, defaults={"trained_at": trained_at})
        people.append(person)
    return people


@transaction.atomic
def workshop_record(*, user, data, workshop=None, module_versions=(), facilitators=(), new_facilitators=()):
    """Create or update a workshop with its modules and facilitators (new names become people of the partner)."""
    workshop = workshop or Workshop(created_by=user)
    for name, value in data.items():
        setattr(workshop, name, value)
    workshop.full_clean()
    workshop.save()
    workshop.module_versions.set(module_versions)
    new_people = _people_for(workshop.partner, new_facilitators, trained_at=workshop.parent_tot)
    workshop.facilitators.set([*facilitators, *new_people])
    return workshop


# --- Resource centre ---------------------------------------------------------------


def _tags_for(names):
    tags = []
    for name in names:
        slug = slugify(name, allow_unicode=True)[:60]
        if slug:
            tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:80]})
            tags.append(tag)
    return tags


@transaction.atomic
def resource_create(*, user, data, upload=None, tag_names=()):
    """Add a document to the library: the upload is checked by content and stored under a content-addressed name."""
    resource = Resource(created_by=user, **data)
    if upload is not None:
        mime, extension = upload_check(upload, max_bytes=settings.RESOURCE_MAX_UPLOAD_BYTES)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        stem = slugify(upload.name.rsplit(".", 1)[0])[:80] or "document"
        # Written whole through exports/storage.py (the disk or the bucket); the same document twice is one file.
        resource.file = storage.store_upload(f"resources/{digest.hexdigest()[:16]}/{stem}.{extension}", upload)
        resource.file_type = mime
        resource.file_size = upload.size
    resource.full_clean()
    resource.save()
    resource.tags.set(_tags_for(tag_names))
    return resource
