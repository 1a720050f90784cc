"""A long manual printed in parts: which parts it needs, who lays each out, and the join once all are stored.

The layout and the join themselves are pure (exports/assembly.py); this module coordinates:
the worker that claims the job records the parts and sends the missing ones to the queue,
each worker lays out its part and stores it, and the worker that stores the last part and
wins the job's conditional "assembling" update joins the manual.
"""

import logging
import time
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from . import assembly, documents, queue, rendering, storage
from .byte_cache import ByteCache
from .errors import ExportError
from .fingerprints import part_fingerprint
from .glyphs import glyphs_check, notdef_check
from .lifecycle import failures_settled
from .models import ExportJob, RenderedPart
from .spec import ExportSpec

logger = logging.getLogger(__name__)
# The module name a kept front matter (cover and contents) is recorded under.
FRONT_MATTER = "(front matter)"


def in_parts(job):
    """Whether the job is a manual long enough to be laid out module by module."""
    return (
        settings.PDF_PARTS_MIN_MODULES > 0
        and job.kind == ExportJob.Kind.MANUAL
        and len(job.module_versions) >= settings.PDF_PARTS_MIN_MODULES
    )


def job_edition(job, spec):
    """The job's edition, resolved once per process and attempt: a worker lays out many of its parts."""
    return _pinned_edition(job.pk, job.attempts, spec)


@lru_cache(maxsize=2)
def _pinned_edition(job_id, attempt, spec):
    # Pinned versions never change, so the cache cannot serve stale content; the key keeps jobs apart.
    # Two: a worker lays out one job's parts at a time, another's may come between; each edition kept
    # is a megabyte or two of a worker's memory (four grew a worker's memory by 8 MB over its first renders).
    return documents.job_edition(spec)


def _part_sources(spec, edition, only=None):
    """(module, print HTML, fingerprint) of each part of the job's manual, in order (or of the part `only`)."""
    sources = []
    for index, module in enumerate(edition.modules):
        if only is not None and index != only:
            continue
        html = assembly.part_html(edition, module, spec)
        sources.append((module, html, part_fingerprint(html)))
    return sources


def parts_start(job, *, spec, dispatch):
    """Check the whole manual's glyphs, record its parts, and lay out those no earlier render left behind.

    The parts to lay out are claimed one at a time (ExportJob.part_claim) by this worker and,
    with `dispatch`, by the helpers it sends to the queue: any free worker takes a helper and
    claims parts until none is left, so the parts spread over the workers there are, one at a
    time, and a lone worker lays them all out in this one task, without a round trip through
    the queue between parts. Whoever stores the last part joins the manual.
    """
    edition = job_edition(job, spec)
    glyphs_check(documents.edition_texts(edition))
    sources = _part_sources(spec, edition)
    fingerprints = [fingerprint for _module, _html, fingerprint in sources]
    stored = _parts_stored(fingerprints)
    # Two modules laid out alike are one part: it is laid out once.
    pending = list(dict.fromkeys(fingerprint for fingerprint in fingerprints if fingerprint not in stored))
    ExportJob.objects.filter(pk=job.pk).parts_record(fingerprints, pending=pending)
    job.parts, job.parts_pending = fingerprints, pending
    if dispatch:
        for _helper in range(min(len(pending) - 1, settings.PDF_PART_HELPERS)):
            queue.part_help_send(job_id=job.pk)
    made = {fingerprint: (module, html) for module, html, fingerprint in sources}
    _parts_lay_out(job, spec=spec, made=made)
    return _parts_assemble_when_complete(job, spec=spec)


def _parts_stored(fingerprints):
    """The fingerprints among these whose part is kept, its file in the storage: one query for them all."""
    names = dict(RenderedPart.objects.filter(fingerprint__in=set(fingerprints)).values_list("fingerprint", "file"))
    there = storage.stored_among(names.values())
    return {fingerprint for fingerprint, name in names.items() if name in there}


def _parts_lay_out(job, *, spec, made=None):
    """Claim the job's parts one after the other and lay each out, until none is left; how many this call laid out.

    `made` is {fingerprint: (module, print HTML)} of the parts whose HTML the caller has made;
    a helper makes the HTML of the parts it claims, and checks it is still the HTML the job
    recorded.
    """
    laid_out = 0
    total = len(set(job.parts))
    stored_before = total - len(set(job.parts_pending))
    left = True
    while left:
        fingerprint, left = ExportJob.objects.filter(pk=job.pk).part_claim(stored_before=stored_before, total=total)
        if fingerprint is None:
            break
        if made and fingerprint in made:
            module, html = made[fingerprint]
        else:
            module, html = _part_source(job, spec, fingerprint)
        _part_render(fingerprint=fingerprint, module=module, html=html)
        laid_out += 1
    return laid_out


def _part_source(job, spec, fingerprint):
    """(module, print HTML) of one of the job's parts, made again by a worker that did not start the job."""
    edition = job_edition(job, spec)
    index = job.parts.index(fingerprint)
    sources = _part_sources(spec, edition, only=index)
    if not sources or sources[0][2] != fingerprint:
        # The renderer or the interface labels changed since the job began: begin again.
        raise ExportError(_("The edition changed while its PDF was being made; please ask for it again."))
    return edition.modules[index], sources[0][1]


def _part_render(*, fingerprint, module, html):
    """Lay out one module as a part and keep it under its fingerprint."""
    started = time.perf_counter()
    result = rendering.html_to_pdf(html, title=module.title, piece=True)
    notdef_check(result.warnings)
    seconds = time.perf_counter() - started
    _part_keep(fingerprint, module.slug, result, seconds)
    logger.info("part %s (%s) laid out: %s pages in %.2f s", fingerprint[:8], module.slug, result.page_count, seconds)


# The parts this process laid out last, by stored name: the join reads these from memory, not back from the
# storage (on a bucket, a lone worker's join read all of a long manual's 96 parts back: 2.9 s over the disk's).
# 8 MB: a long manual's parts are about 3 MB.
LAID_OUT = ByteCache(8 * 1024 * 1024)


def _kept_bytes(name):
    """A kept part's (or front matter's) bytes: from memory when this process laid it out, else from the storage."""
    return LAID_OUT.get(name) or storage.read(name)


def _part_keep(fingerprint, module, result, seconds):
    name = storage.store_file(RenderedPart.storage_name(fingerprint), result.pdf)
    LAID_OUT.put(name, result.pdf)
    RenderedPart.objects.update_or_create(
        fingerprint=fingerprint,
        defaults={
            "module": module,
            "file": name,
            "file_size": len(result.pdf),
            "page_count": result.page_count,
            "render_seconds": round(seconds, 3),
            "warnings": result.warnings,
            "refused_urls": result.refused_urls,
        },
    )


def export_part_render(*, job_id, fingerprint=None, more=()):
    """A helper: claim parts of a manual and lay them out until none is left; join the manual if they were the last.

    `fingerprint` and `more` are what an older worker sent (the parts of a share): they are not
    looked at, and such a message claims parts like any helper.
    """
    job = (
        ExportJob.objects.select_related("curriculum", "partner")
        .filter(pk=job_id, status=ExportJob.Status.RUNNING, stage=ExportJob.Stage.PARTS)
        .first()
    )
    if job is None:
        logger.info("export %s does not wait for parts any more", job_id)
        return None
    spec = ExportSpec.of_job(job)
    with failures_settled(job):
        if not _parts_lay_out(job, spec=spec):
            # Every part was taken: the workers laying them out join the manual.
            return None
        return _parts_assemble_when_complete(job, spec=spec)


def _parts_assemble_when_complete(job, *, spec):
    """Join the manual if every part is there; of the workers that see it complete, one wins the join."""
    done = RenderedPart.objects.filter(fingerprint__in=job.parts).count()
    total = len(set(job.parts))
    ExportJob.objects.filter(pk=job.pk).part_stored(done=done, total=total)
    if done < total:
        return None
    if not ExportJob.objects.filter(pk=job.pk).assembling():
        return None
    return _parts_assemble(job, spec=spec, edition=job_edition(job, spec))


def _front_kept_or_laid_out(html, *, pages_expected, title):
    """The front matter laid out from this HTML, kept as a part is: after an edit that moves no module, it is the same."""
    fingerprint = part_fingerprint(html)
    kept = RenderedPart.objects.filter(fingerprint=fingerprint).first()
    if kept is not None and storage.stored(kept.file.name):
        RenderedPart.objects.filter(pk=kept.pk).update(used_at=timezone.now())
        return rendering.RenderResult(
            pdf=_kept_bytes(kept.file.name) if kept.page_count == pages_expected else None,
            page_count=kept.page_count,
            layout_seconds=0,
            write_seconds=0,
            warnings=kept.warnings,
            refused_urls=kept.refused_urls,
            kept=True,
        )
    started = time.perf_counter()
    result = rendering.html_to_pdf(html, title=title, piece=True, pages_expected=pages_expected)
    if result.pdf is not None:
        _part_keep(fingerprint, FRONT_MATTER, result, time.perf_counter() - started)
    return result


def _front_pages_before(job, spec):
    """The front matter's length in the last finished render of the same document (an edit seldom moves it), or None."""
    before = (
        ExportJob.objects.filter(**spec.job_fields(), status=ExportJob.Status.DONE)
        .exclude(pk=job.pk)
        .order_by("-finished_at")
        .values_list("report", flat=True)
        .first()
    )
    # The first module starts right after the front matter (PostgreSQL's JSON keeps no key order: the smallest start).
    starts = [start for start in (before or {}).get("module_starts", {}).values() if isinstance(start, int)]
    return min(starts) - 1 if starts and min(starts) > 1 else None


def _parts_assemble(job, *, spec, edition):
    """Lay out the front matter and the running layer, join everything and store the manual."""
    started = time.perf_counter()
    parts_by_fingerprint = {part.fingerprint: part for part in RenderedPart.objects.filter(fingerprint__in=job.parts)}
    parts = [parts_by_fingerprint[fingerprint] for fingerprint in job.parts]
    RenderedPart.objects.filter(fingerprint__in=job.parts).update(used_at=timezone.now())
    generated_at = timezone.now()
    front, starts = assembly.front_render(
        edition,
        spec,
        part_pages=[part.page_count for part in parts],
        generated_at=generated_at,
        front_pages=_front_pages_before(job, spec),
        render=_front_kept_or_laid_out,
    )
    running, plan = assembly.running_render(
        edition,
        spec,
        front_pages=front.page_count,
        modules_pages=[(module, part.page_count) for module, part in zip(edition.modules, parts, strict=True)],
        generated_at=generated_at,
    )
    notdef_check(front.warnings + running.warnings)
    part_pdfs = [_kept_bytes(part.file.name) for part in parts]
    pdf = assembly.assemble(front=front.pdf, parts=part_pdfs, running=running.pdf, plan=plan)
    name = storage.store_file(job.storage_name(), pdf)
    fresh = [part for part in parts if job.started_at and part.created_at >= job.started_at]
    report = {
        **documents.edition_report(edition),
        "warnings": [warning for part in parts for warning in part.warnings] + front.warnings + running.warnings,
        "refused_urls": [url for part in parts for url in part.refused_urls]
        + front.refused_urls
        + running.refused_urls,
        "pdf_variant": rendering.DEFAULT_PDF_VARIANT,
        "parts": len(parts),
        "parts_rendered": len(fresh),
        "parts_reused": len(parts) - len(fresh),
        "parts_seconds": round(sum(part.render_seconds for part in fresh), 3),
        "front_kept": front.kept,
        "module_starts": dict(zip((module.slug for module in edition.modules), starts, strict=True)),
        "assemble_seconds": round(time.perf_counter() - started, 3),
    }
    ExportJob.objects.filter(pk=job.pk).done(
        name=name, file_size=len(pdf), page_count=len(plan), report=report, started_at=job.started_at
    )
    return name
